import { HEADERS, parseJsonSafely, PROTOCOL_VERSION, upstreamSchema, type Downstream, type HelloEvent, type Upstream } from '@syncline/protocol';
import type WebSocket from 'ws';
import { show } from '../check.js';
import { answer, collectionAnswer, problem, type ScriptedAnswer, type WriteHandler } from './scripted-answers.js';
import { changeEvent, COLLECTION_URI, type LoggedChange, type ScriptedFeed } from './scripted-records.js';

/** How the scripted server answers a SUBSCRIBE with `last-event-id` (§6.2). */
export type ResumePolicy = 'log' | 'reset';

/** One SUBSCRIBE as received: its id and the `last-event-id` it carried, if any. */
export interface ReceivedSubscribe {
  readonly id: string;
  readonly lastEventId: string | undefined;
  readonly at: number;
}

export interface PeerSettings {
  readonly feed: ScriptedFeed;
  readonly heartbeatMs: number;
  readonly resumePolicy: () => ResumePolicy;
  readonly write: WriteHandler | undefined;
  /** A frame or handshake that breaks the protocol: the case fails with it. */
  readonly violation: (reason: string) => void;
  /** Something happened worth waking a wait for. */
  readonly notify: () => void;
}

/**
 * The server's side of one client socket: it sends `hello`, checks every frame the client
 * sends against `upstreamSchema` and the id rules of §3, answers GETs, writes and
 * SUBSCRIBE/UNSUBSCRIBE from the case's feed, and remembers what it saw for the case.
 */
export class PeerConnection {
  readonly openedAt = Date.now();
  readonly requests: Upstream[] = [];
  readonly subscribes: ReceivedSubscribe[] = [];
  /** Live subscriptions by id (string form, §3). */
  readonly live = new Set<string>();
  closedAt: number | undefined;
  closeCode: number | undefined;
  /** When the server last sent this socket a frame. */
  lastSentAt = Date.now();

  constructor(
    readonly index: number,
    readonly socket: WebSocket,
    private readonly settings: PeerSettings,
  ) {
    socket.on('message', (data, isBinary) => this.receive(data.toString(), isBinary));
    socket.on('close', (code) => {
      this.closedAt = Date.now();
      this.closeCode = code;
      this.live.clear();
      settings.notify();
    });
    socket.on('error', () => {});
  }

  get open(): boolean {
    return this.closedAt === undefined;
  }

  sendHello(): void {
    const hello: HelloEvent = { event: 'hello', protocol: { version: PROTOCOL_VERSION, min: PROTOCOL_VERSION, max: PROTOCOL_VERSION }, capabilities: [], heartbeatMs: this.settings.heartbeatMs, seq: this.settings.feed.head };
    this.send(hello);
  }

  /** A heartbeat (§8): a WebSocket ping and a `heartbeat` event. */
  heartbeat(): void {
    if (!this.open) return;
    this.socket.ping();
    this.send({ event: 'heartbeat', seq: this.settings.feed.head });
  }

  send(frame: Downstream): void {
    this.sendRaw(JSON.stringify(frame));
  }

  /** Sends any text or bytes as one frame: the cases about frames a client must survive. */
  sendRaw(frame: string | Uint8Array): void {
    if (!this.open) return;
    this.lastSentAt = Date.now();
    this.socket.send(frame, { binary: typeof frame !== 'string' });
  }

  /** Sends `change` to every live subscription of this socket. */
  publish(change: LoggedChange): void {
    for (const id of this.live) this.send(changeEvent(id, change));
  }

  private receive(text: string, isBinary: boolean): void {
    if (isBinary) return this.settings.violation(`the client sent a binary frame (§1: every frame is a text frame)`);
    let value: unknown;
    try {
      value = parseJsonSafely(text, { maxDepth: 64 });
    } catch {
      return this.settings.violation(`the client sent a frame that is not JSON, or JSON nested too deep or with a prototype key (§1, §2.6): ${show(text)}`);
    }
    const parsed = upstreamSchema.safeParse(value);
    if (!parsed.success) return this.settings.violation(`the client sent a frame that is not a valid request (§2.1): ${show(value)}`);
    const request = parsed.data;
    this.requests.push(request);
    const id = String(request.id);
    // Answers here are immediate, so the ids in use are those of live subscriptions (§3).
    if (this.live.has(id)) return this.settings.violation(`the client reused the id ${show(request.id)} of a live subscription (§3)`);
    const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
    if (request.method === 'SUBSCRIBE') this.subscribe(request, headers);
    else if (request.method === 'UNSUBSCRIBE') {
      const target = headers[HEADERS.subscription];
      const found = target !== undefined && this.live.delete(target);
      this.respond(request, found ? { status: 204, headers: {} } : problem({ status: 404, code: 'not-found', title: 'Not found', detail: 'No such subscription.' }));
    } else {
      this.respond(request, answer(this.settings.feed, { method: request.method, resource: request.resource, headers, body: request.body, via: 'socket' }, this.settings.write));
    }
    this.settings.notify();
  }

  private subscribe(request: Upstream, headers: Record<string, string>): void {
    const id = String(request.id);
    const lastEventId = headers[HEADERS.lastEventId];
    this.subscribes.push({ id, lastEventId, at: Date.now() });
    // The collection with no query (an empty one, `?`, is the same URI).
    if (request.resource.replace(/\?$/, '') !== COLLECTION_URI) {
      // Only the collection is served; other subscriptions (presence, records) are refused as a server would.
      return this.respond(request, problem({ status: 404, code: 'not-found', title: 'Not found', detail: `The scripted server serves SUBSCRIBE ${COLLECTION_URI} only.` }));
    }
    const feed = this.settings.feed;
    if (lastEventId === undefined) {
      this.respond(request, collectionAnswer(feed));
      this.live.add(id);
      return;
    }
    if (!/^\d+$/.test(lastEventId)) {
      this.settings.violation(`last-event-id must be a non-negative integer (§6.2), got ${show(lastEventId)}`);
      return this.respond(request, problem({ status: 400, code: 'bad-request', title: 'Bad request', detail: 'last-event-id must be a non-negative integer.' }));
    }
    const missed = this.settings.resumePolicy() === 'log' ? feed.since(Number(lastEventId)) : undefined;
    if (missed === undefined) {
      const fresh = collectionAnswer(feed);
      this.respond(request, { ...fresh, headers: { ...fresh.headers, [HEADERS.resume]: 'reset' } });
    } else {
      this.respond(request, { status: 200, headers: { [HEADERS.resume]: 'resumed', [HEADERS.seq]: lastEventId } });
      for (const change of missed) this.send(changeEvent(id, change));
    }
    this.live.add(id);
  }

  private respond(request: Upstream, answer: ScriptedAnswer): void {
    this.send({ id: request.id, status: answer.status, headers: answer.headers, ...(answer.body === undefined ? {} : { body: answer.body }) });
  }
}
