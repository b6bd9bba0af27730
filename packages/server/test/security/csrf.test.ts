import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';

const HOST = 'app.example.com';
const cookie = 'syncline_session=abc';

describe('CSRF: cookie-carrying unsafe requests from other origins are refused', () => {
  it('refuses a cross-origin cookie POST with 403 forbidden, and runs nothing', async () => {
    await using app = await createTestSyncline();
    const refused = await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, origin: 'https://evil.example' }, body: { title: 'forged' } });
    expect(refused.status).toBe(403);
    expect(refused.body).toMatchObject({ code: 'forbidden', status: 403, instance: '/lists' });
    expect(refused.body.detail).toMatch(/Cross-origin request refused/);
    expect((await request(app, 'GET', '/lists')).body.items).toEqual([]);
  });

  it('refuses PUT, PATCH and DELETE the same way, leaving the record as it was', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'mine' } });
    const forged = { host: HOST, cookie, origin: 'https://evil.example' };
    expect((await request(app, 'PUT', `/lists/${list.body.id}`, { headers: forged, body: { title: 'x' } })).status).toBe(403);
    expect((await request(app, 'PATCH', `/lists/${list.body.id}`, { headers: { ...forged, 'content-type': 'application/merge-patch+json' }, body: { title: 'x' } })).status).toBe(403);
    expect((await request(app, 'DELETE', `/lists/${list.body.id}`, { headers: forged })).status).toBe(403);
    expect((await request(app, 'GET', `/lists/${list.body.id}`)).body.title).toBe('mine');
  });

  it('allows a same-origin cookie POST, and a listed origin', async () => {
    await using app = await createTestSyncline({ origins: ['https://admin.example.com'] });
    expect((await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, origin: `https://${HOST}` }, body: { title: 'a' } })).status).toBe(201);
    expect((await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, origin: 'https://admin.example.com' }, body: { title: 'b' } })).status).toBe(201);
    expect((await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, origin: 'https://evil.example' }, body: { title: 'c' } })).status).toBe(403);
  });

  it('allows a cross-origin request authenticated by a bearer token (a page cannot forge it)', async () => {
    await using app = await createTestSyncline();
    const response = await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, authorization: 'Bearer t', origin: 'https://evil.example' }, body: { title: 'api' } });
    expect(response.status).toBe(201);
  });

  it('allows a cross-origin request without a cookie (it carries no ambient credentials), and safe methods', async () => {
    await using app = await createTestSyncline();
    expect((await request(app, 'POST', '/lists', { headers: { host: HOST, origin: 'https://evil.example' }, body: { title: 'anon' } })).status).toBe(201);
    expect((await request(app, 'GET', '/lists', { headers: { host: HOST, cookie, origin: 'https://evil.example' } })).status).toBe(200);
  });

  it('without Origin, refuses Sec-Fetch-Site cross-site and same-site, and allows same-origin, none and its absence', async () => {
    await using app = await createTestSyncline();
    for (const site of ['cross-site', 'same-site']) {
      const refused = await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, 'sec-fetch-site': site }, body: { title: site } });
      expect(refused.status, site).toBe(403);
      expect(refused.body.code).toBe('forbidden');
    }
    for (const site of ['same-origin', 'none']) {
      expect((await request(app, 'POST', '/lists', { headers: { host: HOST, cookie, 'sec-fetch-site': site }, body: { title: site } })).status, site).toBe(201);
    }
    expect((await request(app, 'POST', '/lists', { headers: { host: HOST, cookie }, body: { title: 'curl' } })).status).toBe(201);
  });

  it('applies over a real HTTP connection, where Host is the address the client used', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const post = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ title: origin });
        const req = httpRequest({ host: '127.0.0.1', port, path: '/lists', method: 'POST', headers: { 'content-type': 'application/json', cookie, origin } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end(body);
      });
    expect(await post('https://evil.example')).toBe(403);
    expect(await post(`http://127.0.0.1:${port}`)).toBe(201);
  });
});
