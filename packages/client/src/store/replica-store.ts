import type { JsonRecord } from '../requests/answers.js';

/**
 * The client's copy of one resource (every local copy is `(uri, etag, dirty)`: docs/design-notes.md, "Every client is a clone").
 * `data` is what the application sees (null: absent or deleted); `base` and `etag` are
 * the last server version known, which a local edit started from and which a three-way
 * merge will need later; `dirty` is true while a local edit is not yet confirmed.
 */
export interface ReplicaEntry {
  readonly uri: string;
  readonly etag: string | null;
  readonly dirty: boolean;
  readonly data: JsonRecord | null;
  readonly base: JsonRecord | null;
}

export type StoreListener = (uri: string, entry: ReplicaEntry | undefined) => void;

/**
 * What a URI's pending local edits make of a server version (offline mode): the record the
 * application sees, or undefined when nothing is pending there. With it, a pushed change
 * moves `base` and the view is recomputed from it, so it never erases a pending edit.
 */
export type StoreOverlay = (uri: string, base: JsonRecord | null) => JsonRecord | null | undefined;

export interface ReplicaStoreOptions {
  readonly overlay?: StoreOverlay;
  /** Told before a pushed or read server version replaces an entry's base with another ETag (offline mode pins pending writes to the old one). */
  readonly onServerMove?: (uri: string, previous: ReplicaEntry, etag: string | null) => void;
}

/**
 * The replica store, keyed by URI. Entries are immutable: every change replaces the
 * entry, so a reader can compare references to know whether anything changed.
 *
 * @example
 * const store = createReplicaStore();
 * store.subscribe((uri) => console.log('changed', uri));
 * store.applyServer('/todos/1', '"3"', { id: '1', version: 3, title: 'Milk' });
 */
export interface ReplicaStore {
  get(uri: string): ReplicaEntry | undefined;
  entries(): IterableIterator<ReplicaEntry>;
  /** Replaces an entry as is (optimistic edits and their roll-back). */
  set(entry: ReplicaEntry): void;
  /**
   * Records a server version (`data` null: deleted). An older version than the one held is
   * ignored, so a late answer never undoes a newer event. While a local edit is pending, only
   * `base` and `etag` move: the edit stays visible until its own answer settles it. With an
   * overlay (offline mode), the view is recomputed: the server version with the pending
   * edits re-applied on top.
   */
  applyServer(uri: string, etag: string | null, data: JsonRecord | null): void;
  /** Forgets an entry (a record deleted on the server with nothing pending locally). */
  delete(uri: string): void;
  /** Listens to every change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void;
}

/**
 * Creates an empty replica store (one per client).
 *
 * @example
 * const store = createReplicaStore();
 * store.get('/todos/1'); // undefined until loaded
 */
export function createReplicaStore(options: ReplicaStoreOptions = {}): ReplicaStore {
  const entries = new Map<string, ReplicaEntry>();
  const listeners = new Set<StoreListener>();
  const set = (entry: ReplicaEntry): void => {
    entries.set(entry.uri, entry);
    for (const listener of [...listeners]) listener(entry.uri, entry);
  };
  return {
    get: (uri) => entries.get(uri),
    entries: () => entries.values(),
    set,
    applyServer(uri, etag, data) {
      const held = entries.get(uri);
      const heldVersion = versionOf(held?.base ?? null);
      const newVersion = versionOf(data);
      if (heldVersion !== undefined && newVersion !== undefined && newVersion < heldVersion) return;
      if (held && held.etag !== etag) options.onServerMove?.(uri, held, etag);
      const overlaid = options.overlay?.(uri, data);
      // The same strong ETag is the same version: the client's own write, answered and then
      // pushed, or a snapshot after a resume. Storing it again would give live views a new
      // snapshot of the same content.
      if (overlaid === undefined && held && !held.dirty && etag !== null && held.etag === etag) return;
      if (overlaid !== undefined) set({ uri, etag, dirty: true, data: overlaid, base: data });
      else if (held?.dirty && !options.overlay) set({ ...held, etag, base: data });
      else set({ uri, etag, dirty: false, data, base: data });
    },
    delete(uri) {
      if (!entries.delete(uri)) return;
      for (const listener of [...listeners]) listener(uri, undefined);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}

/** A record's `version` (the change-log position of its last write). */
export function versionOf(record: JsonRecord | null): number | undefined {
  const version = record?.['version'];
  return typeof version === 'number' ? version : undefined;
}
