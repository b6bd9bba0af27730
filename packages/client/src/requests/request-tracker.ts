import { SynclineError, type Downstream, type RequestId, type RequestMessage } from '@syncline/protocol';
import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { Connection } from '../connection/connection.js';
import { assertNever } from '../connection/connection-state.js';
import type { IncomingResponse, OutgoingRequest, Transport } from './transport.js';

/** Callbacks for one request; called synchronously as the frame is read, so a SUBSCRIBE answer is applied before its first event. */
export interface ResponseHandler {
  onResponse(response: IncomingResponse): void;
  onError(error: SynclineError): void;
}

interface Pending {
  readonly message: RequestMessage;
  readonly handler: ResponseHandler;
  readonly timer: TimerHandle | undefined;
  sent: boolean;
}

export interface RequestTrackerOptions {
  readonly connection: Connection;
  /** Default per-request timeout. Default 10 s. */
  readonly timeoutMs?: number;
  /** The clock of the timeouts. Default the system's. */
  readonly clock?: Clock;
}

/** Socket requests multiplexed by id; also the socket's {@link Transport}. */
export interface RequestTracker extends Transport {
  /** Sends with an explicit id (subscriptions name themselves) or a fresh one, and calls back. Returns the id. */
  send(request: OutgoingRequest, handler: ResponseHandler, options?: { readonly id?: RequestId; readonly timeoutMs?: number }): RequestId;
  /** Hands a frame from the connection in; answers whether it was a response this tracker knew. */
  receive(frame: Downstream): boolean;
  /** How many requests are waiting (queued or sent). */
  size(): number;
}

/**
 * Tracks requests by id: many in flight at once, answered in any order (protocol.md §3).
 * Requests made while the socket is not open wait in a queue until it opens, or fail with
 * `unavailable` when their timeout passes. A request that was sent on a socket that is
 * lost fails with `unavailable` too: whether the server ran it is unknown, so retrying a
 * write is the caller's decision.
 *
 * @example
 * const tracker = createRequestTracker({ connection });
 * const answer = await tracker.request({ method: 'GET', resource: '/todos' });
 */
export function createRequestTracker(options: RequestTrackerOptions): RequestTracker {
  const { connection } = options;
  const clock = options.clock ?? systemClock;
  const pending = new Map<string, Pending>();
  let nextId = 1;

  const settle = (key: string): Pending | undefined => {
    const entry = pending.get(key);
    if (!entry) return undefined;
    pending.delete(key);
    clock.clearTimeout(entry.timer);
    return entry;
  };
  const transmit = (entry: Pending): void => {
    entry.sent = connection.send(JSON.stringify(entry.message));
  };

  const fail = (which: (entry: Pending) => boolean, detail: string): void => {
    for (const [key, entry] of [...pending]) {
      if (!which(entry)) continue;
      settle(key);
      entry.handler.onError(new SynclineError('unavailable', { detail }));
    }
  };

  connection.onStateChange((state) => {
    switch (state.kind) {
      case 'open':
        for (const entry of pending.values()) if (!entry.sent) transmit(entry);
        return;
      case 'connecting':
        // Queued requests keep waiting for the next socket; sent ones are lost with this one.
        return fail((entry) => entry.sent, 'The connection was lost before the answer came.');
      case 'closed':
        return fail(() => true, `The client is closed (${state.reason}).`);
      default:
        return assertNever(state);
    }
  });

  const tracker: RequestTracker = {
    send(request, handler, sendOptions = {}) {
      const id = sendOptions.id ?? nextId++;
      const key = String(id);
      if (pending.has(key)) throw new TypeError(`Request id ${key} is in use`);
      if (connection.state().kind === 'closed') {
        handler.onError(new SynclineError('unavailable', { detail: 'The client is closed.' }));
        return id;
      }
      const timeoutMs = sendOptions.timeoutMs ?? options.timeoutMs ?? 10_000;
      const timer = clock.setTimeout(() => {
        settle(key)?.handler.onError(new SynclineError('unavailable', { detail: `No answer to ${request.method} ${request.resource} within ${timeoutMs} ms.` }));
      }, timeoutMs);
      const entry: Pending = { message: { ...request, id }, handler, timer, sent: false };
      pending.set(key, entry);
      transmit(entry);
      return id;
    },
    receive(frame) {
      if (!('status' in frame)) return false;
      const entry = settle(String(frame.id));
      if (!entry) return false;
      const { id: _id, ...response } = frame;
      entry.handler.onResponse(response);
      return true;
    },
    request(request, requestOptions = {}) {
      return new Promise((resolve, reject) => {
        tracker.send(request, { onResponse: resolve, onError: reject }, requestOptions);
      });
    },
    size: () => pending.size,
    capabilities: () => Promise.resolve(connection.hello()?.capabilities),
  };
  return tracker;
}
