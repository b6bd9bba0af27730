import type { Clock } from '../clock.js';

/** What the sign-in and sign-up limits remember about one key, until `endsAt`. */
export interface LedgerEntry {
  count: number;
  /** On the ledger's clock; the entry is forgotten from then on. */
  readonly endsAt: number;
}

/**
 * Counts in fixed windows, by key (a username and address, an address, a username), for the
 * sign-in and sign-up limits. Every kind of key shares one bound on entries: when it is
 * reached, the entry counted least recently is forgotten first, so a flood of distinct names
 * or addresses costs a bounded amount of memory whatever it sends.
 *
 * @example
 * const ledger = createAttemptLedger({ maxEntries: 100_000, clock });
 * ledger.add('address 10.0.0.1', 15 * 60_000);
 * ledger.count('address 10.0.0.1'); // 1
 */
export interface AttemptLedger {
  /** The entry in its window, or undefined (never recorded, ended, or evicted). */
  get(key: string): LedgerEntry | undefined;
  count(key: string): number;
  /** Adds `by` (default 1) to the key's count, opening a window of `windowMs` when it has none. */
  add(key: string, windowMs: number, by?: number): LedgerEntry;
  /** Replaces the key's entry; it becomes the newest. */
  set(key: string, entry: LedgerEntry): void;
  /** Takes one off the count (an attempt that turned out not to be a failure). */
  refund(key: string): void;
  delete(key: string): void;
  /** Milliseconds until the key's window ends (0 when it has none). */
  remainingMs(key: string): number;
  readonly size: number;
}

export interface AttemptLedgerOptions {
  /** Entries kept at most, over every kind of key. */
  readonly maxEntries: number;
  readonly clock: Clock;
}

export function createAttemptLedger(options: AttemptLedgerOptions): AttemptLedger {
  // A Map iterates in insertion order: its first key is the oldest entry.
  const entries = new Map<string, LedgerEntry>();
  const live = (key: string): LedgerEntry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.endsAt <= options.clock.now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };
  const insert = (key: string, entry: LedgerEntry): void => {
    entries.delete(key);
    while (entries.size >= options.maxEntries) entries.delete(entries.keys().next().value as string);
    entries.set(key, entry);
  };
  return {
    get: live,
    count: (key) => live(key)?.count ?? 0,
    add(key, windowMs, by = 1) {
      const entry = live(key);
      if (entry !== undefined) {
        entry.count += by;
        // Touched: it becomes the newest, so an address or name still counting is the last to be forgotten.
        insert(key, entry);
        return entry;
      }
      const created = { count: by, endsAt: options.clock.now() + windowMs };
      insert(key, created);
      return created;
    },
    set: insert,
    refund(key) {
      const entry = live(key);
      if (entry === undefined) return;
      entry.count = Math.max(0, entry.count - 1);
    },
    delete(key) {
      entries.delete(key);
    },
    remainingMs(key) {
      const entry = live(key);
      return entry === undefined ? 0 : entry.endsAt - options.clock.now();
    },
    get size() {
      return entries.size;
    },
  };
}
