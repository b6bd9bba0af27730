import { HEADERS, parseJsonSafely, parseStreamEvent, problemSchema, SynclineError } from '@syncline/protocol';
import { systemClock, type Clock } from '../clock.js';
import { backoffDelay, type BackoffOptions } from '../connection/connection-state.js';
import type { Subscription, SubscriptionHandlers, Subscriptions } from '../subscriptions/subscriptions.js';
import { createSseParser } from './sse-parser.js';
import { createReachabilityTracker, type StreamReachability } from './stream-reachability.js';

export interface StreamSubscriptionsOptions extends BackoffOptions {
  /** The server's origin, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** A bearer token sent as `Authorization` when a stream opens (browsers on the server's origin use the cookie). */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /** A stream answered 401 (the session ended): the next attempt waits for the promise this returns (a new sign-in). */
  readonly onSessionEnded?: () => void | Promise<void>;
  /** A stream silent for this long (no event, no heartbeat comment) is reopened. Default 60 s. */
  readonly idleMs?: number;
  /** Streams that fail (they are retried): reported, never thrown. */
  readonly onError?: (error: unknown) => void;
  /** The clock of the reconnect backoff and the idle bound. Default the system's. */
  readonly clock?: Clock;
}

/** Subscriptions over server-sent event streams (protocol.md §10), with the socket's resume rules. */
export interface StreamSubscriptions extends Subscriptions {
  /** Reopens every stream now, as a network failure would (each resumes from its last seq). */
  reconnect(): void;
  /** Ends every stream. */
  close(): void;
  /** Whether the server is reachable as the streams show it (stream-reachability.ts). */
  reachability(): StreamReachability;
  /** Calls `listener` after every change of {@link StreamSubscriptions.reachability}; returns the unsubscribe function. */
  onReachabilityChange(listener: (state: StreamReachability) => void): () => void;
}

interface Entry {
  readonly subscription: Subscription;
  readonly handlers: SubscriptionHandlers;
  seq: number | undefined;
  closed: boolean;
  controller: AbortController | undefined;
  /** Wakes the backoff wait early (reconnect, close). */
  wake: (() => void) | undefined;
}

// Answers that retrying cannot change: the subscription ends with the error.
const FINAL_STATUS = (status: number): boolean => status >= 400 && status < 500 && status !== 408 && status !== 429;

/**
 * One event stream per subscription, each a `GET` of its URI with `Accept: text/event-stream`,
 * read with `fetch` (so a bearer token and `Last-Event-ID` can be sent, in browsers and in
 * Node alike). A stream that ends or fails is reopened with backoff and `Last-Event-ID` set to
 * the last seq seen: the server answers `resumed` and the missed changes, or `reset` and a
 * fresh snapshot. Changes at or below the last seq are dropped, as on the socket.
 *
 * @example
 * const streams = createStreamSubscriptions({ baseUrl: 'http://localhost:3000' });
 * streams.open('/todos?done=false', { onSnapshot, onChange, onError });
 */
