import type { ChangeEvent } from '@syncline/protocol';
import { isRecord, type JsonRecord } from '../requests/answers.js';
import type { ReplicaStore } from '../store/replica-store.js';
import type { Subscriptions } from '../subscriptions/subscriptions.js';
import { createViewCore, type LiveView } from './live-view.js';

/** A record's strong ETag: `"<version>"` (protocol.md §4.3). */
export function etagOfVersion(version: unknown): string | null {
  return typeof version === 'number' ? `"${version}"` : null;
}

export interface LiveRecordOptions {
  readonly uri: string;
  readonly store: ReplicaStore;
  readonly subscriptions: Subscriptions;
  /**
   * Start from the record already loaded (null: it did not exist) and the `syncline-seq` of
   * that read: the view is ready at once and subscribes from that position (every change
   * since arrives, none twice), instead of reading a snapshot again.
   */
  readonly start?: { readonly from: number; readonly data: JsonRecord | null } | undefined;
}

/**
 * A live record over the replica store: subscribes to its URI and keeps the store's entry
 * up to date; the snapshot is the entry's `data` (undefined while unknown or deleted), so
 * local optimistic edits show at once.
 *
 * @example
 * const { view, dispose } = createLiveRecord({ uri: '/todos/1', store, subscriptions });
 */
export function createLiveRecord<T>(options: LiveRecordOptions): { view: LiveView<T | undefined>; dispose: () => void } {
  const { uri, store, start } = options;
  const core = createViewCore();
  const apply = (etag: string | null, body: unknown): void => store.applyServer(uri, etag, isRecord(body) ? body : null);
  if (start) {
    apply(start.data ? etagOfVersion(start.data['version']) : null, start.data);
    core.settle();
  }
  const subscription = options.subscriptions.open(uri, {
    onSnapshot(body) {
      apply(isRecord(body) ? etagOfVersion(body['version']) : null, body);
      core.settle();
    },
    onChange(event: ChangeEvent) {
      apply(event.etag, event.body);
    },
    onError(error) {
      // A record deleted while the socket was down answers the resumed SUBSCRIBE with 404.
      if (error.code === 'not-found') store.applyServer(uri, null, null);
      core.settle(error);
      core.notify();
    },
  }, start === undefined ? {} : { from: start.from });
  // Listeners hear of a new snapshot only: an event for a record with a pending local edit
  // moves its base, not what the view shows.
  let shown: unknown = store.get(uri)?.data;
  const stopStore = store.subscribe((changed) => {
    if (changed !== uri) return;
    const data = store.get(uri)?.data;
    if (data === shown) return;
    shown = data;
    core.notify();
  });
  const view: LiveView<T | undefined> = {
    subscribe(listener) {
      core.listeners.add(listener);
      return () => void core.listeners.delete(listener);
    },
    // The store holds wire records; the resource definition says what they are.
    getSnapshot: () => (store.get(uri)?.data ?? undefined) as T | undefined,
    ready: core.ready,
    error: core.error,
    close: () => dispose(),
  };
  const dispose = (): void => {
    stopStore();
    subscription.close();
    core.listeners.clear();
  };
  return { view, dispose };
}
