import { describe, expect, it } from 'vitest';
import { createSyncline, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { ownedNotes, createSignedInSyncline } from '../support/signed-in.js';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { SseClient } from '../support/sse-client.js';

// With an `Authorization` header the cookie never signs a request in: that header exempts
// the request from the cross-site check, so a cookie sent with it would let another site's
// page act as the user (a browser sends remembered Basic credentials on its own).

const HOST = 'app.example';
const FOREIGN = { host: HOST, origin: 'https://evil.example' };
/** `Authorization` values that are no valid bearer token: another scheme, an empty header, malformed or unknown tokens. */
const NOT_A_TOKEN = ['Basic YW5hOnNlY3JldA==', '', 'Bearer', 'Bearer not a token', `Bearer ${'x'.repeat(43)}`, 'Digest username="ana"'];

async function account(syncline: Syncline, username: string): Promise<{ token: string; cookie: string }> {
  expect((await request(syncline, 'POST', '/users', { body: { username, password: 'correct horse' } })).status).toBe(201);
  const signedIn = await request(syncline, 'POST', '/session', { body: { username, password: 'correct horse' } });
  return { token: signedIn.body.token, cookie: signedIn.headers['set-cookie']?.split(';')[0] ?? '' };
}

describe('an Authorization header turns the cookie off', () => {
  it('over HTTP: a cookie with any Authorization that is not a valid bearer token is anonymous (401), from any origin; nothing is written', async () => {
    await using syncline = await createSignedInSyncline();
    const { cookie } = await account(syncline, 'ana');
    for (const authorization of NOT_A_TOKEN) {
      for (const origin of [FOREIGN, { host: HOST, origin: `http://${HOST}` }, { host: HOST }]) {
        const forged = await request(syncline, 'POST', '/notes', { headers: { ...origin, cookie, authorization }, body: { text: 'forged' } });
        expect(forged.status, `${JSON.stringify(authorization)} ${JSON.stringify(origin)}`).toBe(401);
        expect((await request(syncline, 'GET', '/session', { headers: { ...origin, cookie, authorization } })).status).toBe(401);
      }
    }
    expect((await request(syncline, 'GET', '/notes', { headers: { cookie } })).body.items).toEqual([]);
  });

  it('over HTTP: a valid bearer token authenticates as its own user, whatever cookie comes with it', async () => {
    await using syncline = await createSignedInSyncline();
    const ana = await account(syncline, 'ana');
    const bob = await account(syncline, 'bob');
    const note = await request(syncline, 'POST', '/notes', { headers: { ...FOREIGN, cookie: ana.cookie, authorization: `Bearer ${bob.token}` }, body: { text: 'api' } });
    expect(note.status).toBe(201);
    expect(note.body.owner).toBe('bob');
  });

  it('without Authorization, the cookie authenticates and the cross-site check runs', async () => {
    await using syncline = await createSignedInSyncline();
    const { cookie } = await account(syncline, 'ana');
    expect((await request(syncline, 'POST', '/notes', { headers: { ...FOREIGN, cookie }, body: { text: 'x' } })).status).toBe(403);
    const own = await request(syncline, 'POST', '/notes', { headers: { host: HOST, origin: `http://${HOST}`, cookie }, body: { text: 'mine' } });
    expect(own.status).toBe(201);
    expect(own.body.owner).toBe('ana');
  });

  it('sign-out: a cross-site DELETE /session with the cookie and an Authorization header ends nothing (401)', async () => {
    await using syncline = await createSignedInSyncline();
    const { cookie } = await account(syncline, 'ana');
    for (const authorization of NOT_A_TOKEN) {
      const forged = await request(syncline, 'DELETE', '/session', { headers: { ...FOREIGN, cookie, authorization } });
      expect(forged.status, JSON.stringify(authorization)).toBe(401);
      expect(forged.headers['set-cookie']).toBeUndefined();
    }
    expect((await request(syncline, 'GET', '/session', { headers: { cookie } })).body.user.id).toBe('ana');
  });

  it('an application’s own context factory never sees the cookie of a request that carries Authorization', async () => {
    const seen: Array<string | undefined> = [];
    const syncline = await createSyncline({
      resources: [ownedNotes],
      storage: createSqliteStorage({ filename: ':memory:' }),
      // Deliberately naive: signs anyone in by a `user` cookie.
      context: ({ transport, headers }) => {
        seen.push(headers['cookie']);
        const user = /(?:^|;\s*)user=(\w+)/.exec(headers['cookie'] ?? '')?.[1];
        return user === undefined ? { transport } : { transport, principal: { id: user } };
      },
      onError: () => {},
    });
    await using _closing = Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
    const forged = await request(syncline, 'POST', '/notes', { headers: { ...FOREIGN, cookie: 'user=ana', authorization: 'Basic YTpi' }, body: { text: 'forged' } });
    expect(forged.status).toBe(401);
    expect(seen).toEqual([undefined]);
    expect((await request(syncline, 'GET', '/notes', { headers: { cookie: 'user=ana' } })).body.items).toEqual([]);
  });

  it('on a WebSocket upgrade and an event stream, a cookie with another Authorization is anonymous; a bearer token is not', async () => {
    await using syncline = await createSignedInSyncline();
    const { port } = await syncline.listen(0, '127.0.0.1');
    const { token, cookie } = await account(syncline, 'ana');
    await using basic = await LiveClient.connect(port, { headers: { cookie, authorization: 'Basic YTpi' } });
    expect((await basic.request('GET', '/notes')).status).toBe(401);
    expect((await basic.request('SUBSCRIBE', '/notes')).status).toBe(401);
    await using empty = await LiveClient.connect(port, { headers: { cookie, authorization: '' } });
    expect((await empty.request('POST', '/notes', { body: { text: 'x' } })).status).toBe(401);
    await using bearer = await LiveClient.connect(port, { headers: { cookie, authorization: `Bearer ${token}` } });
    expect((await bearer.request('GET', '/notes')).status).toBe(200);

    await using stream = await SseClient.open(port, '/notes', { cookie, authorization: 'Basic YTpi' });
    expect(stream.status).toBe(401);
    await using byCookie = await SseClient.open(port, '/notes', { cookie });
    expect(byCookie.status).toBe(200);
  });
});
