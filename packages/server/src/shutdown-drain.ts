import { systemClock, type Clock } from './clock.js';

/**
 * Counts the operations being answered, so a shutdown can wait for them: a write that was
 * accepted gets its answer before the sockets close with 1001 and storage closes.
 */
export interface Drain {
  /** Counts `work` as in flight until it settles; returns it unchanged. */
  track<T>(work: Promise<T>): Promise<T>;
  readonly inFlight: number;
  /** Resolves true once nothing is in flight, or false after `timeoutMs` with work still running. */
  idle(timeoutMs: number): Promise<boolean>;
}

/**
 * Creates the in-flight counter a server's `close()` drains.
 *
 * @example
 * const drain = createDrain();
 * const outcome = await drain.track(executor.execute(op));
 * await drain.idle(10_000); // in close()
 */
export function createDrain(clock: Clock = systemClock): Drain {
  let inFlight = 0;
  let waiters: Array<() => void> = [];
  const settle = (): void => {
    inFlight--;
    if (inFlight > 0) return;
    for (const wake of waiters.splice(0)) wake();
  };
  return {
    track(work) {
      inFlight++;
      work.then(settle, settle);
      return work;
    },
    get inFlight() {
      return inFlight;
    },
    idle(timeoutMs) {
      if (inFlight === 0) return Promise.resolve(true);
      return new Promise((resolve) => {
        const timer = clock.setTimeout(() => {
          waiters = waiters.filter((waiter) => waiter !== wake);
          resolve(false);
        }, timeoutMs);
        const wake = (): void => {
          clock.clearTimeout(timer);
          resolve(true);
        };
        waiters.push(wake);
      });
    },
  };
}
