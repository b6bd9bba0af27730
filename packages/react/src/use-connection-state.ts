import { sameState, type ConnectionState } from '@syncline/client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useSynclineClient } from './provider.js';

// The server renders the state a browser starts in, so hydration matches.
const FIRST_ATTEMPT: ConnectionState = Object.freeze({ kind: 'connecting', attempt: 1 });
const serverState = (): ConnectionState => FIRST_ATTEMPT;

/**
 * The client's connection state, a union to `switch` on: `connecting { attempt }`, `open`,
 * `closed { reason }`. Re-renders only when it changes.
 *
 * @example
 * function Status() {
 *   const state = useConnectionState();
 *   return state.kind === 'open' ? null : <p role="status">{state.kind === 'connecting' ? `Reconnecting (attempt ${state.attempt})…` : state.reason}</p>;
 * }
 */
export function useConnectionState(): ConnectionState {
  const client = useSynclineClient();
  const last = useRef<ConnectionState>(FIRST_ATTEMPT);
  // The client may answer an equal state as a new object: keep the one React has.
  const getSnapshot = useCallback((): ConnectionState => {
    const now = client.state();
    if (!sameState(now, last.current)) last.current = now;
    return last.current;
  }, [client]);
  const subscribe = useCallback((listener: () => void) => client.onStateChange(listener), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, serverState);
}
