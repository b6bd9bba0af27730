import { compareRecords, matchesFilter, parseCollectionQuery, type CollectionQuery, type ResourceDefinition } from '@syncline/schema';
import type { SynclineError } from '@syncline/protocol';
import { asSynclineError, expectSuccess, pageOf, type JsonRecord } from '../requests/answers.js';
import type { Transport } from '../requests/transport.js';
import type { ReplicaStore } from '../store/replica-store.js';
import type { Subscriptions } from '../subscriptions/subscriptions.js';
import { etagOfVersion } from './live-record.js';
import { createViewCore, type LiveView } from './live-view.js';
import { withSchemaDefaults } from './pending-defaults.js';

export interface LiveQueryOptions {
  readonly definition: ResourceDefinition;
  /** The query string, without `?`: `list=5&done=false&order=order`. */
  readonly query: string;
  readonly store: ReplicaStore;
  readonly subscriptions: Subscriptions;
  /** Fetches the pages after the first one (a subscription sees every match, not one page). */
  readonly transport: Transport;
  /**
   * Start from data already loaded (every match, e.g. a server-rendered page's) and the
   * `syncline-seq` it reflects: the view is ready at once and subscribes from that position,
   * so it receives every change made since and no snapshot is read again.
   */
  readonly start?: { readonly from: number; readonly items: readonly JsonRecord[] } | undefined;
}

/**
 * A live collection: the snapshot of its SUBSCRIBE, then enter/update/leave events. The
 * server decides membership; records with a pending local edit are placed by the query's
 * own filter and order (matchesFilter, compareRecords), so optimistic changes move in and
 * out at once and the server's answer then settles them.
 *
 * @example
 * const { view } = createLiveQuery({ definition: todos, query: 'done=false&order=order', store, subscriptions, transport });
 * // From a page's data and its Syncline-Seq: no second read, no gap.
 * createLiveQuery({ definition: todos, query: 'done=false', store, subscriptions, transport, start: { from: 12, items } });
 */
export function createLiveQuery<T>(options: LiveQueryOptions): { view: LiveView<readonly T[]>; dispose: () => void } {
  const { definition, store } = options;
  let query: CollectionQuery;
  try {
    // The page size is irrelevant here: the live set holds every match.
    query = parseCollectionQuery(definition, new URLSearchParams(options.query), { defaultLimit: 50, maxLimit: Number.MAX_SAFE_INTEGER });
  } catch (error) {
    // An invalid query (an unknown field, a bad value) fails the view as the server would
    // refuse its SUBSCRIBE: `ready` rejects and `error()` tells, nothing throws at the caller.
    return refusedQuery<T>(asSynclineError(error));
  }
  const prefix = `/${definition.name}/`;
  const core = createViewCore();
  let members = new Set<string>();
  let snapshot: readonly JsonRecord[] = [];
  let stale = true;
  let epoch = 0;

  // Listeners hear of a new snapshot only: an event that moves the base of a record with a
  // pending local edit, or a write answered and then pushed, leaves the same array.
  const changed = (): void => {
    stale = true;
    if (core.listeners.size === 0) return;
    const before = snapshot;
    if (view.getSnapshot() !== before) core.notify();
  };
  const uriOf = (record: JsonRecord): string => prefix + encodeURIComponent(String(record['id']));
  const take = (items: readonly JsonRecord[]): void => {
    for (const item of items) {
      members.add(uriOf(item));
      store.applyServer(uriOf(item), etagOfVersion(item['version']), item);
    }
  };
  const loadRest = async (next: string | null, forEpoch: number): Promise<void> => {
    while (next !== null && forEpoch === epoch) {
      const page = pageOf(expectSuccess(await options.transport.request({ method: 'GET', resource: next })));
      // A newer snapshot replaced this one meanwhile: its own pages win.
      if (forEpoch !== epoch) return;
      take(page.items);
      changed();
      next = page.next;
    }
  };

  if (options.start) {
    take(options.start.items);
    stale = true;
    core.settle();
  }
  const from = options.start === undefined ? {} : { from: options.start.from };
  const subscription = options.subscriptions.open(`/${definition.name}?${options.query}`, {
    onSnapshot(body) {
      const page = pageOf({ status: 200, headers: {}, body });
      members = new Set();
      take(page.items);
      changed();
      const forEpoch = ++epoch;
      loadRest(page.next, forEpoch).then(
        () => core.settle(),
        (error: unknown) => core.settle(asSynclineError(error)),
      );
    },
    onChange(event) {
      // A record that leaves the filter still exists: only membership changes.
      if (event.op === 'leave' || event.op === 'delete') members.delete(event.resource);
      else {
        members.add(event.resource);
        store.applyServer(event.resource, event.etag, event.body);
      }
      changed();
    },
    onError(error) {
      core.settle(error);
      stale = true;
      core.notify();
    },
  }, from);
  const stopStore = store.subscribe((uri) => {
    if (uri.startsWith(prefix)) changed();
  });

  const compute = (): readonly JsonRecord[] => {
    const candidates = new Set(members);
    for (const entry of store.entries()) if (entry.dirty && entry.uri.startsWith(prefix)) candidates.add(entry.uri);
    // Pending records are placed as the server will store them (schema defaults filled in).
    const placed: { data: JsonRecord; key: JsonRecord }[] = [];
    for (const uri of candidates) {
      const entry = store.get(uri);
      if (!entry?.data) continue;
      const key = entry.dirty ? withSchemaDefaults(definition, entry.data) : entry.data;
      if (entry.dirty ? matchesFilter(query.filter, key) : members.has(uri)) placed.push({ data: entry.data, key });
    }
    placed.sort((a, b) => compareRecords(query.order, a.key, b.key));
    const items = placed.map((item) => item.data);
    // Same records in the same order: keep the old array, so React sees no change.
    const same = items.length === snapshot.length && items.every((item, i) => item === snapshot[i]);
    return same ? snapshot : items;
  };

  const view: LiveView<readonly T[]> = {
    subscribe(listener) {
      core.listeners.add(listener);
      return () => void core.listeners.delete(listener);
    },
    getSnapshot() {
      if (stale) {
        snapshot = compute();
        stale = false;
      }
      // The store holds wire records; the resource definition says what they are.
      return snapshot as readonly T[];
    },
    ready: core.ready,
    error: core.error,
    close: () => dispose(),
  };
  const dispose = (): void => {
    epoch++;
    stopStore();
    subscription.close();
    core.listeners.clear();
  };
  return { view, dispose };
}

/** A view of a query refused before it was sent: empty, its `ready` rejected with the reason. */
function refusedQuery<T>(error: SynclineError): { view: LiveView<readonly T[]>; dispose: () => void } {
  const core = createViewCore();
  core.settle(error);
  const empty: readonly T[] = Object.freeze([]);
  const view: LiveView<readonly T[]> = {
    subscribe(listener) {
      core.listeners.add(listener);
      return () => void core.listeners.delete(listener);
    },
    getSnapshot: () => empty,
    ready: core.ready,
    error: core.error,
    close: () => core.listeners.clear(),
  };
  return { view, dispose: () => core.listeners.clear() };
}
