import { SynclineError } from '@syncline/protocol';
import { useCallback, useState } from 'react';

/** The pending and error state of a hook's writes, and the wrapper that keeps it. */
export interface WriteState {
  /** Runs `write`, counting it in flight; a failure sets `error` and resolves `failed`. */
  track<T, F>(write: () => Promise<T>, failed: F): Promise<T | F>;
  readonly pending: boolean;
  readonly error: SynclineError | undefined;
}

/**
 * Shared by `useMutation` and `useAction`: calls never reject (a component has nowhere to
 * catch them), so a refusal is state the component renders.
 *
 * @example
 * const { track, pending, error } = useWriteState();
 * const save = () => track(() => api.patch(id, { done: true }), undefined);
 */
export function useWriteState(): WriteState {
  const [inFlight, setInFlight] = useState(0);
  const [error, setError] = useState<SynclineError | undefined>(undefined);
  const track = useCallback(async <T, F>(write: () => Promise<T>, failed: F): Promise<T | F> => {
    setInFlight((n) => n + 1);
    setError(undefined);
    try {
      return await write();
    } catch (failure) {
      setError(failure instanceof SynclineError ? failure : new SynclineError('internal', { detail: String(failure), cause: failure }));
      return failed;
    } finally {
      setInFlight((n) => n - 1);
    }
  }, []);
  return { track, pending: inFlight > 0, error };
}
