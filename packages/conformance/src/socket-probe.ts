import { changeEventSchema, downstreamSchema, parseJsonSafely, SUBPROTOCOL, type ChangeEvent, type Downstream, type ErrorEvent, type HelloEvent, type PresenceEvent, type ResponseMessage } from '@syncline/protocol';
import WebSocket from 'ws';
import { show } from './check.js';
import type { CaseContext } from './case-runner.js';
import { ConformanceFailure } from './conformance-failure.js';

/** The deepest JSON a frame may nest (a record body inside its envelope). */
const MAX_FRAME_DEPTH = 64;

export interface SocketRequest {
  readonly id: string | number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

/** How a socket ended: the close code and reason the client saw. */
export interface SocketClose {
  readonly code: number;
  readonly reason: string;
}

/** The WebSocket URL of the server's live path. */
export function liveUrl(context: CaseContext): string {
  return context.baseUrl.replace(/^http/, 'ws') + context.livePath;
}

/**
 * A WebSocket client for the cases: it parses every frame with the protocol's `downstreamSchema`
 * (a frame it refuses fails the case that waits next), keeps them in arrival order, and waits for
 * the ones a case names, never longer than the context's `waitMs`.
 */
export class SocketProbe {
  readonly frames: Downstream[] = [];
  readonly closed: Promise<SocketClose>;
  private violation: string | undefined;
  private wake: Array<() => void> = [];

