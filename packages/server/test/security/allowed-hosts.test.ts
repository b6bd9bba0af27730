import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestSyncline } from '../support/fixtures.js';
import { upgradeRequest } from './upgrade-request.js';

// DNS rebinding: a page on attacker.example, whose name is made to resolve to this server,
// sends its requests with `Host: attacker.example`. The server answers only the names it is
// told are its own (and IP literals and localhost, which cannot be rebound to).

/** A GET with a Host of our choosing (fetch does not let a program set it). */
function get(port: number, path: string, host: string, accept = 'application/json'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers: { host, accept } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the Host allow-list', () => {
  it('by default, answers IP literals and localhost names and refuses any other name with 421 (problem+json, or a page)', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1', { fallback: (_req, res) => res.end('host page') });
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `app.localhost:${port}`, `[::1]:${port}`, '127.0.0.1']) {
      expect((await get(port, '/lists', host)).status, host).toBe(200);
    }
    const refused = await get(port, '/lists', `attacker.example:${port}`);
    expect(refused.status).toBe(421);
    expect(refused.type).toBe('application/problem+json');
    expect(JSON.parse(refused.body).code).toBe('misdirected-request');
    const page = await get(port, '/', 'attacker.example', 'text/html');
    expect(page.status).toBe(421);
    expect(page.type).toMatch(/^text\/html/);
    expect(page.body).not.toContain('host page');
    // Event streams enter the same way.
    expect((await get(port, '/lists', 'attacker.example', 'text/event-stream')).status).toBe(421);
  });

  it('answers the listed names (with or without a port, or under a domain) and the origins’ hosts; * turns the check off', async () => {
    await using app = await createTestSyncline({ allowedHosts: ['app.example.com', 'api.example.com:8443', '*.tenants.example'], origins: ['https://web.example.org'] });
    const { port } = await app.listen(0, '127.0.0.1');
    for (const host of ['app.example.com', 'APP.example.com.:3000', 'api.example.com:8443', 'a.tenants.example', 'web.example.org']) {
      expect((await get(port, '/lists', host)).status, host).toBe(200);
    }
    for (const host of ['api.example.com:80', 'tenants.example.evil', 'evil.example', 'app.example.com.evil']) {
      expect((await get(port, '/lists', host)).status, host).toBe(421);
    }
    await using open = await createTestSyncline({ allowedHosts: ['*'] });
    const opened = await open.listen(0, '127.0.0.1');
    expect((await get(opened.port, '/lists', 'anything.example')).status).toBe(200);
  });

  it('refuses a WebSocket upgrade with a Host that is not allowed (421), and opens one with an allowed Host', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    expect((await upgradeRequest(port, { host: 'attacker.example' })).status).toBe(421);
    const opened = await upgradeRequest(port, { host: `localhost:${port}` });
    expect(opened.status).toBe(101);
    opened.socket?.destroy();
  });

  it('a host application that routes first (listen’s handler) gets only allowed requests', async () => {
    await using app = await createTestSyncline();
    let served = 0;
    const { port } = await app.listen(0, '127.0.0.1', {
      handler: (_req, res) => {
        served++;
        res.end('page');
      },
    });
    expect((await get(port, '/', 'attacker.example', 'text/html')).status).toBe(421);
    expect((await get(port, '/', `127.0.0.1:${port}`, 'text/html')).status).toBe(200);
    expect(served).toBe(1);
  });
});
