/**
 * Whether the server is reachable, as a set of event streams shows it:
 * - `open`: at least one stream is connected (the server answered it with an event stream);
 * - `connecting { attempt }`: none is connected and at least one failed (ended, refused, no
 *   answer); `attempt` is the highest retry under way or waited for, as the socket counts them;
 * - `unknown`: every stream is still on its first attempt: nothing has shown either way yet;
 * - `idle`: no stream is open.
 *
 * @example
 * streams.onReachabilityChange((state) => state.kind === 'connecting' && showOffline());
 */
export type StreamReachability =
  | { readonly kind: 'open' }
  | { readonly kind: 'connecting'; readonly attempt: number }
  | { readonly kind: 'unknown' }
  | { readonly kind: 'idle' };

/** Follows the reachability of a set of streams; notifies only when it changes. */
export interface ReachabilityTracker {
  current(): StreamReachability;
  /** A stream connected (`attempt` 1 from then on) or failed and waits for `attempt`. */
  update(stream: object, status: { readonly connected: boolean; readonly attempt: number }): void;
  /** A stream was closed for good. */
  remove(stream: object): void;
  onChange(listener: (state: StreamReachability) => void): () => void;
}

const UNKNOWN: StreamReachability = Object.freeze({ kind: 'unknown' });
const IDLE: StreamReachability = Object.freeze({ kind: 'idle' });
const OPEN: StreamReachability = Object.freeze({ kind: 'open' });

/**
 * Creates a tracker: one stream connected means the server is reachable, whatever the others
 * say (one may be retrying after a 503 of its own); all of them failing means it is not.
 *
 * @example
 * const reachability = createReachabilityTracker();
 * reachability.update(entry, { connected: false, attempt: 2 }); // → connecting { attempt: 2 }
 */
export function createReachabilityTracker(): ReachabilityTracker {
  const streams = new Map<object, { readonly connected: boolean; readonly attempt: number }>();
  const listeners = new Set<(state: StreamReachability) => void>();
  let state = IDLE;

  const compute = (): StreamReachability => {
    if (streams.size === 0) return IDLE;
    let highest = 1;
    for (const status of streams.values()) {
      if (status.connected) return OPEN;
      highest = Math.max(highest, status.attempt);
    }
    return highest > 1 ? { kind: 'connecting', attempt: highest } : UNKNOWN;
  };
  const settle = (): void => {
    const next = compute();
    if (next.kind === state.kind && (next.kind !== 'connecting' || (state.kind === 'connecting' && state.attempt === next.attempt))) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };

  return {
    current: () => state,
    update(stream, status) {
      streams.set(stream, status);
      settle();
    },
    remove(stream) {
      if (streams.delete(stream)) settle();
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
