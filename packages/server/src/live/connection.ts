import { assertNoForbiddenKeys, CLOSE_CODES, errorEventSchema, HEADERS, parseJsonSafely, presenceTarget, PROTOCOL_RANGE, requestIdSchema, type Capability, requestMessageSchema, SynclineError, type ErrorEvent, type HelloEvent, type RequestId, type ResponseMessage } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Executor } from '../pipeline/executor.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import type { SubscriptionHub } from './subscription-hub.js';
import { createLiveSubscriptions } from './live-subscriptions.js';
import type { Clock } from '../clock.js';
import { createTokenBucket } from '../security/token-bucket.js';
import type { PresenceService } from '../presence/presence-service.js';
import type { SubscriptionLedger } from '../security/subscription-quota.js';
import { chargeAll, type WorkMeter } from '../security/work-budget.js';
import type { SocketHost, SocketListener } from './socket-host.js';

export interface ConnectionLimits {
  /** A socket whose unsent bytes pass this is closed with 4008 (slow consumer); its client resumes on reconnect. */
  readonly maxBufferedBytes: number;
  readonly maxJsonDepth: number;
  readonly maxSubscriptions: number;
  /** Requests being answered at once; more answer 429. */
  readonly maxInflight: number;
  /** Malformed frames in a row before the socket is closed with 4400 (and requests refused by the message rate, before 4429). */
  readonly maxConsecutiveErrors: number;
  /** Requests per second a connection may send on average; beyond, `rate-limited` answers, then close 4429. */
  readonly maxMessagesPerSecond: number;
  /** Requests a connection may send at once before the rate applies. */
  readonly messageBurst: number;
  /** A reconcile request costs one message of the rate per this many distinct entries. */
  readonly reconcileEntriesPerMessage: number;
  readonly heartbeatMs: number;
}

export interface ConnectionOptions {
  /** The socket, as its runtime offers it. */
  readonly socket: SocketHost;
  readonly context: RequestContext;
  readonly executor: Executor;
  readonly deps: PipelineDeps;
  readonly hub: SubscriptionHub;
  readonly limits: ConnectionLimits;
  readonly seq: () => number;
  /** What `hello` says the server offers. */
  readonly capabilities: readonly Capability[];
  readonly onClose: () => void;
  /** Called when the socket is closed as a slow consumer (a metric, never silent). */
  readonly onSlowConsumer: () => void;
  /** Presence URIs (`…/presence`) are answered here, before the executor. */
  readonly presence?: PresenceService | undefined;
  /** Counts this connection's subscriptions (records, collections, presence) against its address's and user's share. */
  readonly ledger?: SubscriptionLedger | undefined;
  /** The server's clock: the request rate, session expiry, the slow consumer's grace. */
  readonly clock: Clock;
  /** The budgets of reconcile entries this connection's address and user share with their other connections and requests. */
  readonly reconcileMeters?: readonly WorkMeter[] | undefined;
}

/** How long a slow consumer has to read up to its close frame before the socket is destroyed. */
const SLOW_CONSUMER_GRACE_MS = 5_000;

export interface Connection {
  /** False once a heartbeat went unanswered; the next tick terminates the socket. */
  alive: boolean;
  /** Who opened it: fixed for the connection's life (a new session means a new connection). */
  readonly context: RequestContext;
  heartbeat(): void;
  close(code: number, reason: string): void;
  /** What the socket's host calls with what arrives (frames, pongs, its close). */
  readonly listener: SocketListener;
}

const PROBLEM_ERRORS = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  issues.map((issue) => ({ path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))), message: issue.message }));

/**
 * One WebSocket connection, over any {@link SocketHost}: frames in, operations through the
 * shared executor, responses and pushed events out. Every failure of one frame is answered on that connection and
 * never escapes it (docs/design-notes.md, "One socket's failure stays on that socket").
 */
