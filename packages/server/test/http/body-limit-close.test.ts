import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestSyncline } from '../support/fixtures.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

// A body over the limit is answered 413 before it is read; the client, still uploading, must
// be able to read that answer. Destroying the connection at once makes the kernel answer the
// bytes still coming with a reset, which a client (node's http, fetch, a browser) may see
// before the 413: so the server keeps reading and discarding, within bounds, and then closes.

const UPLOAD = 20 * 1024 * 1024;
const PIECE = Buffer.alloc(64 * 1024, 0x20);
const CLIENT = fileURLToPath(new URL('../support/upload-client.ts', import.meta.url));

/** Runs `count` uploads of `bytes` in a client process of its own; answers what each read. */
async function uploads(port: number, mode: 'declared' | 'chunked', count: number, bytes: number): Promise<string[]> {
  const child = spawn(process.execPath, ['--conditions=@syncline/source', '--import', 'tsx', CLIENT, String(port), mode, String(count), String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`the upload client exited with ${code}`);
  return JSON.parse(out) as string[];
}

describe('a body over the limit', () => {
  it('20 uploads of 20 MiB with a declared length and 20 chunked: every one reads the 413, and discarding keeps no memory', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const before = process.memoryUsage().rss;
    const declared = await uploads(port, 'declared', 20, UPLOAD);
    const chunked = await uploads(port, 'chunked', 20, UPLOAD);
    expect(declared).toEqual(Array(20).fill('413 payload-too-large close'));
    expect(chunked).toEqual(Array(20).fill('413 payload-too-large close'));
    // 800 MiB went through the discarding; what the process holds does not grow with it.
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);

  it('Expect: 100-continue with a declared length over the limit is answered 413 at once, with no 100 Continue', async () => {
    await using app = await createTestSyncline({ limits: { maxBodyBytes: 1000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write('POST /lists HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 5000\r\nexpect: 100-continue\r\n\r\n');
    // The client sends no body: it waits for the answer, which must come without it.
    const answered = new Promise<void>((resolve) => socket.on('data', () => received.includes('"code":"payload-too-large"') && resolve()));
    await answered;
    socket.destroy();
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
    expect(received).not.toContain('100 Continue');
    expect(received.toLowerCase()).toContain('connection: close');
  });

  it('Expect: 100-continue within the limit is continued and answered as usual', async () => {
    await using app = await createTestSyncline({ limits: { maxBodyBytes: 1000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const status = await new Promise<number>((resolve, reject) => {
      const body = '{"title":"L"}';
      const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/lists', headers: { 'content-type': 'application/json', 'content-length': body.length, expect: '100-continue' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('continue', () => req.end(body));
      req.on('error', reject);
    });
    expect(status).toBe(201);
  });

  it('a client that never stops sending is cut off once the discarding bound is reached', async () => {
    await using app = await createTestSyncline({ limits: { maxBodyBytes: 1000, lingeringCloseBytes: 256 * 1024, lingeringCloseMs: 60_000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.write('POST /lists HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    let open = true;
    void closed.then(() => (open = false));
    // Far more than the bound, sent as long as the server takes it.
    for (let i = 0; i < 200 && open; i++) {
      const chunk = PIECE.toString('latin1');
      if (!socket.write(`${chunk.length.toString(16)}\r\n${chunk}\r\n`, 'latin1')) await Promise.race([new Promise((resolve) => socket.once('drain', resolve)), closed]);
    }
    await closed;
    expect(open).toBe(false);
    expect(received).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('a client that stops sending midway is closed once the lingering time has passed, not before', async () => {
    const clock = createManualClock();
    await using app = await createTestSyncline({ clock, limits: { maxBodyBytes: 1000, lingeringCloseMs: 10_000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const socket = connect(port, '127.0.0.1');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    let open = true;
    const closed = once(socket, 'close').then(() => (open = false));
    socket.write('POST /lists HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: 100000\r\n\r\n');
    socket.write(' '.repeat(2000));
    await expect.poll(() => received).toMatch(/^HTTP\/1\.1 413 /);
    // It sends nothing more and does not close: the server does, at the bound.
    await clock.advance(9_999);
    expect(open).toBe(true);
    await clock.advance(1);
    await closed;
  });
});
