import { SUBPROTOCOL } from '@syncline/protocol';
import WebSocket from 'ws';

type Frame = Record<string, any>;

/**
 * A minimal protocol client for tests: sends requests, awaits responses by id, and
 * waits for pushed events. Disposed with `await using`.
 */
export class LiveClient implements AsyncDisposable {
  readonly frames: Frame[] = [];
  private waiters: Array<{ test: (frame: Frame) => boolean; resolve: (frame: Frame) => void }> = [];
  private nextId = 1;
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data, isBinary) => {
      if (isBinary) return;
      const frame = JSON.parse(data.toString()) as Frame;
      this.frames.push(frame);
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.test(frame)) return true;
        waiter.resolve(frame);
        return false;
      });
    });
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  static async connect(port: number, options: { path?: string; headers?: Record<string, string>; protocols?: string[]; localAddress?: string } = {}): Promise<LiveClient> {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/live'}`, [SUBPROTOCOL, ...(options.protocols ?? [])], {
      headers: options.headers ?? {},
      ...(options.localAddress === undefined ? {} : { localAddress: options.localAddress }),
    });
    const client = new LiveClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await client.waitFor((frame) => frame['event'] === 'hello');
    return client;
  }

  /** Waits for a frame (already received or future) that passes `test`. */
  waitFor(test: (frame: Frame) => boolean, timeoutMs = 5000): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.waiters.push({ test, resolve: (frame) => (clearTimeout(timer), resolve(frame)) });
    });
  }

  sendRaw(data: string | Buffer): void {
    this.socket.send(data);
  }

  /** Sends a request and resolves with its response frame. */
  async request(method: string, resource: string, options: { headers?: Record<string, string>; body?: unknown; id?: string | number } = {}): Promise<Frame> {
    const id = options.id ?? `r${this.nextId++}`;
    const message: Frame = { id, method, resource };
    if (options.headers) message['headers'] = options.headers;
    if (options.body !== undefined) message['body'] = options.body;
    // Only a frame received after this request can answer it (ids may be reused once answered).
    const earlier = new Set(this.frames);
    this.socket.send(JSON.stringify(message));
    return this.waitFor((frame) => !earlier.has(frame) && frame['id'] === id && 'status' in frame);
  }

  /** The change events received so far for a subscription. */
  events(subscription: string | number): Frame[] {
    return this.frames.filter((frame) => frame['event'] === 'change' && frame['subscription'] === subscription);
  }

  /** Waits until a subscription has received `count` change events. */
  async eventsFor(subscription: string | number, count: number, timeoutMs = 5000): Promise<Frame[]> {
    await this.waitFor(() => this.events(subscription).length >= count, timeoutMs).catch((error: Error) => {
      throw new Error(`${error.message} (had ${this.events(subscription).length} of ${count} events)`);
    });
    return this.events(subscription);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    await this.closed;
  }
}
