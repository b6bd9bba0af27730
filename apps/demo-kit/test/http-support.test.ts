import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SynclineError } from '@syncline/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { failRequest, headersOf, isForm, readForm, redirect, send } from '../src/http-support.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
const servers: { close(): void }[] = [];
afterEach(() => servers.splice(0).forEach((server) => server.close()));

/** Sends one request to a server running `handler` on a free port; answers status, headers and body. */
async function exchange(handler: Handler, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('the demo kit request helpers', () => {
  it('read a posted form, and tell a form from JSON by its content type', async () => {
    const answer = await exchange((req, res) => {
      const form = isForm(req);
      void readForm(req).then((fields) => send(res, { status: 200, type: 'text/plain; charset=utf-8', body: `${form} ${fields.get('title')} ${headersOf(req)['x-one']}` }));
    }, 'title=Milk+%26+honey&_csrf=t', { 'x-one': 'a' });
    expect(answer).toMatchObject({ status: 200, body: 'true Milk & honey a' });
    expect(answer.headers['content-length']).toBe(String(Buffer.byteLength(answer.body)));
    const json = await exchange((req, res) => send(res, { status: 200, type: 'text/plain', body: String(isForm(req)) }), '{}', { 'content-type': 'application/json' });
    expect(json.body).toBe('false');
  });

  it('refuse a form over 64 KiB with payload-too-large', async () => {
    const answer = await exchange((req, res) => {
      readForm(req).then(
        () => send(res, { status: 200, type: 'text/plain', body: 'read' }),
        (error: unknown) => send(res, { status: 413, type: 'text/plain', body: error instanceof SynclineError ? error.code : 'other' }),
      );
    }, `title=${'x'.repeat(64 * 1024)}`);
    expect(answer).toMatchObject({ status: 413, body: 'payload-too-large' });
  });

  it('answer a failed request: a client error with its status and detail, anything else 500, reported, without details', async () => {
    const reported: unknown[] = [];
    const tooLarge = await exchange((req, res) => void readForm(req).catch((error: unknown) => failRequest(res, error, (e) => reported.push(e))), `title=${'x'.repeat(64 * 1024)}`);
    expect(tooLarge).toMatchObject({ status: 413, headers: { connection: 'close' } });
    expect(tooLarge.body).toMatch(/64|limit|large/i);
    expect(reported).toEqual([]);
    const broken = await exchange((_req, res) => failRequest(res, new Error('secret stack detail'), (e) => reported.push(e)), '');
    expect(broken.status).toBe(500);
    expect(broken.body).not.toContain('secret');
    expect(reported).toHaveLength(1);
  });

  it('redirect with 303, uncached, with the extra headers', async () => {
    const answer = await exchange((_req, res) => redirect(res, '/lists/1', { 'set-cookie': 'a=b' }), '');
    expect(answer.status).toBe(303);
    expect(answer.headers).toMatchObject({ location: '/lists/1', 'cache-control': 'no-store', 'set-cookie': ['a=b'], 'content-length': '0' });
  });
});
