import { request } from 'node:http';
import { SUBPROTOCOL } from '@syncline/protocol';
import { uuidv7 } from '@syncline/schema';
import WebSocket from 'ws';

/** A response frame: its request id, status and body. */
export interface Answer {
  readonly id: string;
  readonly status: number;
  readonly body?: unknown;
}

/**
 * A socket that sends requests and awaits their answers by id, from a chosen loopback address,
 * for the abuse scenarios (an attacker's many requests, a victim's timed ones).
 *
 * @example
 * const socket = await AnswerSocket.open(port, '127.0.0.2');
 * const { status } = await socket.ask({ method: 'SUBSCRIBE', resource: '/entries' });
 */
export class AnswerSocket {
  private readonly waiting = new Map<string, (answer: Answer) => void>();
  private next = 0;
  readonly closed: Promise<number>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id?: unknown; status?: unknown; body?: unknown };
      if (typeof frame.status !== 'number' || frame.id === undefined) return;
      const id = String(frame.id);
      this.waiting.get(id)?.({ id, status: frame.status, body: frame.body });
      this.waiting.delete(id);
    });
    this.closed = new Promise((resolve) => socket.once('close', (code) => {
      // Requests still waiting will get no answer: 0 tells the caller the socket went.
      for (const [id, resolveAnswer] of this.waiting) resolveAnswer({ id, status: 0 });
      this.waiting.clear();
      resolve(code);
    }));
  }

  static open(port: number, localAddress: string): Promise<AnswerSocket> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, [SUBPROTOCOL], { localAddress });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new AnswerSocket(socket)));
      socket.once('error', reject);
    });
  }

  get open(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  /** Sends a request and resolves with its answer (status 0 if the socket closed first). */
  ask(message: { method: string; resource: string; headers?: Record<string, string>; body?: unknown }): Promise<Answer> {
    const id = `q${++this.next}`;
    if (!this.open) return Promise.resolve({ id, status: 0 });
    const answered = new Promise<Answer>((resolve) => this.waiting.set(id, resolve));
    this.socket.send(JSON.stringify({ id, ...message }));
    return answered;
  }

  close(): void {
    this.socket.terminate();
  }
}

/**
 * A GET from a chosen loopback address on a fresh connection; resolves with its status and how
 * long the whole answer took, in ms.
 *
 * @example
 * const { status, ms } = await timedGet(server.port, '/entries?limit=10', '127.0.0.2');
 */
export function timedGet(port: number, path: string, localAddress: string): Promise<{ status: number; ms: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, localAddress, agent: false }, (res) => {
      res.resume();
      res.once('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - started }));
    });
    req.once('error', reject);
    req.end();
  });
}

/**
 * Creates `count` entries written by `seed` (with `text` of that many characters), one PUT each,
 * and answers their URIs: what the victim of an abuse scenario reads.
 *
 * @example
 * const uris = await seedEntries(server.base, 1000, 200);
 */
export async function seedEntries(base: string, count: number, textLength = 0): Promise<string[]> {
  const uris: string[] = [];
  for (let n = 0; n < count; n++) {
    const uri = `/entries/${uuidv7()}`;
    uris.push(uri);
    const body = textLength === 0 ? { writer: 'seed', n } : { writer: 'seed', n, text: 'x'.repeat(textLength) };
    await fetch(`${base}${uri}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  }
  return uris;
}

/**
 * The victim's probe: `GET /entries?limit=50` from 127.0.0.2, one after another, while `until()`
 * holds and for at most `rounds`; answers the times of those answered 200, in milliseconds.
 *
 * @example
 * const alone = await probeEntries(server.port, () => true, 50);
 */
export async function probeEntries(port: number, until: () => boolean, rounds: number): Promise<number[]> {
  const ms: number[] = [];
  for (let round = 0; until() && round < rounds; round++) {
    const get = await timedGet(port, '/entries?limit=50', '127.0.0.2');
    if (get.status === 200) ms.push(get.ms);
  }
  return ms;
}
