import { SynclineError } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { createSignedInSyncline as authServer, ownedNotes as notes } from '../../server/test/support/signed-in.js';
import type { AuthSession } from '../src/index.js';
import { connectClient, request, until, whenOpen } from './support.js';

type App = Parameters<typeof request>[0];

async function tokenOf(app: App, username: string): Promise<string> {
  await request(app, 'POST', '/users', { body: { username, password: 'correct horse' } });
  const response = await request(app, 'POST', '/session', { body: { username, password: 'correct horse' } });
  return response.body.token as string;
}

describe('client.auth', () => {
  it('signs up, then every request and the socket are the user; sign-out makes the client anonymous again', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    const seen: AuthSession[] = [];
    client.auth.onChange((session) => seen.push(session));
    expect(client.auth.user()).toBeNull();

    const session = await client.auth.signUp('Ana', 'correct horse');
    expect(session.user).toEqual({ id: 'ana', username: 'ana' });
    expect(session.expiresAt).toBeGreaterThan(Date.now());
    expect(client.auth.session()).toBe(session);
    expect(client.auth.user()).toEqual({ id: 'ana', username: 'ana' });

    // No `token` option: the sign-in's token goes with the socket's requests and subscriptions.
    await whenOpen(client);
    expect((await client.resource(notes).create({ text: 'mine' })).owner).toBe('ana');
    const view = client.resource(notes).liveQuery({});
    await until(view, (snapshot) => snapshot.length === 1);
    const other = await request(app, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } });
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${other.body.token as string}` }, body: { text: 'from another device' } });
    const snapshot = await until(view, (notes) => notes.length === 2);
    expect(snapshot.map((note) => note.text).sort()).toEqual(['from another device', 'mine']);
    view.close();

    await client.auth.signOut();
    expect(client.auth.session()).toBeNull();
    expect(seen.map((state) => state?.user.id ?? null)).toEqual(['ana', null]);
    const refused = await client.resource(notes).list().catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(SynclineError);
    expect((refused as SynclineError).code).toBe('unauthenticated');
    // The session ended on the server too: the client did not merely forget it.
    expect(await client.auth.refresh()).toBeNull();
  });

  it('signs in over HTTP only, with the client\'s fetch', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    await tokenOf(app, 'ana');
    const paths: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      paths.push(`${init?.method ?? 'GET'} ${new URL(String(input)).pathname}`);
      return fetch(input, init);
    };
    await using client = connectClient(port, { transport: 'http', fetch: fetchSpy });
    await client.auth.signIn('ana', 'correct horse');
    expect((await client.resource(notes).create({ text: 'over http' })).owner).toBe('ana');
    await client.auth.signOut();
    expect(paths).toEqual(['POST /session', 'POST /notes', 'DELETE /session']);
    await expect(client.resource(notes).list()).rejects.toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('rejects a wrong password with the server\'s 401 and stays signed out; repeated failures answer 429 with retry-after', async () => {
    await using app = await authServer({ maxFailures: 2 });
    const { port } = await app.listen(0, '127.0.0.1');
    await tokenOf(app, 'ana');
    await using client = connectClient(port, { transport: 'http' });
    const seen: AuthSession[] = [];
    client.auth.onChange((session) => seen.push(session));

    const wrong = await client.auth.signIn('ana', 'wrong password').catch((error: unknown) => error);
    expect(wrong).toBeInstanceOf(SynclineError);
    expect(wrong).toMatchObject({ code: 'unauthenticated', status: 401 });
    expect(client.auth.user()).toBeNull();

    await client.auth.signIn('ana', 'wrong again').catch(() => {});
    const limited = await client.auth.signIn('ana', 'correct horse').catch((error: unknown) => error);
    expect(limited).toMatchObject({ code: 'rate-limited', status: 429 });
    expect(Number((limited as SynclineError).headers['retry-after'])).toBeGreaterThan(0);
    expect(seen).toEqual([]);
  });

  it('a sign-up of a taken name rejects with already-exists and signs nobody in', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    await tokenOf(app, 'ana');
    await using client = connectClient(port, { transport: 'http' });
    await expect(client.auth.signUp('ana', 'another horse')).rejects.toMatchObject({ code: 'already-exists', status: 409 });
    expect(client.auth.session()).toBeNull();
  });

  it('wins over the token option; after sign-out that token is not sent either', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    const bob = await tokenOf(app, 'bob');
    await tokenOf(app, 'ana');
    await using client = connectClient(port, { transport: 'http', token: () => bob });
    expect((await client.auth.refresh())?.user.id).toBe('bob');
    await client.auth.signIn('ana', 'correct horse');
    expect((await client.resource(notes).create({ text: 'x' })).owner).toBe('ana');
    await client.auth.signOut();
    await expect(client.resource(notes).list()).rejects.toMatchObject({ code: 'unauthenticated' });
    // Only ana's session ended; bob's token still works elsewhere.
    expect((await request(app, 'GET', '/session', { headers: { authorization: `Bearer ${bob}` } })).status).toBe(200);
  });

  it('signs out after destroy (the replica first, then the session)', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    await tokenOf(app, 'ana');
    const client = connectClient(port);
    await client.auth.signIn('ana', 'correct horse');
    await client.destroy();
    await client.auth.signOut();
    expect(client.auth.session()).toBeNull();
    expect(client.state().kind).toBe('closed');
  });

  it('a live view follows a change of user: the new user\'s records, none of the old one\'s', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    const ana = await tokenOf(app, 'ana');
    const bob = await tokenOf(app, 'bob');
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${ana}` }, body: { text: 'ana\'s' } });
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${bob}` }, body: { text: 'bob\'s' } });
    await using client = connectClient(port);
    await client.auth.signIn('ana', 'correct horse');
    const view = client.resource(notes).liveQuery({});
    await until(view, (snapshot) => snapshot.length === 1 && snapshot[0]?.text === 'ana\'s');
    await client.auth.signIn('bob', 'correct horse');
    await until(view, (snapshot) => snapshot.length === 1 && snapshot[0]?.text === 'bob\'s');
    view.close();
  });

  it('a session ended elsewhere makes the state anonymous and reaches onSessionEnded; a new sign-in resumes the socket', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    await tokenOf(app, 'ana');
    let ended = 0;
    let signInAgain = (): void => {};
    const renewed = new Promise<void>((resolve) => (signInAgain = resolve));
    // The token the client was given, as the same session used elsewhere would know it.
    let given = '';
    const keepToken: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method === 'POST' && new URL(String(input)).pathname === '/session') given = ((await response.clone().json()) as { token: string }).token;
      return response;
    };
    await using client = connectClient(port, {
      fetch: keepToken,
      onSessionEnded: () => {
        ended++;
        return renewed;
      },
    });
    await client.auth.signIn('ana', 'correct horse');
    await whenOpen(client);
    const view = client.resource(notes).liveQuery({});
    await until(view, (snapshot) => snapshot.length === 0);
    const { token } = (await request(app, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } })).body as { token: string };
    expect((await request(app, 'DELETE', '/session', { headers: { authorization: `Bearer ${given}` } })).status).toBe(204);
    await expect.poll(() => ended).toBe(1);
    expect(client.auth.session()).toBeNull();
    await client.auth.signIn('ana', 'correct horse');
    signInAgain();
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${token}` }, body: { text: 'after' } });
    await until(view, (snapshot) => snapshot.length === 1);
    view.close();
  });
});
