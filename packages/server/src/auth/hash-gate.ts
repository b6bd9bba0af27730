import { SynclineError } from '@syncline/protocol';

/** Who asks for a password hash: a sign-in (checking one) is served before a sign-up (making one). */
export type HashPriority = 'sign-in' | 'sign-up';

export interface HashGateOptions {
  /** Hashes computed at once. Each scrypt takes a thread of libuv's pool and its memory (32 MiB by default). */
  readonly concurrency: number;
  /** Hashes that may wait for a turn, per priority; beyond, 503 `unavailable` with `Retry-After`. */
  readonly maxQueued: number;
}

/**
 * Bounds the password hashing running at once, so a flood of sign-ups cannot take every
 * core (and libuv's threads, which file and DNS work share) from everyone else. Sign-ins go
 * first, and sign-ups never hold the last free slot when there are two or more. Within a
 * priority, waiting hashes take turns by client address (the address served longest ago
 * goes first), so one address's many requests delay another address's one by at most a
 * hash per slot, never by the whole queue.
 *
 * @example
 * const gate = createHashGate({ concurrency: 2, maxQueued: 32 });
 * const hash = await gate.run('sign-up', '203.0.113.7', () => hashPassword(password));
 */
export interface HashGate {
  /** Runs `hash` when a slot is free and it is `address`'s turn; throws `unavailable` (503) at once when too many already wait. */
  run<T>(priority: HashPriority, address: string, hash: () => Promise<T>): Promise<T>;
  /** Hashes running and waiting, for tests and stats. */
  readonly load: { readonly running: number; readonly queued: Readonly<Record<HashPriority, number>> };
}

/** Waiting hashes of one priority: a queue per address, the addresses in turn order. */
interface Queue {
  readonly byAddress: Map<string, Array<() => void>>;
  size: number;
}

export function createHashGate(options: HashGateOptions): HashGate {
  const concurrency = Math.max(1, options.concurrency);
  // With two slots or more, one is always kept for sign-ins.
  const signUpSlots = concurrency >= 2 ? concurrency - 1 : concurrency;
  const queues: Record<HashPriority, Queue> = { 'sign-in': { byAddress: new Map(), size: 0 }, 'sign-up': { byAddress: new Map(), size: 0 } };
  const running: Record<HashPriority, number> = { 'sign-in': 0, 'sign-up': 0 };
  // Per address with a hash running or waiting: how many run, and the number of its last turn.
  const turns = new Map<string, { running: number; last: number }>();
  let turnCount = 0;
  const started = (address: string): void => {
    const entry = turns.get(address) ?? { running: 0, last: 0 };
    entry.running++;
    entry.last = ++turnCount;
    turns.set(address, entry);
  };
  const finished = (address: string): void => {
    const entry = turns.get(address);
    if (entry === undefined) return;
    entry.running--;
    const waiting = queues['sign-in'].byAddress.has(address) || queues['sign-up'].byAddress.has(address);
    if (entry.running <= 0 && !waiting) turns.delete(address);
  };

  const mayStart = (priority: HashPriority): boolean =>
    running['sign-in'] + running['sign-up'] < concurrency && (priority === 'sign-in' || running['sign-up'] < signUpSlots);

  /** Gives the turn to the waiting address whose last turn is the oldest (one that never had one first). */
  const takeTurn = (queue: Queue): (() => void) | undefined => {
    let chosen: string | undefined;
    for (const address of queue.byAddress.keys()) {
      if (chosen === undefined || (turns.get(address)?.last ?? 0) < (turns.get(chosen)?.last ?? 0)) chosen = address;
    }
    const waiters = chosen === undefined ? undefined : queue.byAddress.get(chosen);
    if (chosen === undefined || waiters === undefined) return undefined;
    const start = waiters.shift();
    if (waiters.length === 0) queue.byAddress.delete(chosen);
    queue.size--;
    return start;
  };

  const next = (): void => {
    for (const priority of ['sign-in', 'sign-up'] as const) {
      while (queues[priority].size > 0 && mayStart(priority)) takeTurn(queues[priority])?.();
    }
  };

  return {
    async run(priority, address, hash) {
      const queue = queues[priority];
      if (!mayStart(priority) || queue.size > 0) {
        if (queue.size >= options.maxQueued) {
          throw new SynclineError('unavailable', { detail: 'The server is busy checking passwords; try again shortly.', headers: { 'retry-after': '1' } });
        }
        // The slot is taken when the turn is given (in `next`), before this resumes, so none is given twice.
        await new Promise<void>((resolve) => {
          const waiters = queue.byAddress.get(address) ?? [];
          waiters.push(() => {
            running[priority]++;
            started(address);
            resolve();
          });
          queue.byAddress.set(address, waiters);
          queue.size++;
        });
      } else {
        running[priority]++;
        started(address);
      }
      try {
        return await hash();
      } finally {
        running[priority]--;
        finished(address);
        next();
      }
    },
    get load() {
      return { running: running['sign-in'] + running['sign-up'], queued: { 'sign-in': queues['sign-in'].size, 'sign-up': queues['sign-up'].size } };
    },
  };
}
