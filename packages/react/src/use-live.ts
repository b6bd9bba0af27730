import { queryString, type ListQuery } from '@syncline/client';
import type { RecordOf, ResourceDefinition } from '@syncline/schema';
import { useCallback, useSyncExternalStore } from 'react';
import { currentState, subscribeShared, type LiveState } from './live-state.js';
import { useSynclineClient } from './provider.js';

/** A live record: `data` is undefined while loading, when refused and once deleted. */
export type RecordState<D extends ResourceDefinition> = LiveState<RecordOf<D> | undefined>;
/** A live collection: every match of the query, filtered and sorted like it. */
export type CollectionState<D extends ResourceDefinition> = LiveState<readonly RecordOf<D>[]>;

const LOADING_RECORD: LiveState<undefined> = Object.freeze({ data: undefined, status: 'loading', error: undefined });
const LOADING_COLLECTION: LiveState<readonly never[]> = Object.freeze({ data: Object.freeze([]), status: 'loading', error: undefined });
// The server renders the loading state and subscribes to nothing; hydration starts from it too.
const serverRecord = (): LiveState<undefined> => LOADING_RECORD;
const serverCollection = (): LiveState<readonly never[]> => LOADING_COLLECTION;

/**
 * Follows one record live. Components using the same record share one subscription, ended
 * when the last of them unmounts. Local optimistic writes show at once.
 *
 * @example
 * function Title({ id }: { id: string }) {
 *   const { data, status } = useRecord(todos, id);
 *   return status === 'ready' ? <h1>{data?.title}</h1> : <p>Loading…</p>;
 * }
 */
export function useRecord<D extends ResourceDefinition>(definition: D, id: string): RecordState<D> {
  const client = useSynclineClient();
  const key = `/${definition.name}/${encodeURIComponent(id)}`;
  const subscribe = useCallback(
    (listener: () => void) => subscribeShared<RecordOf<D> | undefined>(client, key, { initial: LOADING_RECORD, open: () => client.resource(definition).live(id) }, listener),
    // The key names the definition and the id.
    [client, key],
  );
  const getSnapshot = (): RecordState<D> => currentState<RecordOf<D> | undefined>(client, key, LOADING_RECORD);
  return useSyncExternalStore(subscribe, getSnapshot, serverRecord);
}

/**
 * Follows a collection query live: a query object checked against the resource's fields
 * (`{ where: { list: id, done: false }, order: 'order' }`) or a query string (checked at
 * run time only). The query may be a new object on every render: views are keyed by its URI.
 *
 * @example
 * function Open({ list }: { list: string }) {
 *   const { data } = useCollection(todos, { where: { list, done: false }, order: 'order' });
 *   return <ul>{data.map((todo) => <li key={todo.id}>{todo.title}</li>)}</ul>;
 * }
 */
export function useCollection<D extends ResourceDefinition>(definition: D, query?: ListQuery<D>): CollectionState<D> {
  const client = useSynclineClient();
  const qs = queryString(query, definition);
  const key = `/${definition.name}?${qs}`;
  const subscribe = useCallback(
    (listener: () => void) => subscribeShared<readonly RecordOf<D>[]>(client, key, { initial: LOADING_COLLECTION, open: () => client.resource(definition).liveQuery(qs) }, listener),
    // The key names the definition and the query.
    [client, key],
  );
  const getSnapshot = (): CollectionState<D> => currentState<readonly RecordOf<D>[]>(client, key, LOADING_COLLECTION);
  return useSyncExternalStore(subscribe, getSnapshot, serverCollection);
}
