import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { createSignedInSyncline } from '../support/signed-in.js';

// Hardening a browser relies on: no answer can be sniffed into another type or framed, and no
// shared cache keeps an answer made for a signed-in caller.

const HARDENED = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'strict-origin-when-cross-origin',
};

describe('security headers', () => {
  it('every answer of the handler carries nosniff, no framing and a referrer policy: reads, writes, errors, sign-in', async () => {
    await using app = await createSignedInSyncline();
    const answers = [
      await app.handle({ method: 'GET', url: '/notes', headers: {} }),
      await app.handle({ method: 'GET', url: '/nowhere', headers: {} }),
      await app.handle({ method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"username":"ana","password":"correct horse"}') }),
      await app.handle({ method: 'POST', url: '/session', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"username":"ana","password":"wrong horse"}') }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([401, 404, 201, 401]);
    for (const answer of answers) {
      expect(answer.headers).toMatchObject(HARDENED);
      expect(answer.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    }
  });

  it('the listener’s own answers carry them too (a path that is no resource)', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${port}/nowhere`);
    expect(response.status).toBe(404);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });

  it('an answer to a request with a session cookie or a bearer token is private; ETags and 304 keep working', async () => {
    await using app = await createTestSyncline();
    await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const anonymous = await request(app, 'GET', '/lists');
    expect(anonymous.headers['cache-control']).toBe('no-cache');
    for (const credentials of [{ cookie: 'syncline_session=abc' }, { authorization: 'Bearer abc' }]) {
      const first = await request(app, 'GET', '/lists', { headers: credentials });
      expect(first.headers['cache-control'], JSON.stringify(credentials)).toBe('private, no-cache');
      const etag = first.headers['etag'] as string;
      const again = await request(app, 'GET', '/lists', { headers: { ...credentials, 'if-none-match': etag } });
      expect(again.status).toBe(304);
      expect(again.headers['cache-control']).toBe('private, no-cache');
      const created = await request(app, 'POST', '/lists', { headers: credentials, body: { title: 'M' } });
      expect(created.headers['cache-control']).toBe('private, no-cache');
    }
  });

  it('an event stream opened with a cookie or a bearer token is private too, and so is its refusal', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    for (const credentials of [{ cookie: 'syncline_session=abc' }, { authorization: 'Bearer abc' }]) {
      for (const path of ['/live/events?subscribe=%2Flists', '/lists']) {
        const controller = new AbortController();
        const stream = await fetch(`http://127.0.0.1:${port}${path}`, { headers: { ...credentials, accept: 'text/event-stream' }, signal: controller.signal });
        expect(stream.status).toBe(200);
        expect(stream.headers.get('cache-control'), `${path} ${JSON.stringify(credentials)}`).toBe('private, no-cache');
        expect(stream.headers.get('x-content-type-options')).toBe('nosniff');
        controller.abort();
      }
      const refused = await fetch(`http://127.0.0.1:${port}/lists/nowhere`, { headers: { ...credentials, accept: 'text/event-stream' } });
      expect(refused.status).toBe(404);
      expect(refused.headers.get('cache-control')).toBe('private, no-cache');
    }
    const anonymous = new AbortController();
    const open = await fetch(`http://127.0.0.1:${port}/lists`, { headers: { accept: 'text/event-stream' }, signal: anonymous.signal });
    expect(open.headers.get('cache-control')).toBe('no-cache');
    anonymous.abort();
  });

  it('a stricter policy already set is kept (no-store on sign-in)', async () => {
    await using app = await createSignedInSyncline();
    const body = new TextEncoder().encode('{"username":"bob","password":"correct horse"}');
    await app.handle({ method: 'POST', url: '/users', headers: { 'content-type': 'application/json' }, body });
    const signedIn = await app.handle({ method: 'POST', url: '/session', headers: { 'content-type': 'application/json', cookie: 'x=1' }, body });
    expect(signedIn.status).toBe(201);
    expect(signedIn.headers['cache-control']).toBe('no-store');
  });
});
