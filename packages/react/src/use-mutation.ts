import type { MergePatchOf } from '@syncline/client';
import { SynclineError } from '@syncline/protocol';
import type { InputOf, RecordOf, ResourceDefinition } from '@syncline/schema';
import { useMemo, useState } from 'react';
import { useSynclineClient } from './provider.js';

/**
 * Writes to one resource. `update`, `patch` and `remove` are optimistic: every live view
 * shows the change at once, and the client rolls it back when the server refuses it.
 * The calls never reject: a refused write resolves `undefined` (`false` for `remove`) and
 * sets `error` (a `ConflictError` for a 412); the next call clears it.
 */
export interface Mutation<D extends ResourceDefinition> {
  create(input: InputOf<D>): Promise<RecordOf<D> | undefined>;
  update(id: string, record: InputOf<D>): Promise<RecordOf<D> | undefined>;
  patch(id: string, partial: MergePatchOf<D>): Promise<RecordOf<D> | undefined>;
  /** Deletes the record; resolves true once the server has. */
  remove(id: string): Promise<boolean>;
  /** True while a write of this hook is in flight. */
  readonly pending: boolean;
  /** Why the last write was refused, until the next write starts. */
  readonly error: SynclineError | undefined;
}

/**
 * @example
 * const { patch, pending, error } = useMutation(todos);
 * <input type="checkbox" checked={todo.done} onChange={(e) => patch(todo.id, { done: e.target.checked })} />
 * {error && <p role="alert">{error.message}</p>}
 */
export function useMutation<D extends ResourceDefinition>(definition: D): Mutation<D> {
  const client = useSynclineClient();
  const [inFlight, setInFlight] = useState(0);
  const [error, setError] = useState<SynclineError | undefined>(undefined);
  // Nothing is asked of the client until a write is made (server rendering calls no client).
  const calls = useMemo(() => {
    const api = () => client.resource(definition);
    async function run<T, F>(write: () => Promise<T>, failed: F): Promise<T | F> {
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
    }
    return {
      create: (input: InputOf<D>) => run(() => api().create(input), undefined),
      update: (id: string, record: InputOf<D>) => run(() => api().update(id, record), undefined),
      patch: (id: string, partial: MergePatchOf<D>) => run(() => api().patch(id, partial), undefined),
      remove: (id: string) => run(() => api().delete(id).then(() => true), false),
    };
  }, [client, definition]);
  return { ...calls, pending: inFlight > 0, error };
}
