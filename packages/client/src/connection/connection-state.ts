/**
 * Where the connection stands. A discriminated union handled with exhaustive switches:
 * `connecting` covers both the backoff wait and the handshake, `open` starts at the
 * server's `hello`, and `closed` is final (the client was closed, or the server said
 * the client itself is at fault).
 *
 * @example
 * client.onStateChange((state) => {
 *   if (state.kind === 'connecting') console.log(`connecting, attempt ${state.attempt}`);
 * });
 */
export type ConnectionState =
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'open' }
  | { readonly kind: 'closed'; readonly reason: string };

/** Listens to state changes; returns nothing. */
export type ConnectionStateListener = (state: ConnectionState) => void;

/** Backoff settings: the delay before attempt `n` (n ≥ 2) is drawn from [0, min(max, min·2^(n-2))]. */
export interface BackoffOptions {
  /** The cap of the first retry's delay. Default 250 ms. */
  readonly minDelayMs?: number;
  /** The largest delay. Default 30 s. */
  readonly maxDelayMs?: number;
  /** A source of numbers in [0, 1), for tests. Default `Math.random`. */
  readonly random?: () => number;
}

/**
 * The delay before a connection attempt, with exponential growth and full jitter (AWS
 * architecture blog, "Exponential backoff and jitter"): spreading retries uniformly keeps
 * a crowd of clients that lost one server from reconnecting to the next all at once.
 * The first attempt waits for nothing.
 *
 * @example
 * backoffDelay(3, { minDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 }); // 100
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  if (attempt <= 1) return 0;
  const min = options.minDelayMs ?? 250;
  const max = options.maxDelayMs ?? 30_000;
  const cap = Math.min(max, min * 2 ** (attempt - 2));
  return Math.floor((options.random ?? Math.random)() * cap);
}

/**
 * A description of a state for messages, checked exhaustively.
 *
 * @example
 * describeState({ kind: 'connecting', attempt: 3 }); // 'connecting (attempt 3)'
 */
export function describeState(state: ConnectionState): string {
  switch (state.kind) {
    case 'connecting':
      return `connecting (attempt ${state.attempt})`;
    case 'open':
      return 'open';
    case 'closed':
      return `closed: ${state.reason}`;
    default:
      return assertNever(state);
  }
}

/** Makes a switch over a union fail to compile when a case is missing. */
export function assertNever(value: never): never {
  throw new TypeError(`Unexpected value: ${JSON.stringify(value)}`);
}
