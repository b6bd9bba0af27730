import type { MergePatchOf } from '@syncline/client';
import type { SynclineError } from '@syncline/protocol';
import type { InputOf, RecordOf, ResourceDefinition } from '@syncline/schema';
import { useMemo } from 'react';
import { useSynclineClient } from './provider.js';
import { useWriteState } from './write-state.js';

/**
 * Writes to one resource, named as on the client's resource API. `update`, `patch` and
 * `delete` are optimistic: every live view shows the change at once, and the client rolls
 * it back when the server refuses it. The calls never reject: a refused write resolves
 * `undefined` (`false` for `delete`) and sets `error` (a `ConflictError` for a 412); the
 * next call clears it.
 */
export interface Mutation<D extends ResourceDefinition> {
  create(input: InputOf<D>): Promise<RecordOf<D> | undefined>;
  update(id: string, record: InputOf<D>): Promise<RecordOf<D> | undefined>;
  patch(id: string, partial: MergePatchOf<D>): Promise<RecordOf<D> | undefined>;
  /** Deletes the record; resolves true once the server has. */
  delete(id: string): Promise<boolean>;
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
  const { track, pending, error } = useWriteState();
  // Nothing is asked of the client until a write is made (server rendering calls no client).
  const calls = useMemo(() => {
    const api = () => client.resource(definition);
    return {
      create: (input: InputOf<D>) => track(() => api().create(input), undefined),
      update: (id: string, record: InputOf<D>) => track(() => api().update(id, record), undefined),
      patch: (id: string, partial: MergePatchOf<D>) => track(() => api().patch(id, partial), undefined),
      delete: (id: string) => track(() => api().delete(id).then(() => true), false),
    };
  }, [client, definition, track]);
  return { ...calls, pending, error };
}
