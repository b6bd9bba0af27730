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
 * first, and sign-ups never hold the last free slot when there are two or more, so a flood
 * of sign-ups delays another user's sign-in by at most one hash, never by the whole queue.
 *
 * @example
 * const gate = createHashGate({ concurrency: 2, maxQueued: 32 });
 * const hash = await gate.run('sign-up', () => hashPassword(password));
 */
export interface HashGate {
  /** Runs `hash` when a slot is free; throws `unavailable` (503) at once when too many already wait. */
  run<T>(priority: HashPriority, hash: () => Promise<T>): Promise<T>;
  /** Hashes running and waiting, for tests and stats. */
  readonly load: { readonly running: number; readonly queued: Readonly<Record<HashPriority, number>> };
}

export function createHashGate(options: HashGateOptions): HashGate {
  const concurrency = Math.max(1, options.concurrency);
  // With two slots or more, one is always kept for sign-ins.
  const signUpSlots = concurrency >= 2 ? concurrency - 1 : concurrency;
  const queues: Record<HashPriority, Array<() => void>> = { 'sign-in': [], 'sign-up': [] };
  const running: Record<HashPriority, number> = { 'sign-in': 0, 'sign-up': 0 };

  const mayStart = (priority: HashPriority): boolean =>
    running['sign-in'] + running['sign-up'] < concurrency && (priority === 'sign-in' || running['sign-up'] < signUpSlots);

  const next = (): void => {
    for (const priority of ['sign-in', 'sign-up'] as const) {
      while (queues[priority].length > 0 && mayStart(priority)) queues[priority].shift()?.();
    }
  };

  return {
    async run(priority, hash) {
      if (!mayStart(priority) || queues[priority].length > 0) {
        if (queues[priority].length >= options.maxQueued) {
          throw new SynclineError('unavailable', { detail: 'The server is busy checking passwords; try again shortly.', headers: { 'retry-after': '1' } });
        }
        // The slot is taken when the turn is given (in `next`), before this resumes, so none is given twice.
        await new Promise<void>((resolve) =>
          queues[priority].push(() => {
            running[priority]++;
            resolve();
          }),
        );
      } else {
        running[priority]++;
      }
      try {
        return await hash();
      } finally {
        running[priority]--;
        next();
      }
    },
    get load() {
      return { running: running['sign-in'] + running['sign-up'], queued: { 'sign-in': queues['sign-in'].length, 'sign-up': queues['sign-up'].length } };
    },
  };
}
