import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLOSE_CODES } from '@syncline/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBackplane, createMemoryBus, type PasswordAuthOptions, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createSignedInSyncline } from '../support/signed-in.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function server(options: PasswordAuthOptions = {}, filename = ':memory:', backplane = createMemoryBackplane()): Promise<Syncline & AsyncDisposable> {
  return createSignedInSyncline(options, { storage: createSqliteStorage({ filename }), backplane });
}

async function signUpAndIn(syncline: Syncline, username = 'ana', password = 'correct horse'): Promise<{ token: string; cookie: string }> {
  expect((await request(syncline, 'POST', '/users', { body: { username, password } })).status).toBe(201);
  const signedIn = await request(syncline, 'POST', '/session', { body: { username, password } });
  expect(signedIn.status).toBe(201);
  return { token: signedIn.body.token, cookie: signedIn.headers['set-cookie']?.split(';')[0] ?? '' };
}

describe('sign-up', () => {
  it('creates a user (201) whose password hash never leaves the server', async () => {
    await using syncline = await server();
    const created = await request(syncline, 'POST', '/users', { body: { username: 'Ana', password: 'correct horse' } });
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe('/users/ana');
    expect(created.body).toEqual({ id: 'ana', username: 'ana' });
    const { token } = await signUpAndIn(syncline, 'bob');
    const read = await request(syncline, 'GET', '/users/ana', { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    expect(read.body.username).toBe('ana');
    expect(read.body).not.toHaveProperty('passwordHash');
    const list = await request(syncline, 'GET', '/users', { headers: { authorization: `Bearer ${token}` } });
    expect(list.body.items.every((user: object) => !('passwordHash' in user))).toBe(true);
    expect((await request(syncline, 'GET', '/users?passwordHash=x', { headers: { authorization: `Bearer ${token}` } })).status).toBe(400);
  });

  it('answers 409 for a taken name and 422 for an invalid one, naming the field', async () => {
    await using syncline = await server();
    expect((await request(syncline, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } })).status).toBe(201);
    const taken = await request(syncline, 'POST', '/users', { body: { username: 'ANA', password: 'another one' } });
    expect(taken.status).toBe(409);
    expect(taken.body.code).toBe('already-exists');
    const invalid = await request(syncline, 'POST', '/users', { body: { username: 'a', password: 'short' } });
    expect(invalid.status).toBe(422);
    expect(invalid.body.errors.map((error: { path: string[] }) => error.path[0]).sort()).toEqual(['password', 'username']);
  });

  it('keeps the hidden hash when the server itself patches a user without naming it', async () => {
    await using syncline = await server();
    await request(syncline, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } });
    const patched = await syncline.execute({ method: 'PATCH', uri: '/users/ana', headers: {}, body: { username: 'ana' }, context: { transport: 'internal' } });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('passwordHash');
    expect((await request(syncline, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } })).status).toBe(201);
    // Read rules do not limit the server's own operations: with no principal it still reads ana's note.
    const { token } = await signUpAndIn(syncline, 'bob');
    await request(syncline, 'POST', '/notes', { headers: { authorization: `Bearer ${token}` }, body: { text: 'mine' } });
    const all = await syncline.execute({ method: 'GET', uri: '/notes', headers: {}, body: undefined, context: { transport: 'internal' } });
    expect((all.body as { items: unknown[] }).items).toHaveLength(1);
  });

  it('refuses writes to users from outside: no PUT of a password hash', async () => {
    await using syncline = await server();
    const { token } = await signUpAndIn(syncline);
    const put = await request(syncline, 'PUT', '/users/eve', { headers: { authorization: `Bearer ${token}` }, body: { username: 'eve', passwordHash: 'x' } });
    // The hash is hidden: for a caller the field does not exist.
    expect(put.status).toBe(422);
    expect(put.body.errors).toEqual([{ path: ['passwordHash'], message: 'unknown field' }]);
    expect((await request(syncline, 'GET', '/users/eve', { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
  });
});

describe('sign-in', () => {
  it('answers 201 with a token and an HttpOnly, SameSite=Lax cookie', async () => {
    await using syncline = await server();
    await request(syncline, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } });
    const signedIn = await request(syncline, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } });
    expect(signedIn.status).toBe(201);
    expect(signedIn.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(signedIn.body.user).toEqual({ id: 'ana', username: 'ana' });
    const cookie = signedIn.headers['set-cookie'] ?? '';
    expect(cookie).toContain(`syncline_session=${signedIn.body.token}`);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Lax');
    expect(cookie).not.toContain('Secure');
    const secure = await syncline.handle({ method: 'POST', url: '/session', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"username":"ana","password":"correct horse"}'), secure: true });
    expect(secure.headers['set-cookie']).toContain('Secure');
  });

  it('answers an unknown user and a wrong password alike (401, same body)', async () => {
    await using syncline = await server();
    await request(syncline, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } });
    const wrong = await request(syncline, 'POST', '/session', { body: { username: 'ana', password: 'wrong horse' } });
    const unknown = await request(syncline, 'POST', '/session', { body: { username: 'nobody', password: 'wrong horse' } });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect({ ...wrong.body }).toEqual({ ...unknown.body });
  });

  it('rate-limits repeated failures with 429 and Retry-After, even for the right password', async () => {
    await using syncline = await server({ maxFailures: 3 });
    await request(syncline, 'POST', '/users', { body: { username: 'ana', password: 'correct horse' } });
    for (let i = 0; i < 3; i++) expect((await request(syncline, 'POST', '/session', { body: { username: 'ana', password: `guess ${i}` } })).status).toBe(401);
    const limited = await request(syncline, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('finds the caller by cookie and by bearer token; GET /session tells who; anonymous gets 401', async () => {
    await using syncline = await server();
    const { token, cookie } = await signUpAndIn(syncline);
    expect((await request(syncline, 'GET', '/session', { headers: { cookie } })).body.user.id).toBe('ana');
    expect((await request(syncline, 'GET', '/session', { headers: { authorization: `Bearer ${token}` } })).body.user.id).toBe('ana');
    expect((await request(syncline, 'GET', '/session')).status).toBe(401);
    expect((await request(syncline, 'GET', '/notes')).status).toBe(401);
    const note = await request(syncline, 'POST', '/notes', { headers: { authorization: `Bearer ${token}` }, body: { text: 'hi' } });
    expect(note.status).toBe(201);
    expect(note.body.owner).toBe('ana');
  });
});

describe('cross-site requests to the sign-in routes', () => {
  it('refuses a cookie-carrying sign-out from another origin (403) and keeps the session', async () => {
    await using syncline = await server();
    const { cookie } = await signUpAndIn(syncline);
    const forged = await request(syncline, 'DELETE', '/session', { headers: { cookie, origin: 'https://evil.example', host: 'app.example' } });
    expect(forged.status).toBe(403);
    expect((await request(syncline, 'GET', '/session', { headers: { cookie } })).status).toBe(200);
    const sameSite = await request(syncline, 'DELETE', '/session', { headers: { cookie, origin: 'http://app.example', host: 'app.example' } });
    expect(sameSite.status).toBe(204);
  });
});

describe('sessions on sockets', () => {
  it('authenticates the upgrade by bearer header, by subprotocol and by cookie', async () => {
    await using syncline = await server();
    const { port } = await syncline.listen(0, '127.0.0.1');
    const { token, cookie } = await signUpAndIn(syncline);
    await using byHeader = await LiveClient.connect(port, { headers: { authorization: `Bearer ${token}` } });
    expect((await byHeader.request('GET', '/notes')).status).toBe(200);
    await using byCookie = await LiveClient.connect(port, { headers: { cookie } });
    expect((await byCookie.request('GET', '/notes')).status).toBe(200);
    await using anonymous = await LiveClient.connect(port);
    expect((await anonymous.request('GET', '/notes')).status).toBe(401);
    expect((await anonymous.request('SUBSCRIBE', '/notes')).status).toBe(401);
    await using byProtocol = await LiveClient.connect(port, { protocols: [`syncline.bearer.${token}`] });
    expect((await byProtocol.request('GET', '/notes')).status).toBe(200);
  });

  it('DELETE /session signs out and closes that session’s sockets on every server process with 4401', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-auth-'));
    dirs.push(dir);
    const bus = createMemoryBus();
    await using a = await server({}, join(dir, 'db'), createMemoryBackplane(bus));
    await using b = await server({}, join(dir, 'db'), createMemoryBackplane(bus));
    const { port: portB } = await b.listen(0, '127.0.0.1');
    const { token } = await signUpAndIn(a);
    const other = await request(a, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } });
    await using socket = await LiveClient.connect(portB, { headers: { authorization: `Bearer ${token}` } });
    await using otherSocket = await LiveClient.connect(portB, { headers: { authorization: `Bearer ${other.body.token}` } });
    expect((await socket.request('SUBSCRIBE', '/notes', { id: 's' })).status).toBe(200);
    const signedOut = await request(a, 'DELETE', '/session', { headers: { authorization: `Bearer ${token}` } });
    expect(signedOut.status).toBe(204);
    expect(signedOut.headers['set-cookie']).toContain('Max-Age=0');
    await b.flush();
    expect(await socket.closed).toEqual({ code: CLOSE_CODES.sessionEnded, reason: 'signed out' });
    expect((await request(a, 'GET', '/notes', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    expect((await otherSocket.request('GET', '/notes')).status).toBe(200);
  });

  it('closes a socket whose session expires with 4401; a new token resumes the subscription without a gap', async () => {
    // Shorter than a heartbeat (25 s), so the only thing the clock ends is the session.
    const clock = createManualClock();
    await using syncline = await createSignedInSyncline({ sessionTtlMs: 20_000 }, { clock });
    const { port } = await syncline.listen(0, '127.0.0.1');
    const { token } = await signUpAndIn(syncline);
    const socket = await LiveClient.connect(port, { headers: { authorization: `Bearer ${token}` } });
    const subscribed = await socket.request('SUBSCRIBE', '/notes', { id: 's' });
    const seq = subscribed.headers['syncline-seq'];
    let ended = false;
    const closed = socket.closed.then((close) => ((ended = true), close));
    await clock.advance(19_999);
    expect(ended).toBe(false);
    await clock.advance(1);
    expect((await closed).code).toBe(CLOSE_CODES.sessionEnded);
    expect((await request(syncline, 'GET', '/notes', { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
    const renewed = await request(syncline, 'POST', '/session', { body: { username: 'ana', password: 'correct horse' } });
    await request(syncline, 'POST', '/notes', { headers: { authorization: `Bearer ${renewed.body.token}` }, body: { text: 'while away' } });
    await using again = await LiveClient.connect(port, { headers: { authorization: `Bearer ${renewed.body.token}` } });
    const resumed = await again.request('SUBSCRIBE', '/notes', { id: 's', headers: { 'last-event-id': seq } });
    expect(resumed.headers['syncline-resume']).toBe('resumed');
    const [event] = await again.eventsFor('s', 1);
    expect(event?.['body']).toMatchObject({ text: 'while away', owner: 'ana' });
  });
});
