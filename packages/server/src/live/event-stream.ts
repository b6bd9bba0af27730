import { HEADERS, PROBLEM_CONTENT_TYPE, streamSubscriptionsOf, SynclineError, type ErrorStreamEvent, type Problem, type ResetStreamEvent, type ResumedStreamEvent, type SnapshotStreamEvent } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Clock } from '../clock.js';
import type { ContextFactory } from '../context-factory.js';
import { negotiate } from '../http/content-negotiation.js';
import { normalizeHeaders } from '../http/http-handler.js';
import { secureResponse } from '../http/security-headers.js';
import type { Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { createAddressCounter } from '../security/address-counter.js';
import type { SubscriptionLedger, SubscriptionQuota } from '../security/subscription-quota.js';
import { createLiveSubscriptions, type LiveSubscriptions } from './live-subscriptions.js';
import type { SubscriptionHub } from './subscription-hub.js';
import type { EventSink, StreamRequest } from './event-sink.js';

export const EVENT_STREAM_TYPE = 'text/event-stream';

export interface EventStreamLimits {
  /** A stream whose unsent bytes pass this is ended (slow consumer); a reconnecting EventSource resumes. */
  readonly maxBufferedBytes: number;
  /** Interval of the `: hb <seq>` comments. */
  readonly heartbeatMs: number;
  /** Subscriptions one stream may carry. */
  readonly maxSubscriptions: number;
  /** Sockets and streams together, per process (503 beyond). */
  readonly maxConnections: number;
  /** Streams per client address, per process (429 beyond). */
  readonly maxConnectionsPerAddress: number;
}

export interface EventStreamOptions {
  /** The WebSocket path; `<livePath>/events` serves streams carrying several subscriptions. */
  readonly livePath: string;
  readonly deps: PipelineDeps;
  readonly hub: SubscriptionHub;
  readonly createContext: ContextFactory;
  readonly limits: EventStreamLimits;
  /** Whether a path is a resource (a record or collection URI may be streamed). */
  readonly owns: (path: string) => boolean;
  /** The newest change the feed has dispatched to the hub. */
  readonly seq: () => number;
  /** Other live connections (the sockets), counted with the streams against `maxConnections`. */
  readonly otherConnections: () => number;
  /** The subscriptions each address and user may hold, shared with the sockets. */
  readonly quota?: SubscriptionQuota | undefined;
  /** The server's clock: the keep-alive, session expiry, the slow consumer's grace. */
  readonly clock: Clock;
}

export interface EventStreams {
  /** Whether a request asks for an event stream: a GET of `<livePath>/events`, or of a resource preferring `text/event-stream`. */
  wants(req: StreamRequest): boolean;
  /** Answers a request `wants` accepted, on any host's sink: problem+json before the stream starts, or the stream. */
  serve(req: StreamRequest, sink: EventSink): void;
  /** Open streams. */
  readonly size: number;
  /** Streams ended as slow consumers since start. */
  readonly slowConsumers: number;
  /** Ends the streams of one session (signed out); their reconnection is answered 401. */
  closeSession(sessionId: string): void;
  /** Ends every stream. */
  close(): void;
}

/** How long a slow consumer's response may take to flush its end before the connection is destroyed. */
const SLOW_CONSUMER_GRACE_MS = 5_000;

/** One subscription of a stream and what the stream has sent it so far. */
interface StreamSubscription {
  /** The subscription's name in every event: its position among the stream's URIs (a short request id, whatever the URI's length). */
  readonly id: number;
  /** The URI subscribed to, as requested (`resource` in its answer events). */
  readonly uri: string;
  readonly subscriptions: LiveSubscriptions;
  /** Its SUBSCRIBE was answered (snapshot, resumed or reset) in what was written so far. */
  responded: boolean;
  /** It went live (its catch-up ended) in what was written so far. */
  live: boolean;
  /** The highest position written for it: its snapshot's or resume position, then each change's seq. */
  hi: number;
}

type Piece =
  | { readonly kind: 'change'; readonly sub: StreamSubscription; readonly seq: number; readonly json: string }
  | { readonly kind: 'answer'; readonly sub: StreamSubscription; readonly outcome: Outcome; readonly head: number }
  | { readonly kind: 'live'; readonly sub: StreamSubscription; readonly head: number }
  | { readonly kind: 'heartbeat'; readonly head: number }
  | { readonly kind: 'error'; readonly sub: StreamSubscription; readonly problem: Problem };

/** One event whose data is one JSON value (the answer events; a change event holds one line per frame). */
function event(type: 'snapshot' | 'resumed' | 'reset' | 'error', data: SnapshotStreamEvent | ResumedStreamEvent | ResetStreamEvent | ErrorStreamEvent, id = ''): string {
  return `${id}event: ${type}\n${dataLines(JSON.stringify(data))}\n`;
}

function dataLines(json: string): string {
  // JSON.stringify never writes a raw line break, so each JSON value is one `data:` line.
  return `data: ${json}\n`;
}

function subscriptionUris(url: URL, max: number): string[] {
  const uris = streamSubscriptionsOf(url.searchParams);
  if (uris.length > max) throw new SynclineError('rate-limited', { detail: `At most ${max} subscriptions per stream.` });
  return uris;
}

/**
 * Server-sent event streams (protocol.md, "Event streams"): any record or collection URI
 * requested with `Accept: text/event-stream`, or `<livePath>/events?subscribe=…` for several
 * at once. Each subscription is a SUBSCRIBE through the socket's own machinery
 * (`createLiveSubscriptions` and the hub), so snapshots, matching, resume and ordering are
 * the socket's. Events carry `id:` only where resuming every subscription of the stream from
 * that position loses nothing and repeats nothing.
 */
export function createEventStreams(options: EventStreamOptions): EventStreams {
  const { deps, limits, clock } = options;
  const eventsPath = `${options.livePath.replace(/\/$/, '')}/events`;
  const streams = new Set<{ end(): void; readonly context: RequestContext; heartbeat(): void }>();
  const perAddress = createAddressCounter(limits.maxConnectionsPerAddress);
  let slowConsumers = 0;
  const timer = clock.setInterval(() => {
    for (const stream of streams) stream.heartbeat();
  }, limits.heartbeatMs);

  function problem(req: StreamRequest, sink: EventSink, error: unknown, instance: string): void {
    const outcome = errorOutcome(error, instance, deps.reportError);
    sink.answer(secureResponse(req, { status: outcome.status, headers: { ...outcome.headers, 'content-type': PROBLEM_CONTENT_TYPE }, body: JSON.stringify(outcome.body) }));
  }

  async function open(req: StreamRequest, sink: EventSink): Promise<void> {
    const url = new URL(req.url, 'http://localhost');
    const path = url.pathname;
    const multi = path === eventsPath;
    const uris = multi ? subscriptionUris(url, limits.maxSubscriptions) : [req.url];
    if (streams.size + options.otherConnections() >= limits.maxConnections) {
      throw new SynclineError('unavailable', { detail: 'The server holds as many connections as it may.', headers: { 'retry-after': '5' } });
    }
    const headers = normalizeHeaders(req.headers);
    // A reconnecting EventSource sends Last-Event-ID; a first connection may name a GET's Syncline-Seq.
    const from = headers[HEADERS.lastEventId] ?? (multi ? (url.searchParams.get(HEADERS.lastEventId) ?? undefined) : undefined);
    const address = req.remoteAddress;
    const context = await options.createContext({ transport: 'http', headers, remoteAddress: address });
    if (!perAddress.acquire(address)) {
      throw new SynclineError('rate-limited', { detail: `At most ${limits.maxConnectionsPerAddress} streams per address.`, headers: { 'retry-after': '5' } });
    }
    let ledger: SubscriptionLedger | undefined;
    try {
      // Counted like the socket's, before anything is read; all of a stream's subscriptions or none.
      ledger = options.quota?.open({ address, user: context.principal?.id });
      for (const uri of uris) ledger?.hold(uri, uri);
    } catch (error) {
      ledger?.releaseAll();
      perAddress.release(address);
      throw error;
    }

    const pending: Piece[] = [];
    let flushing = false;
    let started = false;
    let ended = false;
    let failed = false;
    let lastId = -1;

    const subs: StreamSubscription[] = uris.map((uri, id) => {
      const sub: StreamSubscription = {
        id,
        uri,
        responded: false,
        live: false,
        hi: 0,
        subscriptions: createLiveSubscriptions({
          deps,
          hub: options.hub,
          maxSubscriptions: 1,
          send: (frame, seq) => push({ kind: 'change', sub, seq, json: frame }),
        }),
      };
      return sub;
    });

    /**
     * Whether resuming every subscription from `position` loses nothing and repeats nothing, after
     * what was rendered so far: each was answered, was sent nothing after `position`, and was sent
     * everything up to it (its last position is `position`, or it is live and the hub had
     * dispatched up to `head` when this piece was queued).
     */
    function consistentAt(position: number, head: number): boolean {
      return subs.every((sub) => sub.responded && sub.hi <= position && (sub.hi === position || (sub.live && position <= head)));
    }

    function render(batch: readonly Piece[]): string {
      let out = '';
      for (let i = 0; i < batch.length; i++) {
        const piece = batch[i]!;
        if (piece.kind === 'change') {
          // Every frame of one change (several subscriptions may see it) goes in one event: an event is delivered whole or not at all.
          let data = '';
          let j = i;
          for (; j < batch.length; j++) {
            const next = batch[j]!;
            if (next.kind !== 'change' || next.seq !== piece.seq) break;
            next.sub.hi = Math.max(next.sub.hi, next.seq);
            data += dataLines(next.json);
          }
          i = j - 1;
          let id = '';
          if (piece.seq > lastId && consistentAt(piece.seq, piece.seq)) {
            lastId = piece.seq;
            id = `id: ${piece.seq}\n`;
          }
          out += `${id}event: change\n${data}\n`;
        } else if (piece.kind === 'answer') {
          const { sub, outcome } = piece;
          sub.responded = true;
          const seq = outcome.headers[HEADERS.seq] ?? '0';
          sub.hi = Number(seq);
          const named = { subscription: sub.id, resource: sub.uri };
          // A SUBSCRIBE is answered 200 or throws (its error is the stream's problem response, or an `error` event).
          const headers = { ...outcome.headers, [HEADERS.seq]: seq };
          const resume = outcome.headers[HEADERS.resume];
          if (resume === 'reset') out += event('reset', named);
          const position = Math.max(...subs.map((s) => s.hi));
          let id = '';
          if (position > lastId && consistentAt(position, piece.head)) {
            lastId = position;
            id = `id: ${position}\n`;
          }
          if (resume === 'resumed') out += event('resumed', { ...named, status: 200, headers: { ...headers, [HEADERS.resume]: 'resumed' } }, id);
          else out += event('snapshot', { ...named, status: 200, headers, body: outcome.body }, id);
        } else if (piece.kind === 'live') {
          piece.sub.live = true;
          const position = Math.max(...subs.map((s) => s.hi));
          if (position > lastId && consistentAt(position, piece.head)) {
            lastId = position;
            out += `id: ${position}\n\n`;
          }
        } else if (piece.kind === 'error') {
          out += event('error', { subscription: piece.sub.id, resource: piece.sub.uri, body: piece.problem });
        } else {
          out += `: hb ${piece.head}\n\n`;
          // A quiet stream's position still advances, so a resume replays less and outlives log trims.
          if (piece.head > lastId && consistentAt(piece.head, piece.head)) {
            lastId = piece.head;
            out += `id: ${piece.head}\n\n`;
          }
        }
      }
      return out;
    }

    function flush(): void {
      flushing = false;
      if (!started || ended) return;
      if (sink.closed) return end();
      const text = render(pending.splice(0));
      if (text === '') return;
      if (sink.bufferedBytes + Buffer.byteLength(text) > limits.maxBufferedBytes) {
        // The client is not reading: end instead of buffering without bound. It resumes from its last id.
        slowConsumers++;
        end();
        clock.setTimeout(() => sink.destroy(), SLOW_CONSUMER_GRACE_MS);
        return;
      }
      sink.write(text);
    }

    function push(piece: Piece): void {
      if (ended) return;
      pending.push(piece);
      if (!started || flushing) return;
      flushing = true;
      // After the current dispatch: every frame of one change is written together.
      queueMicrotask(flush);
    }

    function closeSubscriptions(): void {
      for (const sub of subs) sub.subscriptions.closeAll();
    }

    const stream = {
      context,
      heartbeat() {
        push({ kind: 'heartbeat', head: options.seq() });
      },
      end() {
        if (ended) return;
        ended = true;
        closeSubscriptions();
        sink.end();
      },
    };
    const end = stream.end;
    streams.add(stream);
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      streams.delete(stream);
      perAddress.release(address);
      ledger?.releaseAll();
      clock.clearTimeout(expiry);
    };
    const expiresAt = context.session?.expiresAt;
    const expiry = expiresAt === undefined ? undefined : clock.setTimeout(end, Math.min(Math.max(0, expiresAt - clock.now()), 2 ** 31 - 1));
    sink.onClose(() => {
      stream.end();
      release();
    });

    function start(): void {
      if (started || failed || ended) return;
      started = true;
      // Private when it carries credentials: no shared cache keeps one user's events for another.
      const answer = secureResponse(req, { status: 200, headers: { 'content-type': EVENT_STREAM_TYPE, 'cache-control': 'no-cache', 'x-accel-buffering': 'no', vary: 'Accept' } });
      sink.start(answer.status, answer.headers);
      flush();
    }

    let answered = 0;
    const runs = subs.map(async (sub) => {
      const op = { method: 'SUBSCRIBE' as const, uri: sub.uri, headers: from === undefined ? {} : { [HEADERS.lastEventId]: from }, body: undefined, context };
      await sub.subscriptions.subscribe(sub.id, op, (outcome) => {
        push({ kind: 'answer', sub, outcome, head: options.seq() });
        // The stream starts once every subscription is answered: an error before that is a problem response.
        if (++answered === subs.length) start();
      });
      push({ kind: 'live', sub, head: options.seq() });
    });
    const results = await Promise.allSettled(runs);
    const failedAt = results.findIndex((result) => result.status === 'rejected');
    const failure = results[failedAt];
    const sub = subs[failedAt];
    if (failure === undefined || failure.status !== 'rejected' || sub === undefined) return;
    if (!started) {
      failed = true;
      ended = true;
      closeSubscriptions();
      release();
      problem(req, sink, failure.reason, path);
      return;
    }
    deps.reportError(failure.reason, 'event stream');
    // The client learns why before the stream ends; its reconnection resumes, or is answered the problem.
    const answer = errorOutcome(failure.reason, sub.uri, () => {});
    push({ kind: 'error', sub, problem: answer.body as Problem });
    flush();
    end();
  }

  return {
    wants(req) {
      if (req.method !== 'GET') return false;
      const path = req.url.split('?')[0] ?? '/';
      if (path === eventsPath) return true;
      const accept = req.headers['accept'];
      return options.owns(path) && negotiate(typeof accept === 'string' ? accept : accept?.join(', '), ['application/json', EVENT_STREAM_TYPE]) === EVENT_STREAM_TYPE;
    },
    serve(req, sink) {
      const path = req.url.split('?')[0] ?? '/';
      open(req, sink).catch((error: unknown) => problem(req, sink, error, path));
    },
    get size() {
      return streams.size;
    },
    get slowConsumers() {
      return slowConsumers;
    },
    closeSession(sessionId) {
      for (const stream of streams) {
        if (stream.context.session?.id === sessionId) stream.end();
      }
    },
    close() {
      clock.clearInterval(timer);
      for (const stream of [...streams]) stream.end();
    },
  };
}
