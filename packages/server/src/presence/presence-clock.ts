/**
 * The time presence runs on: when an entry was last heard of, and the refresh tick. Tests
 * pass a manual clock and move it forward instead of waiting.
 *
 * @example
 * const stop = clock.every(10_000, () => refresh());
 * const age = clock.now() - seenAt;
 */
export interface PresenceClock {
  /** Milliseconds, only ever compared with each other. */
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

/** The real clock: `Date.now()` and an unref'd interval (it never keeps a process alive). */
export const systemClock: PresenceClock = {
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};
