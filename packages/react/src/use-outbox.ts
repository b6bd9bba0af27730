import type { HeldConflict } from '@syncline/client';
import { useCallback, useRef, useSyncExternalStore } from 'react';
import { useSynclineClient } from './provider.js';

/** The offline client's pending writes and held conflicts. */
export interface OutboxState {
  /** How many writes wait to be acknowledged. */
  readonly pending: number;
  /** False once the server was found unreachable, true again at its next answer. */
  readonly reachable: boolean;
  /** The conflicts held for the user, until `client.resolve(uri, choice)`. */
  readonly conflicts: readonly HeldConflict[];
}

const serverOutbox = (): null => null;

/**
 * The outbox of a client created with `offline` ("Offline, 3 changes waiting"), or `null`
 * for a client without it (and on the server).
 *
 * @example
 * function SyncStatus() {
 *   const outbox = useOutbox();
 *   if (!outbox || outbox.pending === 0) return null;
 *   return <p role="status">{outbox.reachable ? 'Sending' : 'Offline,'} {outbox.pending} changes waiting</p>;
 * }
 */
export function useOutbox(): OutboxState | null {
  const client = useSynclineClient();
  const last = useRef<OutboxState | null>(null);
  const subscribe = useCallback(
    // The outbox tells of its size, of reachability and of the held conflicts alike.
    (listener: () => void) => (client.offline ? client.outbox.subscribe(listener) : () => {}),
    [client],
  );
  const getSnapshot = useCallback((): OutboxState | null => {
    if (!client.offline) return null;
    const now: OutboxState = { pending: client.outbox.size(), reachable: client.outbox.reachable(), conflicts: client.conflicts() };
    const held = last.current;
    const same = held !== null && held.pending === now.pending && held.reachable === now.reachable && held.conflicts.length === now.conflicts.length && held.conflicts.every((c, i) => c === now.conflicts[i]);
    if (!same) last.current = now;
    return last.current;
  }, [client]);
  return useSyncExternalStore(subscribe, getSnapshot, serverOutbox);
}
