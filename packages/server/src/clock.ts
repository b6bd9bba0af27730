import type { Clock, TimerHandle } from '@syncline/protocol';

export type { Clock, TimerHandle };

/** Node's timers take at most this many milliseconds; a longer delay would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

const delayOf = (ms: number): number => Math.min(Math.max(0, ms), MAX_DELAY_MS);

/**
 * The server's real clock: `Date.now()` and Node's timers, unref'd, so no timer of the server ever keeps
 * a process alive (its sockets and servers do). Delays are clamped to what Node's timers take.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, delayOf(ms)).unref() as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as NodeJS.Timeout | undefined),
  setInterval: (fn, ms) => setInterval(fn, delayOf(ms)).unref() as unknown as TimerHandle,
  clearInterval: (handle) => clearInterval(handle as unknown as NodeJS.Timeout | undefined),
};

/**
 * Resolves once `ms` have passed on `clock`.
 *
 * @example
 * await waitOn(clock, 250); // a held sign-in's turn
 */
export function waitOn(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms);
  });
}

/**
 * A clock that asks `current` for the clock to use at each call: for a part made before the
 * server that gives it its clock (the password sign-in, bound later).
 */
export function deferredClock(current: () => Clock): Clock {
  return {
    now: () => current().now(),
    setTimeout: (fn, ms) => current().setTimeout(fn, ms),
    clearTimeout: (handle) => current().clearTimeout(handle),
    setInterval: (fn, ms) => current().setInterval(fn, ms),
    clearInterval: (handle) => current().clearInterval(handle),
  };
}
