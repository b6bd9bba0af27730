/**
 * Counts failed sign-ins per key (a username, a client address) in fixed windows; past the
 * bound, sign-in answers 429 with `Retry-After` until the window ends. Per process: with
 * several processes an attacker gets the bound once per process, which the per-username
 * count still keeps small.
 */
export interface SignInLimiter {
  /** Seconds to wait, or 0 when the key may try. */
  retryAfter(key: string, now?: number): number;
  fail(key: string, now?: number): void;
  succeed(key: string): void;
}

interface Window {
  count: number;
  endsAt: number;
}

const MAX_TRACKED = 100_000;

export function createSignInLimiter(maxFailures: number, windowMs: number): SignInLimiter {
  const windows = new Map<string, Window>();
  const current = (key: string, now: number): Window | undefined => {
    const window = windows.get(key);
    if (window !== undefined && window.endsAt <= now) {
      windows.delete(key);
      return undefined;
    }
    return window;
  };
  return {
    retryAfter(key, now = Date.now()) {
      const window = current(key, now);
      return window !== undefined && window.count >= maxFailures ? Math.ceil((window.endsAt - now) / 1000) : 0;
    },
    fail(key, now = Date.now()) {
      const window = current(key, now);
      if (window) {
        window.count++;
        return;
      }
      // Bounded memory under a flood of distinct names: the oldest windows go first.
      if (windows.size >= MAX_TRACKED) windows.delete(windows.keys().next().value as string);
      windows.set(key, { count: 1, endsAt: now + windowMs });
    },
    succeed(key) {
      windows.delete(key);
    },
  };
}
