import { HEADERS, type ChangeEvent, type Downstream, type SynclineError } from '@syncline/protocol';
import type { Connection } from '../connection/connection.js';
import { expectSuccess, seqOf } from '../requests/answers.js';
import type { RequestTracker } from '../requests/request-tracker.js';
import type { IncomingResponse } from '../requests/transport.js';

/** What a subscription's owner is told. */
export interface SubscriptionHandlers {
  /** A snapshot to replace the owner's copy with: the first answer, or a `reset` after a reconnect. */
  onSnapshot(body: unknown, seq: number, reset: boolean): void;
  /** A change newer than anything seen before on this subscription. */
  onChange(event: ChangeEvent): void;
  /** The SUBSCRIBE was refused (404, 400, 403…): the subscription has ended. */
  onError(error: SynclineError): void;
}

/** One subscription; it outlives sockets until closed. */
export interface Subscription {
  readonly id: string;
  readonly resource: string;
  /** The last position seen: an event's seq or the answer's `syncline-seq`. */
  lastSeq(): number | undefined;
  close(): void;
}

/** How a subscription starts: `from` resumes after a position already held (a GET's `syncline-seq`, or another transport's last seq) instead of asking for a snapshot. */
export interface OpenOptions {
  readonly from?: number | undefined;
}

export interface Subscriptions {
  open(resource: string, handlers: SubscriptionHandlers, options?: OpenOptions): Subscription;
  /** Hands a change event in; answers whether a subscription took it. */
  receive(frame: Downstream): boolean;
  /**
   * Forgets every subscription's position, so each asks for a fresh snapshot when it next
   * subscribes: the caller changed (sign-in, sign-out), and a resume would replay only the
   * changes since, leaving what the new caller may see and the old one might not unsettled.
   */
  forgetPositions(): void;
}

interface Entry {
  readonly subscription: Subscription;
  readonly handlers: SubscriptionHandlers;
  seq: number | undefined;
  /** Subscribed (or asked to be) on the current socket. */
  active: boolean;
  /** Its SUBSCRIBE was answered on the current socket. */
  ready: boolean;
  closed: boolean;
}

/**
 * Subscriptions that survive reconnects (protocol.md §6): each remembers the last `seq`
 * it saw and, on every new socket, subscribes again with `last-event-id`; a `reset` answer
 * hands over a fresh snapshot. Events at or below the last seq are dropped, so a replay
 * that overlaps what was seen causes no duplicate.
 *
 * @example
 * const subscription = subscriptions.open('/todos?done=false', { onSnapshot, onChange, onError });
 * subscription.close(); // UNSUBSCRIBE
 */
export function createSubscriptions(connection: Connection, tracker: RequestTracker): Subscriptions {
  const entries = new Map<string, Entry>();
  let nextId = 1;

  const unsubscribe = (id: string): void => {
    const ignore = { onResponse: () => {}, onError: () => {} };
    // The answer does not matter: a closed subscription's events are dropped either way.
    tracker.send({ method: 'UNSUBSCRIBE', resource: '/', headers: { [HEADERS.subscription]: id } }, ignore);
  };

  const answered = (entry: Entry, response: IncomingResponse): void => {
    const { id } = entry.subscription;
    entry.ready = true;
    if (entry.closed) return unsubscribe(id);
    const seq = seqOf(response) ?? entry.seq ?? 0;
    const resume = response.headers[HEADERS.resume];
    if (resume === 'resumed') return;
    entry.seq = seq;
    entry.handlers.onSnapshot(response.body, seq, resume === 'reset');
  };

  const activate = (entry: Entry): void => {
    entry.active = true;
    entry.ready = false;
    const headers: Record<string, string> = entry.seq === undefined ? {} : { [HEADERS.lastEventId]: String(entry.seq) };
    const { id, resource } = entry.subscription;
    tracker.send({ method: 'SUBSCRIBE', resource, headers }, {
      onResponse(response) {
        try {
          answered(entry, expectSuccess(response));
        } catch (error) {
          entries.delete(id);
          entry.closed = true;
          entry.handlers.onError(error as SynclineError);
        }
      },
      // The socket was lost (or the answer timed out): the next socket subscribes again.
      onError: () => void (entry.active = false),
    }, { id });
  };

  connection.onStateChange((state) => {
    for (const entry of entries.values()) {
      if (state.kind !== 'open') entry.active = entry.ready = false;
      else if (!entry.active) activate(entry);
    }
  });

  return {
    open(resource, handlers, options = {}) {
      const id = `s${nextId++}`;
      const entry: Entry = {
        handlers,
        seq: options.from,
        active: false,
        ready: false,
        closed: false,
        subscription: {
          id,
          resource,
          lastSeq: () => entry.seq,
          close() {
            if (entry.closed) return;
            entry.closed = true;
            entries.delete(id);
            // Still waiting for the answer: `answered` unsubscribes once it comes.
            if (entry.ready) unsubscribe(id);
          },
        },
      };
      entries.set(id, entry);
      if (connection.state().kind === 'open') activate(entry);
      return entry.subscription;
    },
    receive(frame) {
      if (!('event' in frame) || frame.event !== 'change') return false;
      const entry = entries.get(String(frame.subscription));
      if (!entry || entry.closed) return false;
      if (entry.seq !== undefined && frame.seq <= entry.seq) return true;
      entry.seq = frame.seq;
      entry.handlers.onChange(frame);
      return true;
    },
    forgetPositions() {
      for (const entry of entries.values()) entry.seq = undefined;
    },
  };
}
