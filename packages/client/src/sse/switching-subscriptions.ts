import type { ChangeEvent } from '@syncline/protocol';
import type { Subscription, SubscriptionHandlers, Subscriptions } from '../subscriptions/subscriptions.js';

export type LiveTransport = 'socket' | 'sse';

/** Subscriptions that move between the socket and event streams without losing or repeating a change. */
export interface SwitchingSubscriptions extends Subscriptions {
  readonly current: LiveTransport;
  /** Moves every subscription to `to`: each resumes there from the last seq it saw. */
  switchTo(to: LiveTransport): void;
}

interface Entry {
  readonly resource: string;
  readonly handlers: SubscriptionHandlers;
  seq: number | undefined;
  inner: Subscription;
  closed: boolean;
}

/**
 * Keeps each subscription's last seq across transports: moving closes it on one and opens it
 * on the other with `last-event-id` set to that seq (a fresh snapshot when it had none yet),
 * so the server sends what came since; events at or below the seq are dropped.
 *
 * @example
 * const live = createSwitchingSubscriptions({ socket, sse: streams }, 'socket');
 * live.switchTo('sse'); // the socket cannot be opened
 */
export function createSwitchingSubscriptions(targets: Record<LiveTransport, Subscriptions>, initial: LiveTransport): SwitchingSubscriptions {
  const entries = new Set<Entry>();
  let current = initial;
  let nextId = 1;

  const wrap = (entry: Entry): SubscriptionHandlers => ({
    onSnapshot(body, seq, reset) {
      entry.seq = seq;
      entry.handlers.onSnapshot(body, seq, reset);
    },
    onChange(event: ChangeEvent) {
      if (entry.seq !== undefined && event.seq <= entry.seq) return;
      entry.seq = event.seq;
      entry.handlers.onChange(event);
    },
    onError(error) {
      entry.closed = true;
      entries.delete(entry);
      entry.handlers.onError(error);
    },
  });

  const attach = (entry: Entry): Subscription => targets[current].open(entry.resource, wrap(entry), { from: entry.seq });

  return {
    get current() {
      return current;
    },
    switchTo(to) {
      if (to === current) return;
      current = to;
      for (const entry of entries) {
        entry.inner.close();
        entry.inner = attach(entry);
      }
    },
    open(resource, handlers, options = {}) {
      const id = `l${nextId++}`;
      const entry: Entry = { resource, handlers, seq: options.from, closed: false, inner: undefined as unknown as Subscription };
      entry.inner = attach(entry);
      entries.add(entry);
      return {
        id,
        resource,
        lastSeq: () => entry.seq,
        close() {
          if (entry.closed) return;
          entry.closed = true;
          entries.delete(entry);
          entry.inner.close();
        },
      };
    },
    receive: (frame) => targets.socket.receive(frame),
    forgetPositions() {
      for (const entry of entries) entry.seq = undefined;
      targets.socket.forgetPositions();
      targets.sse.forgetPositions();
    },
  };
}
