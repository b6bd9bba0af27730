import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { createTestSyncline } from '../support/fixtures.js';

function send(port: number, method: string, path: string, headers: Record<string, string | number>, body?: string | Buffer) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

describe('the Node HTTP listener', () => {
  it('serves resources with a content-length, and hands other paths to the host application', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1', {
      fallback: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('host app');
      },
    });
    const created = await send(port, 'POST', '/lists', { 'content-type': 'application/json' }, '{"title":"L"}');
    expect(created.status).toBe(201);
    expect(Number(created.headers['content-length'])).toBe(Buffer.byteLength(created.body));
    expect(await send(port, 'GET', '/', {})).toMatchObject({ status: 200, body: 'host app' });
  });

  it('without a host application, unknown paths are 404 problem+json', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const response = await send(port, 'GET', '/nowhere', {});
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/problem+json');
  });

  it('a declared Content-Length over the limit is 413 before the body is read', async () => {
    await using app = await createTestSyncline({ limits: { maxBodyBytes: 1000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const response = await send(port, 'POST', '/lists', { 'content-type': 'application/json', 'content-length': 5000 }, 'x'.repeat(5000));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body).code).toBe('payload-too-large');
  });

  it('a chunked body that grows past the limit is 413 as soon as it passes', async () => {
    await using app = await createTestSyncline({ limits: { maxBodyBytes: 1000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const response = await send(port, 'POST', '/lists', { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, Buffer.alloc(4000, 0x20));
    expect(response.status).toBe(413);
  });

  it('415 for a body that is not JSON; 400 for invalid UTF-8; 406 when JSON is not acceptable', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    expect((await send(port, 'POST', '/lists', { 'content-type': 'text/plain' }, 'title=L')).status).toBe(415);
    const badUtf8 = await send(port, 'POST', '/lists', { 'content-type': 'application/json' }, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]));
    expect(badUtf8.status).toBe(400);
    expect(JSON.parse(badUtf8.body).code).toBe('invalid-json');
    const notAcceptable = await send(port, 'GET', '/lists', { accept: 'text/csv' });
    expect(notAcceptable.status).toBe(406);
    expect((await send(port, 'GET', '/lists', { accept: 'text/html,application/json;q=0.9' })).status).toBe(200);
  });
});
