import { systemClock } from '../clock.js';

/** A rate limit: `take()` spends one token if there is one. */
export interface TokenBucket {
  /** True when `count` tokens (default 1) were available (and are now spent); false spends nothing. */
  take(count?: number): boolean;
  /** Milliseconds until `count` tokens (default 1) are available. */
  waitMs(count?: number): number;
}

/**
 * A token bucket: it holds at most `burst` tokens, starts full, and refills at
 * `perSecond` tokens a second. A client may send `burst` messages at once, then
 * `perSecond` a second.
 *
 * @example
 * const bucket = createTokenBucket(100, 200);
 * if (!bucket.take()) refuse();
 */
export function createTokenBucket(perSecond: number, burst: number, now: () => number = systemClock.now): TokenBucket {
  const capacity = Math.max(1, burst);
  let tokens = capacity;
  let last = now();
  const refill = (): void => {
    const time = now();
    // A wall clock set back (the server's clock is Date.now by default) refills nothing, and takes nothing away.
    tokens = Math.min(capacity, tokens + (Math.max(0, time - last) * perSecond) / 1000);
    last = time;
  };
  // More than the bucket holds is charged as a full bucket: it can still pass, once, when nothing else was spent.
  const cost = (count: number): number => Math.min(capacity, Math.max(0, count));
  return {
    take(count = 1) {
      refill();
      const wanted = cost(count);
      if (tokens < wanted) return false;
      tokens -= wanted;
      return true;
    },
    waitMs(count = 1) {
      refill();
      const wanted = cost(count);
      return tokens >= wanted ? 0 : Math.ceil(((wanted - tokens) * 1000) / perSecond);
    },
  };
}
