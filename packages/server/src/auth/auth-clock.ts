/**
 * The time the sign-in limits run on: when a window of failures ends, and how long a sign-in
 * is held before its password is checked. Tests pass a manual clock and move it by hand
 * instead of waiting.
 *
 * @example
 * const clock: AuthClock = { now: () => t, wait: (ms) => manual.after(ms) };
 * createPasswordAuth({ clock });
 */
export interface AuthClock {
  /** Milliseconds, only ever compared with each other. */
  now(): number;
  /** Resolves once `ms` have passed on this clock. */
  wait(ms: number): Promise<void>;
}

/** The real clock: `Date.now()` and an unref'd timer (a held sign-in never keeps a process alive). */
export const systemAuthClock: AuthClock = {
  now: () => Date.now(),
  wait: (ms) =>
    new Promise((resolve) => {
      setTimeout(resolve, ms).unref();
    }),
};