  private constructor(
    readonly socket: WebSocket,
    private readonly context: CaseContext,
  ) {
    socket.on('message', (data, isBinary) => this.receive(isBinary ? '<binary frame>' : data.toString()));
    this.closed = new Promise((resolve) => socket.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    void this.closed.then(() => this.notify());
  }

  /** Opens a socket offering `syncline.1` (§1), with `headers` on the upgrade (`authorization`), and waits until it is open. */
  static async open(context: CaseContext, protocols: readonly string[] = [SUBPROTOCOL], headers: Record<string, string> = {}): Promise<SocketProbe> {
    const socket = new WebSocket(liveUrl(context), [...protocols], { headers });
    const probe = new SocketProbe(socket, context);
    context.defer(() => probe.close());
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new ConformanceFailure('timeout', `the socket at ${liveUrl(context)} did not open within ${context.waitMs} ms`)), context.waitMs);
      socket.once('open', () => (clearTimeout(timer), resolve()));
      socket.once('unexpected-response', (_request, response) => (clearTimeout(timer), reject(new ConformanceFailure('mismatch', `the upgrade was refused with HTTP ${response.statusCode}`))));
      socket.once('error', (error) => (clearTimeout(timer), reject(new ConformanceFailure('error', `the socket did not open: ${error.message}`))));
    });
    return probe;
  }

  /** Sends a request frame (§2.1) and waits for the response carrying its id (§3). */
  async request(method: string, resource: string, request: SocketRequest): Promise<ResponseMessage> {
    const from = this.frames.length;
    this.send({ id: request.id, method, resource, ...(request.headers ? { headers: request.headers } : {}), ...(request.body === undefined ? {} : { body: request.body }) });
    return this.responseTo(request.id, from);
  }

  /** Sends any JSON value, or raw text or bytes, as one frame. */
  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' || frame instanceof Uint8Array ? frame : JSON.stringify(frame), { binary: frame instanceof Uint8Array });
  }

  /** Waits for a response with `id` (compared by string form) among the frames from index `from` on. */
  async responseTo(id: string | number, from = 0): Promise<ResponseMessage> {
    const frame = await this.waitFor((candidate, index) => index >= from && 'status' in candidate && String(candidate.id) === String(id), `a response with id ${show(id)}`);
    return frame as ResponseMessage;
  }

  /** The change events received so far for one subscription, in arrival order. */
  changes(subscription: string | number): ChangeEvent[] {
    return this.frames.flatMap((frame) => {
      const parsed = changeEventSchema.safeParse(frame);
      return parsed.success && String(parsed.data.subscription) === String(subscription) ? [parsed.data] : [];
    });
  }

  /** The `error` events received so far (§2.6), in arrival order. */
  errorEvents(): ErrorEvent[] {
    return this.frames.flatMap((frame) => ('event' in frame && frame.event === 'error' ? [frame] : []));
  }

  /** The `presence` events received so far for one presence subscription (§11.2), in arrival order. */
  presenceEvents(subscription: string | number): PresenceEvent[] {
    return this.frames.flatMap((frame) => ('event' in frame && frame.event === 'presence' && String(frame.subscription) === String(subscription) ? [frame] : []));
  }

  /** Waits until a presence subscription has received `count` events, and returns them all. */
  async presenceEventsFor(subscription: string | number, count: number): Promise<PresenceEvent[]> {
    await this.waitFor(() => this.presenceEvents(subscription).length >= count, `${count} presence event(s) for subscription ${show(subscription)} (got ${show(this.presenceEvents(subscription))})`);
    return this.presenceEvents(subscription);
  }

  /** The `hello` frame (§2.3), the first of every connection. */
  async hello(): Promise<HelloEvent> {
    const frame = await this.waitFor((candidate) => 'event' in candidate && candidate.event === 'hello', 'the hello frame');
    return frame as HelloEvent;
  }

  /** Waits until a subscription has received `count` change events, and returns them all. */
  async changesFor(subscription: string | number, count: number): Promise<ChangeEvent[]> {
    await this.waitFor(() => this.changes(subscription).length >= count, `${count} change event(s) for subscription ${show(subscription)} (got ${this.changes(subscription).length})`);
    return this.changes(subscription);
  }

  /** Waits for the first frame, from the start of the connection, that `accept` accepts. */
  async waitFor(accept: (frame: Downstream, index: number) => boolean, what: string): Promise<Downstream> {
    const deadline = Date.now() + this.context.waitMs;
    for (;;) {
      if (this.violation !== undefined) throw new ConformanceFailure('invalid-message', this.violation);
      const index = this.frames.findIndex(accept);
      const found = this.frames[index];
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0 || this.socket.readyState === WebSocket.CLOSED) {
        const state = this.socket.readyState === WebSocket.CLOSED ? 'the socket closed' : `${this.context.waitMs} ms passed`;
        throw new ConformanceFailure('timeout', `waited for ${what}, but ${state}; last frames: ${show(this.frames.slice(-3))}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Waits for the socket to close, within `waitMs`. */
  async waitClosed(what: string): Promise<SocketClose> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ConformanceFailure('timeout', `waited for ${what}, but the socket stayed open`)), this.context.waitMs);
    });
    try {
      return await Promise.race([this.closed, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    this.socket.close();
    const timer = setTimeout(() => this.socket.terminate(), 1_000);
    await this.closed;
    clearTimeout(timer);
  }

  private receive(text: string): void {
    let value: unknown;
    try {
      value = parseJsonSafely(text, { maxDepth: MAX_FRAME_DEPTH });
    } catch (error) {
      this.violation ??= `the server sent a frame that is not acceptable JSON (§1, ${error instanceof Error ? error.message : String(error)}): ${show(text)}`;
      return this.notify();
    }
    const parsed = downstreamSchema.safeParse(value);
    if (parsed.success) this.frames.push(parsed.data);
    else this.violation ??= `the server sent a frame the protocol's schemas refuse (§2): ${show(value)}`;
    this.notify();
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const wake of waiting) wake();
  }
}

/**
 * Tries an upgrade and reports the HTTP status of a refusal, or 101 when the socket opened
 * (then closed at once): the cases about handshakes the server must refuse (§1).
 */
export function upgradeStatus(context: CaseContext, protocols: readonly string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(liveUrl(context), [...protocols]);
    const timer = setTimeout(() => (socket.terminate(), reject(new ConformanceFailure('timeout', 'the upgrade got no answer'))), context.waitMs);
    socket.once('open', () => (clearTimeout(timer), socket.close(), resolve(101)));
    socket.once('unexpected-response', (request, response) => (clearTimeout(timer), request.destroy(), resolve(response.statusCode ?? 0)));
    socket.once('error', (error) => (clearTimeout(timer), reject(new ConformanceFailure('error', `the upgrade failed: ${error.message}`))));
  });
}
