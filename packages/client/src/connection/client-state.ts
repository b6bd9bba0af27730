import type { StreamReachability } from '../sse/stream-reachability.js';
import type { ConnectionState, ConnectionStateListener } from './connection-state.js';

/** The state a client reports, whichever transport carries its live views. */
export interface ClientState {
  current(): ConnectionState;
  /** Moves to `next` and tells the listeners, unless it is the state already or the client is closed. */
  publish(next: ConnectionState): void;
  onChange(listener: ConnectionStateListener): () => void;
}

/**
 * Creates the client's state: listeners hear each change once, so a move between the socket
 * and event streams that keeps the server reachable is no new `open`, and nothing follows `closed`.
 *
 * @example
 * const state = createClientState({ kind: 'connecting', attempt: 1 });
 * state.publish({ kind: 'open' }); // listeners called
 * state.publish({ kind: 'open' }); // not again
 */
export function createClientState(initial: ConnectionState): ClientState {
  let current = initial;
  const listeners = new Set<ConnectionStateListener>();
  return {
    current: () => current,
    publish(next) {
      if (current.kind === 'closed' || sameState(current, next)) return;
      current = next;
      for (const listener of [...listeners]) listener(next);
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/**
 * The client's state while event streams carry its live views, or `undefined` while they
 * have shown nothing yet (the state stays as it was). With no stream open, the client counts
 * as `open`: requests go over HTTP and fail on their own when the server is out of reach.
 *
 * @example
 * stateOfStreams({ kind: 'connecting', attempt: 3 }); // { kind: 'connecting', attempt: 3 }
 */
export function stateOfStreams(reachability: StreamReachability): ConnectionState | undefined {
  switch (reachability.kind) {
    case 'open':
    case 'connecting':
      return reachability;
    case 'idle':
      return { kind: 'open' };
    case 'unknown':
      return undefined;
  }
}

/**
 * Whether two states are the same for a listener: the same kind, attempt or reason.
 *
 * @example
 * sameState({ kind: 'open' }, { kind: 'open' }); // true
 */
export function sameState(a: ConnectionState, b: ConnectionState): boolean {
  switch (a.kind) {
    case 'connecting':
      return b.kind === 'connecting' && a.attempt === b.attempt;
    case 'open':
      return b.kind === 'open';
    case 'closed':
      return b.kind === 'closed' && a.reason === b.reason;
  }
}
