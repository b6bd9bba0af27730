import { SUBPROTOCOL } from '@syncline/protocol';
import WebSocket from 'ws';
import { delay } from './free-port.js';
import type { SubscriberRecord } from './history.js';

export interface SubscriberOptions {
  /** The servers' HTTP bases: each connection goes to the next one (reconnecting elsewhere after a process goes away). */
  readonly bases: () => readonly string[];
  /** The collection to follow. Default `/entries`. */
  readonly resource?: string;
}

interface ChangeFrame {
  readonly event: 'change';
  readonly subscription: string;
  readonly seq: number;
  readonly op: string;
  readonly resource: string;
  readonly body: { readonly id: string; readonly version: number } | null;
}

/**
 * A live client that follows one collection over the WebSocket protocol, as the client library
 * does: it subscribes, records every change event's `seq`, and after any close reconnects with
 * backoff and resumes with `last-event-id`. The record it keeps is what the history checker
 * judges: gaps, duplicates, resets, close codes, and its replica (id → version).
 *
 * @example
 * const subscriber = new LiveSubscriber({ bases: () => [server.base] });
 * await subscriber.start(); …; await subscriber.close();
 */
export class LiveSubscriber {
  readonly record: SubscriberRecord = { startSeq: 0, seqs: [], replica: new Map(), closeCodes: [], resumes: 0, resets: 0, gaps: [], duplicates: [], lastEventAt: 0 };
  private socket: WebSocket | undefined;
  private closed = false;
  private connects = 0;
  private subscribed = false;
  /** Resolves once the first SUBSCRIBE is answered. */
  private ready!: Promise<void>;
  private markReady = (): void => {};

  constructor(private readonly options: SubscriberOptions) {
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /** The last `seq` this subscription has seen (its position). */
  get position(): number {
    return this.record.seqs.at(-1) ?? this.record.startSeq;
  }

  /** A short account of its state, for a timeout's message. */
  describe(): string {
    return `at ${this.position}, ${this.record.resumes} resumed, ${this.record.resets} reset, closes ${this.record.closeCodes.join('/')}, ${this.connected ? 'open' : 'not open'}`;
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  async start(): Promise<void> {
    void this.connectLoop();
    await this.ready;
  }

  private async connectLoop(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      if (attempt > 0) await delay(Math.min(1000, 50 * 2 ** Math.min(attempt, 5)) * Math.random() + 20);
      const bases = this.options.bases();
      const base = bases[this.connects++ % bases.length];
      if (base === undefined) return;
      const code = await this.session(base.replace(/^http/, 'ws'));
      if (code !== undefined) {
        this.record.closeCodes.push(code);
        attempt = 0;
      }
    }
  }

  /** One connection: subscribes (or resumes), then handles frames until it closes; the close code, or undefined if it never opened. */
  private session(url: string): Promise<number | undefined> {
    return new Promise((resolve) => {
      // A handshake that hangs (a process frozen or killed mid-accept) is given up, as a client would.
      const socket = new WebSocket(`${url}/live`, [SUBPROTOCOL], { handshakeTimeout: 5000 });
      this.socket = socket;
      let opened = false;
      socket.on('error', () => undefined);
      socket.on('open', () => {
        opened = true;
        const headers: Record<string, string> = this.subscribed ? { 'last-event-id': String(this.position) } : {};
        socket.send(JSON.stringify({ id: 's', method: 'SUBSCRIBE', resource: this.options.resource ?? '/entries', headers }));
      });
      socket.on('message', (data, isBinary) => {
        if (!isBinary) this.receive(JSON.parse(data.toString()) as Record<string, unknown>);
      });
      socket.on('close', (code) => resolve(opened ? code : undefined));
    });
  }

  private receive(frame: Record<string, unknown>): void {
    if (frame['id'] === 's' && typeof frame['status'] === 'number') {
      const headers = (frame['headers'] ?? {}) as Record<string, string>;
      if (frame['status'] !== 200) return void this.socket?.close();
      if (!this.subscribed) {
        this.subscribed = true;
        this.record.startSeq = Number(headers['syncline-seq']);
        this.markReady();
      } else if (headers['syncline-resume'] === 'resumed') this.record.resumes++;
      else this.record.resets++;
      return;
    }
    if (frame['event'] !== 'change') return;
    const change = frame as unknown as ChangeFrame;
    const last = this.position;
    this.record.lastEventAt = Date.now();
    if (change.seq <= last) return void this.record.duplicates.push(change.seq);
    if (change.seq !== last + 1) this.record.gaps.push([last + 1, change.seq - 1]);
    this.record.seqs.push(change.seq);
    const id = change.resource.split('/').at(-1) ?? '';
    if (change.body === null) this.record.replica.delete(id);
    else this.record.replica.set(id, change.body.version);
  }

  /** Ends the subscription for good. */
  async close(): Promise<void> {
    this.closed = true;
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    const done = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.close();
    await done;
  }
}
