import { describe, expect, it } from 'vitest';
import { createSignedInSyncline as authServer, ownedNotes as notes } from '../../server/test/support/signed-in.js';
import { connectClient, request, until, whenOpen } from './support.js';

async function signIn(app: Parameters<typeof request>[0]): Promise<string> {
  const response = await request(app, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } });
  expect(response.status).toBe(201);
  return response.body.token as string;
}

describe('a client with a bearer token', () => {
  it('sends it on HTTP and on the socket; after sign-out elsewhere it renews and its live view resumes', async () => {
    await using app = await authServer();
    const { port } = await app.listen(0, '127.0.0.1');
    await request(app, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } });
    let token = await signIn(app);
    let ended = 0;
    let renewed: Promise<void> = Promise.resolve();
    await using http = connectClient(port, { transport: 'http', token: () => token });
    expect((await http.resource(notes).create({ text: 'over http' })).owner).toBe('ana');

    await using client = connectClient(port, {
      token: () => token,
      onSessionEnded: () => {
        ended++;
        return renewed;
      },
    });
    await whenOpen(client);
    const view = client.resource(notes).liveQuery({});
    await until(view, (snapshot) => snapshot.length === 1);

    // Signed out from another device: this socket is closed with 4401, and the client waits for a new sign-in.
    let signInAgain = (): void => {};
    renewed = new Promise((resolve) => (signInAgain = resolve));
    expect((await request(app, 'DELETE', '/session', { headers: { authorization: `Bearer ${token}` } })).status).toBe(204);
    await expect.poll(() => ended).toBe(1);
    token = await signIn(app);
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${token}` }, body: { text: 'while signed out' } });
    signInAgain();
    const snapshot = await until(view, (s) => s.length === 2);
    expect(snapshot.map((note) => note.text).sort()).toEqual(['over http', 'while signed out']);
    view.close();
  });
});
