import { describe, expect, it } from 'vitest';
import type { Syncline } from '../../src/index.js';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createSignedInSyncline } from '../support/signed-in.js';

// Accounts can never be deleted or rewritten from outside: a username names everything its
// account owns and is a member of, so freeing it would hand all of that to whoever signs up
// with it next. Every write to /users from outside is 403, on every surface.

const PASSWORD = 'correct horse';
/** These tests sign up, and try to sign up again, more often than one address may by default. */
const MANY_SIGN_UPS = { maxSignUpsPerAddress: 100 };

async function signUpAndIn(syncline: Syncline, username: string): Promise<{ token: string; cookie: string; auth: Record<string, string> }> {
  expect((await request(syncline, 'POST', '/users', { body: { username, password: PASSWORD } })).status).toBe(201);
  const signedIn = await request(syncline, 'POST', '/session', { body: { username, password: PASSWORD } });
  expect(signedIn.status).toBe(201);
  return { token: signedIn.body.token, cookie: signedIn.headers['set-cookie']?.split(';')[0] ?? '', auth: { authorization: `Bearer ${signedIn.body.token}` } };
}

/** The account is intact: its session still works, it still signs in, and its name cannot be signed up again (any case or spacing). */
async function expectAccountIntact(syncline: Syncline, username: string, auth: Record<string, string>): Promise<void> {
  const session = await request(syncline, 'GET', '/session', { headers: auth });
  expect(session.status).toBe(200);
  expect(session.body.user.id).toBe(username);
  expect((await request(syncline, 'GET', `/users/${username}`, { headers: auth })).status).toBe(200);
  expect((await request(syncline, 'POST', '/session', { body: { username, password: PASSWORD } })).status).toBe(201);
  for (const variant of [username, username.toUpperCase(), ` ${username} `]) {
    const again = await request(syncline, 'POST', '/users', { body: { username: variant, password: 'someone else entirely' } });
    expect(again.status, variant).toBe(409);
  }
  // The old password still opens it: nobody replaced the account.
  expect((await request(syncline, 'POST', '/session', { body: { username, password: 'someone else entirely' } })).status).toBe(401);
}

describe('accounts cannot be deleted or rewritten from outside', () => {
  it('refuses DELETE /users/<me> over HTTP (403), by token and by cookie, retried with an idempotency key too; the account and its sessions keep working', async () => {
    await using syncline = await createSignedInSyncline(MANY_SIGN_UPS);
    const ana = await signUpAndIn(syncline, 'ana');
    await request(syncline, 'POST', '/notes', { headers: ana.auth, body: { text: 'mine' } });

    const byToken = await request(syncline, 'DELETE', '/users/ana', { headers: ana.auth });
    expect(byToken.status).toBe(403);
    expect(byToken.body.code).toBe('forbidden');
    expect((await request(syncline, 'DELETE', '/users/ana', { headers: { cookie: ana.cookie } })).status).toBe(403);
    for (let attempt = 0; attempt < 2; attempt++) {
      const retried = await request(syncline, 'DELETE', '/users/ana', { headers: { ...ana.auth, 'idempotency-key': 'delete-me-once' } });
      expect(retried.status).toBe(403);
    }
    await expectAccountIntact(syncline, 'ana', ana.auth);
    expect((await request(syncline, 'GET', '/notes', { headers: ana.auth })).body.items).toHaveLength(1);
  });

  it('refuses every other write to users over HTTP: PUT, PATCH (merge and JSON Patch), POST, another user’s DELETE', async () => {
    await using syncline = await createSignedInSyncline(MANY_SIGN_UPS);
    const ana = await signUpAndIn(syncline, 'ana');
    const bob = await signUpAndIn(syncline, 'bob');
    const writes: Array<[string, string, unknown, Record<string, string>?]> = [
      ['PUT', '/users/ana', { username: 'ana' }],
      ['PUT', '/users/carol', { username: 'carol' }],
      ['PUT', '/users/Ana', { username: 'ana' }],
      ['PATCH', '/users/ana', { username: 'ana' }, { 'content-type': 'application/merge-patch+json' }],
      ['PATCH', '/users/ana', [{ op: 'test', path: '/username', value: 'ana' }], { 'content-type': 'application/json-patch+json' }],
      ['DELETE', '/users/bob', undefined],
    ];
    for (const [method, uri, body, headers] of writes) {
      const answer = await request(syncline, method, uri, { headers: { ...ana.auth, ...headers }, ...(body === undefined ? {} : { body }) });
      expect(answer.status, `${method} ${uri}`).toBe(403);
    }
    await expectAccountIntact(syncline, 'ana', ana.auth);
    await expectAccountIntact(syncline, 'bob', bob.auth);
    expect((await request(syncline, 'GET', '/users/carol', { headers: ana.auth })).status).toBe(404);
  });

  it('refuses every write to users over the socket (403); the socket stays open and the account signed in', async () => {
    await using syncline = await createSignedInSyncline(MANY_SIGN_UPS);
    const { port } = await syncline.listen(0, '127.0.0.1');
    const ana = await signUpAndIn(syncline, 'ana');
    await using socket = await LiveClient.connect(port, { headers: ana.auth });
    const writes: Array<[string, string, unknown]> = [
      ['DELETE', '/users/ana', undefined],
      ['PATCH', '/users/ana', { username: 'ana' }],
      ['PUT', '/users/ana', { username: 'ana' }],
      ['PUT', '/users/dave', { username: 'dave' }],
      ['POST', '/users', { username: 'erin' }],
    ];
    for (const [method, uri, body] of writes) {
      const answer = await socket.request(method, uri, body === undefined ? {} : { body });
      expect(answer.status, `${method} ${uri}`).toBe(403);
    }
    const retried = await socket.request('DELETE', '/users/ana', { headers: { 'idempotency-key': 'socket-delete' } });
    expect(retried.status).toBe(403);
    // Sign-up is an HTTP route; on the socket a sign-up body is not a user record (422), and creates nothing.
    expect((await socket.request('POST', '/users', { body: { username: 'erin', password: PASSWORD } })).status).toBe(422);
    expect((await socket.request('GET', '/users/ana')).status).toBe(200);
    expect((await socket.request('GET', '/notes')).status).toBe(200);
    await expectAccountIntact(syncline, 'ana', ana.auth);
    for (const name of ['dave', 'erin']) expect((await socket.request('GET', `/users/${name}`)).status).toBe(404);
  });

  it('keeps a name taken even when the server itself is asked to delete the account (no operation frees a username)', async () => {
    await using syncline = await createSignedInSyncline(MANY_SIGN_UPS);
    const ana = await signUpAndIn(syncline, 'ana');
    const deleted = await syncline.execute({ method: 'DELETE', uri: '/users/ana', headers: {}, body: undefined, context: { transport: 'internal' } });
    expect(deleted.status).toBe(403);
    await expectAccountIntact(syncline, 'ana', ana.auth);
  });
});