export function createStreamSubscriptions(options: StreamSubscriptionsOptions): StreamSubscriptions {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const clock = options.clock ?? systemClock;
  const entries = new Set<Entry>();
  let nextId = 1;
  let renewing: Promise<void> | undefined;
  const reachability = createReachabilityTracker();

  const report = (error: unknown): void => options.onError?.(error);

  const errorOf = (status: number, text: string): SynclineError => {
    let body: unknown;
    try {
      body = parseJsonSafely(text, { maxDepth: 64 });
    } catch {
      body = undefined;
    }
    const problem = problemSchema.safeParse(body);
    if (problem.success) return SynclineError.fromProblem(problem.data);
    return new SynclineError(status >= 500 ? 'unavailable' : 'bad-request', { detail: `The event stream was answered ${status}.` });
  };

  /**
   * Applies one event of an entry's stream, parsed with the protocol's schemas: a malformed
   * one throws `invalid-frame` (reported; the stream goes on), an unknown type is skipped.
   */
  const deliver = (entry: Entry, type: string, data: string): void => {
    if (entry.closed) return;
    const event = parseStreamEvent(type, data);
    switch (event?.type) {
      case 'snapshot': {
        const { headers, body } = event.data;
        const seq = Number(headers[HEADERS.seq]);
        entry.seq = seq;
        entry.handlers.onSnapshot(body, seq, headers[HEADERS.resume] === 'reset');
        return;
      }
      case 'change':
        // One event may hold several frames (one line each) on a shared stream; here, one subscription.
        for (const frame of event.data) {
          if (entry.closed) return;
          if (entry.seq !== undefined && frame.seq <= entry.seq) continue;
          entry.seq = frame.seq;
          // Named as on the socket: by the client's subscription id (the stream's own short id means nothing beyond it).
          entry.handlers.onChange({ ...frame, subscription: entry.subscription.id });
        }
        return;
      case 'error':
        // The stream ends after it; the reconnection resumes, or is answered the problem (and a final one ends the subscription).
        report(SynclineError.fromProblem(event.data.body));
        return;
      case 'resumed':
      case 'reset':
      case undefined:
        // `resumed`: the changes since the last seq follow; `reset`: a snapshot follows.
        return;
    }
  };

  /** Reads one stream until it ends, fails or goes silent. */
  const read = async (entry: Entry, body: ReadableStream<Uint8Array>, controller: AbortController): Promise<void> => {
    const idleMs = options.idleMs ?? 60_000;
    let idle = clock.setTimeout(() => controller.abort(), idleMs);
    const parser = createSseParser((event) => {
      try {
        deliver(entry, event.event, event.data);
      } catch (error) {
        report(error);
      }
    });
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done || entry.closed) return;
        clock.clearTimeout(idle);
        idle = clock.setTimeout(() => controller.abort(), idleMs);
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } finally {
      clock.clearTimeout(idle);
      reader.cancel().catch(() => {});
    }
  };

  const run = async (entry: Entry): Promise<void> => {
    let attempt = 1;
    while (!entry.closed) {
      if (attempt > 1) {
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(resolve, backoffDelay(attempt, options));
          entry.wake = () => (clock.clearTimeout(timer), resolve());
        });
        entry.wake = undefined;
        if (entry.closed) return;
      }
      const controller = new AbortController();
      entry.controller = controller;
      try {
        await renewing;
        const headers: Record<string, string> = { accept: 'text/event-stream' };
        if (entry.seq !== undefined) headers[HEADERS.lastEventId] = String(entry.seq);
        const token = await options.token?.();
        if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
        const response = await fetchImpl(new URL(entry.subscription.resource, options.baseUrl), { headers, signal: controller.signal, cache: 'no-store' });
        const type = response.headers.get('content-type') ?? '';
        if (response.status !== 200 || !type.startsWith('text/event-stream') || response.body === null) {
          const error = errorOf(response.status, await response.text());
          if (response.status === 401 && options.onSessionEnded && renewing === undefined) {
            renewing = Promise.resolve()
              .then(options.onSessionEnded)
              .catch(report)
              .finally(() => (renewing = undefined));
          } else if (FINAL_STATUS(response.status)) {
            entry.closed = true;
            entries.delete(entry);
            reachability.remove(entry);
            entry.handlers.onError(error);
            return;
          }
          throw error;
        }
        attempt = 1;
        reachability.update(entry, { connected: true, attempt });
        await read(entry, response.body, controller);
      } catch (error) {
        if (!entry.closed && !controller.signal.aborted) report(error);
      } finally {
        entry.controller = undefined;
      }
      attempt++;
      if (!entry.closed) reachability.update(entry, { connected: false, attempt });
    }
  };

  return {
    open(resource, handlers, openOptions = {}) {
      const id = `e${nextId++}`;
      const entry: Entry = {
        handlers,
        seq: openOptions.from,
        closed: false,
        controller: undefined,
        wake: undefined,
        subscription: {
          id,
          resource,
          lastSeq: () => entry.seq,
          close() {
            if (entry.closed) return;
            entry.closed = true;
            entries.delete(entry);
            reachability.remove(entry);
            entry.controller?.abort();
            entry.wake?.();
          },
        },
      };
      entries.add(entry);
      reachability.update(entry, { connected: false, attempt: 1 });
      void run(entry);
      return entry.subscription;
    },
    receive: () => false,
    forgetPositions() {
      for (const entry of entries) entry.seq = undefined;
    },
    reconnect() {
      for (const entry of entries) {
        entry.controller?.abort();
        entry.wake?.();
      }
    },
    close() {
      for (const entry of [...entries]) entry.subscription.close();
    },
    reachability: () => reachability.current(),
    onReachabilityChange: (listener) => reachability.onChange(listener),
  };
}
