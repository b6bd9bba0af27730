import type { JsonRecord } from '../requests/answers.js';
import type { PendingWrite } from './offline-types.js';

/** The outbox's size for user interfaces ("offline, 3 changes waiting"). */
export interface OutboxView {
  /** How many writes wait to be acknowledged. */
  size(): number;
  /**
   * False once the sender found the server unreachable (a write or a reconcile got no answer),
   * true again at the next answer: "Offline, 3 changes waiting" against "Sending 3 changes…".
   */
  reachable(): boolean;
  /**
   * Calls `listener` with the size after every change of the size, of `reachable()` or of the
   * conflicts held for the user (`client.conflicts()`); returns the unsubscribe function.
   */
  subscribe(listener: (size: number) => void): () => void;
}

/**
 * The pending writes in memory, in send order (`order`, then key), mirroring what is
 * persisted; and the promises of the calls that made them, which settle when the write is
 * acknowledged or refused (a write replaced by a conflict's write-back hands its callers on).
 *
 * @example
 * const outbox = createOutbox();
 * outbox.subscribe((size) => render(`${size} changes waiting`));
 */
export interface Outbox extends OutboxView {
  all(): readonly PendingWrite[];
  first(): PendingWrite | undefined;
  forUri(uri: string): PendingWrite[];
  get(key: string): PendingWrite | undefined;
  /** Replaces the whole list (after reading it from persistence). */
  replace(writes: readonly PendingWrite[]): void;
  put(write: PendingWrite): void;
  remove(keys: readonly string[]): void;
  /** An `order` after every write known here (several tabs: ties are broken by key). */
  nextOrder(): number;
  /** A promise that settles with the write identified by `key`. */
  wait(key: string): Promise<JsonRecord | null>;
  settle(key: string, outcome: { readonly record: JsonRecord | null } | { readonly error: Error }): void;
  /** Moves the callers waiting on `from` to `to`. */
  handOn(from: readonly string[], to: string): void;
  /** The sender's finding: whether the server answered its last request. */
  setReachable(reachable: boolean): void;
  /** Tells the listeners that the held conflicts changed (one held, resolved, or read from another tab). */
  conflictsChanged(): void;
  /** Rejects every caller still waiting (the client closed; the writes stay persisted). */
  abandon(error: Error): void;
}

interface Waiter {
  resolve(record: JsonRecord | null): void;
  reject(error: Error): void;
}

/**
 * Creates an empty outbox (the replica fills it from persistence).
 *
 * @example
 * const outbox = createOutbox();
 * const settled = outbox.wait(write.key);
 * outbox.put(write);
 */
export function createOutbox(): Outbox {
  let writes: PendingWrite[] = [];
  let lastOrder = 0;
  let reachable = true;
  const listeners = new Set<(size: number) => void>();
  const waiters = new Map<string, Waiter[]>();
  const notify = (): void => {
    for (const listener of [...listeners]) listener(writes.length);
  };
  const changed = (): void => {
    writes.sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const write of writes) lastOrder = Math.max(lastOrder, write.order);
    notify();
  };
  return {
    size: () => writes.length,
    reachable: () => reachable,
    setReachable(value) {
      if (value === reachable) return;
      reachable = value;
      notify();
    },
    conflictsChanged: notify,
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    all: () => writes,
    first: () => writes[0],
    forUri: (uri) => writes.filter((write) => write.uri === uri),
    get: (key) => writes.find((write) => write.key === key),
    replace(next) {
      writes = [...next];
      changed();
    },
    put(write) {
      writes = [...writes.filter((other) => other.key !== write.key), write];
      changed();
    },
    remove(keys) {
      if (keys.length === 0) return;
      writes = writes.filter((write) => !keys.includes(write.key));
      changed();
    },
    nextOrder() {
      // Microseconds of wall-clock time, so writes made in several tabs sharing the outbox are
      // sent in the order they were made (not merely by millisecond, which ties), and never
      // below a write this tab made before.
      lastOrder = Math.max(lastOrder + 1, nowMicros());
      return lastOrder;
    },
    wait(key) {
      return new Promise((resolve, reject) => {
        waiters.set(key, [...(waiters.get(key) ?? []), { resolve, reject }]);
      });
    },
    settle(key, outcome) {
      const waiting = waiters.get(key) ?? [];
      waiters.delete(key);
      for (const waiter of waiting) {
        if ('error' in outcome) waiter.reject(outcome.error);
        else waiter.resolve(outcome.record);
      }
    },
    handOn(from, to) {
      const moved = from.flatMap((key) => waiters.get(key) ?? []);
      for (const key of from) waiters.delete(key);
      if (moved.length > 0) waiters.set(to, [...(waiters.get(to) ?? []), ...moved]);
    },
    abandon(error) {
      const waiting = [...waiters.values()].flat();
      waiters.clear();
      for (const waiter of waiting) waiter.reject(error);
    },
  };
}

/** Wall-clock time in whole microseconds (a safe integer until the year 2255). */
function nowMicros(): number {
  const clock = globalThis.performance;
  return Math.floor((clock ? clock.timeOrigin + clock.now() : Date.now()) * 1000);
}
