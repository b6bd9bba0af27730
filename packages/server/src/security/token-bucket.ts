/** A rate limit: `take()` spends one token if there is one. */
export interface TokenBucket {
  /** True when a token was available (and is now spent). */
  take(): boolean;
  /** Milliseconds until the next token. */
  waitMs(): number;
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
export function createTokenBucket(perSecond: number, burst: number, now: () => number = () => performance.now()): TokenBucket {
  const capacity = Math.max(1, burst);
  let tokens = capacity;
  let last = now();
  const refill = (): void => {
    const time = now();
    tokens = Math.min(capacity, tokens + ((time - last) * perSecond) / 1000);
    last = time;
  };
  return {
    take() {
      refill();
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
    waitMs() {
      refill();
      return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) * 1000) / perSecond);
    },
  };
}
