import { describe, expect, it } from 'vitest';
import { SECURITY_HEADERS } from '../../src/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

/** An HTTP answer's headers without the ones only a browser reading HTTP needs (nosniff, framing, referrer policy): the operation's own. */
const operationHeaders = (headers: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(headers).filter(([name]) => !(name in SECURITY_HEADERS)));

describe('WebSocket requests', () => {
  it('greets with hello: protocol version, heartbeat interval and position', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    expect(client.frames[0]).toEqual({ event: 'hello', protocol: { version: '1.0', min: '1.0', max: '1.0' }, capabilities: ['reconcile', 'presence', 'idempotency', 'event-streams'], heartbeatMs: 25_000, seq: 0 });
    expect(client.socket.protocol).toBe('syncline.1');
  });

  it('answers with exactly the status, headers and body HTTP gives', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const created = await client.request('POST', '/lists', { body: { title: 'Over the socket' } });
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(`/lists/${created.body.id}`);
    const overSocket = await client.request('GET', created.headers['location']);
    const overHttp = await request(app, 'GET', created.headers['location']);
    expect(overSocket.status).toBe(overHttp.status);
    expect(overSocket.headers).toEqual(operationHeaders(overHttp.headers));
    expect(overSocket.body).toEqual(overHttp.body);
    const missing = await client.request('GET', '/lists/nope');
    const missingHttp = await request(app, 'GET', '/lists/nope');
    expect(missing).toMatchObject({ status: 404, headers: operationHeaders(missingHttp.headers), body: missingHttp.body });
  });

  it('PATCH on the socket defaults to JSON Merge Patch; If-Match gives 412 as on HTTP', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const created = await client.request('POST', '/lists', { body: { title: 'A' } });
    const patched = await client.request('PATCH', created.headers['location'], { headers: { 'if-match': created.headers['etag'] }, body: { title: 'B' } });
    expect(patched.status).toBe(200);
    expect(patched.body.title).toBe('B');
    const stale = await client.request('PATCH', created.headers['location'], { headers: { 'if-match': created.headers['etag'] }, body: { title: 'C' } });
    expect(stale.status).toBe(412);
    expect(stale.headers['content-type']).toBe('application/problem+json');
  });

  it('multiplexes many requests in flight on one connection, each answered by its id', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => client.request('POST', '/lists', { id: i, body: { title: `L${i}` } })));
    answers.forEach((answer, i) => {
      expect(answer.id).toBe(i);
      expect(answer.status).toBe(201);
      expect(answer.body.title).toBe(`L${i}`);
    });
    const page = await client.request('GET', '/lists?limit=100');
    expect(page.body.items).toHaveLength(40);
  });

  it('refuses a handshake that offers subprotocols but no syncline.<major>; accepts a client that offers none', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const WebSocket = (await import('ws')).default;
    const refused = new WebSocket(`ws://127.0.0.1:${port}/live`, 'chat.v2');
    const status = await new Promise<number>((resolve) => refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)));
    expect(status).toBe(400);
    refused.on('error', () => {});
    const plain = new WebSocket(`ws://127.0.0.1:${port}/live`);
    const hello = await new Promise<string>((resolve) => plain.once('message', (data) => resolve(data.toString())));
    expect(JSON.parse(hello).event).toBe('hello');
    plain.close();
  });
});