describe('a username has one spelling', () => {
  it('takes other cases and spacing as the same name (409), and refuses look-alike Unicode spellings (422) instead of making a second account', async () => {
    await using syncline = await createSignedInSyncline(MANY_SIGN_UPS);
    await signUpAndIn(syncline, 'ana');
    await signUpAndIn(syncline, 'kim');
    // The Kelvin sign lower-cases to "k": the same name, taken.
    for (const same of ['ANA', ' Ana ', '\u212Aim']) {
      expect((await request(syncline, 'POST', '/users', { body: { username: same, password: PASSWORD } })).status, same).toBe(409);
    }
    for (const lookAlike of ['\uFF41\uFF4E\uFF41', '\u0430n\u0430', 'an\u0430', 'ana\u0301', 'ana\u200B']) {
      expect((await request(syncline, 'POST', '/users', { body: { username: lookAlike, password: PASSWORD } })).status, lookAlike).toBe(422);
    }
  });
});

describe('an operator shuts an account out without freeing its name', () => {
  it('replaces the password hash and deletes the sessions with the server’s own operations: no sign-in, no session, the name still taken', async () => {
    await using syncline = await createSignedInSyncline(MANY_SIGN_UPS);
    const ana = await signUpAndIn(syncline, 'ana');
    const internal = { transport: 'internal' } as const;
    const closed = await syncline.execute({ method: 'PATCH', uri: '/users/ana', headers: { 'content-type': 'application/merge-patch+json' }, body: { passwordHash: 'closed' }, context: internal });
    expect(closed.status).toBe(200);
    const sessions = await syncline.execute({ method: 'GET', uri: '/sessions?user=ana', headers: {}, body: undefined, context: internal });
    const ids = (sessions.body as { items: { id: string }[] }).items.map((session) => session.id);
    expect(ids).toHaveLength(1);
    for (const id of ids) {
      expect((await syncline.execute({ method: 'DELETE', uri: `/sessions/${id}`, headers: {}, body: undefined, context: internal })).status).toBe(204);
    }
    expect((await request(syncline, 'GET', '/session', { headers: ana.auth })).status).toBe(401);
    expect((await request(syncline, 'POST', '/session', { body: { username: 'ana', password: PASSWORD } })).status).toBe(401);
    expect((await request(syncline, 'POST', '/users', { body: { username: 'ana', password: PASSWORD } })).status).toBe(409);
  });
});
