import type { Clock, TimerHandle } from '@syncline/protocol';

export type { Clock, TimerHandle };

/** Timers take at most this many milliseconds; a longer delay would fire at once. */
const MAX_DELAY_MS = 2 ** 31 - 1;

const delayOf = (ms: number): number => Math.min(Math.max(0, ms), MAX_DELAY_MS);

/**
 * The client's real clock: `Date.now()` and the platform's timers (a browser's, or Node's,
 * which keep a Node program alive while the client waits to reconnect or retry, as a client
 * should). Delays are clamped to what timers take.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, delayOf(ms)) as unknown as TimerHandle,
  clearTimeout: (handle) => clearTimeout(handle as unknown as ReturnType<typeof setTimeout> | undefined),
  setInterval: (fn, ms) => setInterval(fn, delayOf(ms)) as unknown as TimerHandle,
  clearInterval: (handle) => clearInterval(handle as unknown as ReturnType<typeof setInterval> | undefined),
};
