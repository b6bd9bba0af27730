declare const timerBrand: unique symbol;

/** A timer set on a {@link Clock}; only that clock's `clearTimeout`/`clearInterval` take it. */
export type TimerHandle = { readonly [timerBrand]: true };

/**
 * The time source of a server or a client: every part that reads the time or sets a timer
 * takes it from one `clock` option (`createSyncline`'s, `createClient`'s), so tests pass a
 * manual clock (`createManualClock()` from `@syncline/server/testing`) and move time by hand
 * instead of waiting. Each side has its `systemClock`.
 *
 * @example
 * const timer = clock.setInterval(() => probe(), 1000);
 * const age = clock.now() - seenAt;
 * clock.clearInterval(timer);
 */
export interface Clock {
  /** Milliseconds since the epoch (session expiries and saved answers store it). */
  now(): number;
  /** Calls `fn` once, `ms` from now. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
  /** Calls `fn` every `ms` until cleared. */
  setInterval(fn: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | undefined): void;
}