export function openConnection(options: ConnectionOptions): Connection {
  const { socket, limits } = options;
  const inflight = new Set<string>();
  let consecutiveErrors = 0;
  const rate = createTokenBucket(limits.maxMessagesPerSecond, limits.messageBurst, () => options.clock.now());
  let limitedInARow = 0;
  // A reconcile's entries are charged to the message rate (the request itself already took one
  // message) and to the budgets shared with the caller's other connections.
  const extraMessages = (entries: number): number => Math.max(0, Math.ceil(entries / limits.reconcileEntriesPerMessage) - 1);
  const connectionMeter: WorkMeter = { waitMs: (entries) => rate.waitMs(extraMessages(entries)), take: (entries) => void rate.take(extraMessages(entries)) };
  const charge = chargeAll([connectionMeter, ...(options.reconcileMeters ?? [])]);

  const connection: Connection = {
    alive: true,
    context: options.context,
    heartbeat() {
      if (!connection.alive) {
        socket.terminate();
        return;
      }
      connection.alive = false;
      socket.ping();
      send(`{"event":"heartbeat","seq":${options.seq()}}`);
    },
    close(code, reason) {
      socket.close(code, reason);
    },
    listener: {
      message: (data) => receive(data),
      pong() {
        connection.alive = true;
      },
      error: (error) => options.deps.reportError(error, 'websocket'),
      close: () => closed(),
    },
  };

  function send(frame: string): void {
    if (!socket.open) return;
    if (socket.bufferedAmount + frame.length > limits.maxBufferedBytes) {
      // The client is not reading: close instead of buffering without bound. It resumes from its last seq.
      options.onSlowConsumer();
      socket.close(CLOSE_CODES.slowConsumer, 'slow consumer');
      options.clock.setTimeout(() => socket.terminate(), SLOW_CONSUMER_GRACE_MS);
      return;
    }
    socket.send(frame);
  }

  const subscriptions = createLiveSubscriptions({ deps: options.deps, hub: options.hub, maxSubscriptions: limits.maxSubscriptions, send });
  const presence = options.presence?.open(options.context, send);

  function respond(id: RequestId, outcome: Outcome): void {
    const message: ResponseMessage = { id, status: outcome.status, headers: outcome.headers };
    if (outcome.body !== undefined) message.body = outcome.body;
    send(JSON.stringify(message));
  }

  function frameError(error: SynclineError, id: RequestId | null): void {
    if (++consecutiveErrors > limits.maxConsecutiveErrors) {
      connection.close(CLOSE_CODES.tooManyErrors, 'too many malformed frames');
      return;
    }
    if (id !== null) {
      respond(id, errorOutcome(error, undefined, options.deps.reportError));
      return;
    }
    const event: ErrorEvent = errorEventSchema.parse({ event: 'error', body: error.toProblem() });
    send(JSON.stringify(event));
  }

  async function run(id: RequestId, op: Operation): Promise<void> {
    const key = String(id);
    inflight.add(key);
    const ledger = options.ledger;
    // A subscription is counted before any work, so concurrent SUBSCRIBEs cannot all pass the
    // bound; an answer other than 200 means none was opened and frees its share again.
    const answer = (outcome: Outcome): void => {
      if (op.method === 'SUBSCRIBE' && outcome.status !== 200) ledger?.release(key);
      const ended = op.headers[HEADERS.subscription];
      if (op.method === 'UNSUBSCRIBE' && outcome.status === 204 && ended !== undefined) ledger?.release(ended);
      respond(id, outcome);
    };
    try {
      if (op.method === 'SUBSCRIBE') ledger?.hold(key, op.uri);
      // A presence announcement keeps its URI on every process: it is bounded like a subscribed one.
      else if (op.method === 'PUT' && presenceTarget(op.uri) !== undefined) ledger?.checkUri(op.uri);
      const presenceRun = presence?.run(id, op, answer);
      if (presenceRun !== undefined) await presenceRun;
      else if (op.method === 'SUBSCRIBE') await subscriptions.subscribe(id, op, answer);
      else if (op.method === 'UNSUBSCRIBE') answer(subscriptions.unsubscribe(op));
      else answer(await options.executor.execute(op));
    } catch (error) {
      answer(errorOutcome(error, op.uri.split('?')[0], options.deps.reportError));
    } finally {
      inflight.delete(key);
    }
  }

  function receive(data: string | Uint8Array): void {
    if (typeof data !== 'string') return frameError(new SynclineError('invalid-frame', { detail: 'Binary frames are not supported; send JSON text.' }), null);
    let parsed: unknown;
    try {
      parsed = parseJsonSafely(data, { maxDepth: limits.maxJsonDepth, checkKeys: false });
    } catch (error) {
      return frameError(error as SynclineError, null);
    }
    // Only a valid id is echoed: an answer must itself be a valid response message.
    const rawId = typeof parsed === 'object' && parsed !== null ? (parsed as { id?: unknown }).id : undefined;
    const validId = requestIdSchema.safeParse(rawId);
    const id = validId.success ? validId.data : null;
    try {
      assertNoForbiddenKeys(parsed);
    } catch (error) {
      return frameError(error as SynclineError, id);
    }
    const message = requestMessageSchema.safeParse(parsed);
    if (!message.success) {
      return frameError(new SynclineError('invalid-frame', { detail: 'The frame is not a valid request.', errors: PROBLEM_ERRORS(message.error.issues) }), id);
    }
    const request = message.data;
    // Past the message rate, a request is answered but not run; a client that keeps on is cut off.
    // (Malformed frames are bounded by maxConsecutiveErrors; a refused request does not reset that count.)
    if (!rate.take()) {
      if (++limitedInARow > limits.maxConsecutiveErrors) return connection.close(CLOSE_CODES.rateLimited, 'message rate exceeded');
      const retryAfter = String(Math.max(1, Math.ceil(rate.waitMs() / 1000)));
      const limited = new SynclineError('rate-limited', { detail: `At most ${limits.maxMessagesPerSecond} requests a second (bursts of ${limits.messageBurst}).`, headers: { 'retry-after': retryAfter } });
      return respond(request.id, errorOutcome(limited, undefined, options.deps.reportError));
    }
    limitedInARow = 0;
    consecutiveErrors = 0;
    const key = String(request.id);
    if (inflight.has(key) || subscriptions.has(request.id) || presence?.has(request.id) === true) {
      return respond(request.id, errorOutcome(new SynclineError('conflict', { detail: `Request id ${key} is in use on this connection.` }), undefined, options.deps.reportError));
    }
    if (inflight.size >= limits.maxInflight) {
      return respond(request.id, errorOutcome(new SynclineError('rate-limited', { detail: `At most ${limits.maxInflight} requests in flight.` }), undefined, options.deps.reportError));
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) headers[name.toLowerCase()] = value;
    void run(request.id, { method: request.method, uri: request.resource, headers, body: request.body, context: options.context, charge });
  }

  // A session that expires while the socket is open ends it; the client signs in again and resumes.
  const expiresAt = options.context.session?.expiresAt;
  const expiry = expiresAt === undefined ? undefined : options.clock.setTimeout(() => connection.close(CLOSE_CODES.sessionEnded, 'session expired'), Math.min(Math.max(0, expiresAt - options.clock.now()), 2 ** 31 - 1));
  let ended = false;
  function closed(): void {
    if (ended) return;
    ended = true;
    options.clock.clearTimeout(expiry);
    subscriptions.closeAll();
    options.ledger?.releaseAll();
    // A socket that closed, or was terminated for a missed heartbeat, leaves every presence at once.
    presence?.close();
    options.onClose();
  }
  send(JSON.stringify({ event: 'hello', protocol: PROTOCOL_RANGE, capabilities: [...options.capabilities], heartbeatMs: limits.heartbeatMs, seq: options.seq() } satisfies HelloEvent));
  return connection;
}
