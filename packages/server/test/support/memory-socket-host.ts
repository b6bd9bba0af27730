import type { SocketHost, SocketListener, Syncline } from '../../src/index.js';

/**
 * A WebSocket host with no network: what the server sends is kept in `sent`, its close and
 * pings are recorded, and `bufferedAmount` is whatever the test says the network holds.
 */
export class MemorySocketHost implements SocketHost {
  readonly sent: unknown[] = [];
  pings = 0;
  terminated = false;
  closed: { code: number; reason: string } | undefined;
  bufferedAmount = 0;
  /** Whether the host calls `pong` for each ping (a client that answers). */
  answersPings = true;
  listener: SocketListener | undefined;

  get open(): boolean {
    return this.closed === undefined && !this.terminated;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(code: number, reason: string): void {
    if (!this.open) return;
    this.closed = { code, reason };
    // The client answers the close at once; like a real socket, the close is reported afterwards, not from inside this call.
    queueMicrotask(() => this.listener?.close());
  }
  ping(): void {
    this.pings++;
    if (this.answersPings) queueMicrotask(() => this.listener?.pong());
  }
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    queueMicrotask(() => this.listener?.close());
  }

  /** Sends a text frame from the client. */
  receive(frame: unknown): void {
    this.listener?.message(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The frames answering request `id`. */
  responses(id: number | string): Array<{ id: unknown; status: number; body?: any }> {
    return this.sent.filter((frame): frame is { id: unknown; status: number } => (frame as { id?: unknown }).id === id && 'status' in (frame as object));
  }

  /** Opens a socket on `app` as another runtime's host would: admit, then accept on this host. */
  static async connect(app: Syncline, headers: Record<string, string> = {}, remoteAddress = '203.0.113.7'): Promise<MemorySocketHost> {
    const admission = await app.upgrade({ url: '/live', headers: { host: 'localhost', 'sec-websocket-protocol': 'syncline.1', ...headers }, remoteAddress });
    if (!admission.accepted) throw new Error(`upgrade refused: ${admission.status}`);
    const host = new MemorySocketHost();
    host.listener = admission.accept(host);
    return host;
  }
}
