import { wrap, type DBSchema, type IDBPDatabase } from 'idb';
import { SynclineError } from '@syncline/protocol';
import type { ReplicaEntry } from '../store/replica-store.js';
import type { HeldConflict, PendingWrite, PersistedState, PersistenceBatch, ReplicaPersistence } from './offline-types.js';
import { checkBatch, cloneBatch, closedError, createSerialQueue, sortOutbox } from './persistence-batch.js';

export interface IndexedDbPersistenceOptions {
  /** The database's name; one per replica (e.g. `syncline:` + the server's URL). */
  readonly name: string;
  /** The IndexedDB factory (default: the global `indexedDB`); tests pass `fake-indexeddb`'s. */
  readonly indexedDB?: IDBFactory;
}

interface ReplicaSchema extends DBSchema {
  entries: { key: string; value: ReplicaEntry };
  outbox: { key: string; value: PendingWrite; indexes: { order: number } };
  conflicts: { key: string; value: HeldConflict };
}

type StoreName = 'entries' | 'outbox' | 'conflicts';

const VERSION = 1;

/**
 * A replica persistence in IndexedDB, for browsers: it survives page loads, and every tab
 * of an origin shares it. Object stores: `entries` (key `uri`), `outbox` (key `key`, index
 * `order`), `conflicts` (key `uri`). A `commit` is one readwrite transaction over the stores
 * it touches (deletes, then puts), so it applies whole or not at all; commits start in call
 * order. `load` reads the three stores in one transaction, the outbox by its `order` index.
 * IndexedDB answers structured clones, so callers never share objects with the store.
 *
 * The database opens on first use; when another tab deletes or upgrades it, this
 * connection closes and the next call opens it again. Rejects with `unavailable` when
 * IndexedDB is missing or refuses to open (private browsing in some browsers) or a commit
 * fails (quota exceeded: nothing of the batch is stored), with
 * `bad-request` for a malformed batch or after `close()`. `destroy()` closes the connection
 * and deletes the database (`indexedDB.deleteDatabase`), after the commits already called.
 *
 * @example
 * const persistence = indexedDbPersistence({ name: 'syncline:https://todo.example' });
 * await requestPersistentStorage();
 * const { entries, outbox } = await persistence.load();
 */
export function indexedDbPersistence(options: IndexedDbPersistenceOptions): ReplicaPersistence {
  const serial = createSerialQueue();
  let database: Promise<IDBPDatabase<ReplicaSchema>> | undefined;
  let closed = false;

  const db = (): Promise<IDBPDatabase<ReplicaSchema>> => {
    if (closed) return Promise.reject(closedError());
    database ??= openDatabase(options, () => {
      database = undefined;
    });
    return database;
  };

  return {
    load: () =>
      serial(async () => {
        const tx = (await db()).transaction(['entries', 'outbox', 'conflicts'], 'readonly');
        const [entries, outbox, conflicts] = await Promise.all([
          tx.objectStore('entries').getAll(),
          tx.objectStore('outbox').index('order').getAll(),
          tx.objectStore('conflicts').getAll(),
          tx.done,
        ]);
        // The index orders by `order`; equal orders are then put in key order, as every adapter does.
        return { entries, outbox: sortOutbox(outbox), conflicts } satisfies PersistedState;
      }),
    commit: (batch: PersistenceBatch) =>
      serial(async () => {
        checkBatch(batch);
        const copy = cloneBatch(batch);
        const database = await db();
        const stores = storesOf(copy);
        if (stores.length === 0) return;
        const tx = database.transaction(stores, 'readwrite');
        const writes: Promise<unknown>[] = [];
        for (const uri of copy.deleteEntries ?? []) writes.push(tx.objectStore('entries').delete(uri));
        for (const key of copy.deleteWrites ?? []) writes.push(tx.objectStore('outbox').delete(key));
        for (const uri of copy.deleteConflicts ?? []) writes.push(tx.objectStore('conflicts').delete(uri));
        for (const entry of copy.putEntries ?? []) writes.push(tx.objectStore('entries').put(entry));
        for (const write of copy.putWrites ?? []) writes.push(tx.objectStore('outbox').put(write));
        for (const conflict of copy.putConflicts ?? []) writes.push(tx.objectStore('conflicts').put(conflict));
        // tx.done rejects (and IndexedDB rolls everything back) when any request fails.
        try {
          await Promise.all([...writes.map((write) => write.catch(() => undefined)), tx.done]);
        } catch (error) {
          throw new SynclineError('unavailable', { detail: `IndexedDB did not store the batch: ${(error as Error).message}`, cause: error });
        }
      }),
    close: () =>
      serial(async () => {
        closed = true;
        const open = database;
        database = undefined;
        if (open) (await open.catch(() => undefined))?.close();
      }),
    destroy: () =>
      serial(async () => {
        closed = true;
        const open = database;
        database = undefined;
        if (open) (await open.catch(() => undefined))?.close();
        await deleteDatabase(options);
      }),
  };
}

/**
 * Deletes the database. Other tabs' connections close when asked (`versionchange`), so the
 * deletion waits for them rather than failing; their next call opens an empty database, so
 * tabs that must not go on are told first (the client's `destroy` says so on its channel).
 */
function deleteDatabase(options: IndexedDbPersistenceOptions): Promise<void> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  // Where IndexedDB does not exist, nothing was ever stored in it.
  if (!factory) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const request = factory.deleteDatabase(options.name);
    request.addEventListener('success', () => resolve());
    request.addEventListener('error', () => reject(new SynclineError('unavailable', { detail: `IndexedDB could not delete ${options.name}: ${request.error?.message ?? 'unknown error'}`, cause: request.error })));
  });
}

/** The stores a batch touches, so its transaction locks no more than it needs. */
function storesOf(batch: PersistenceBatch): StoreName[] {
  const stores: StoreName[] = [];
  if (batch.putEntries?.length || batch.deleteEntries?.length) stores.push('entries');
  if (batch.putWrites?.length || batch.deleteWrites?.length) stores.push('outbox');
  if (batch.putConflicts?.length || batch.deleteConflicts?.length) stores.push('conflicts');
  return stores;
}

async function openDatabase(options: IndexedDbPersistenceOptions, onGone: () => void): Promise<IDBPDatabase<ReplicaSchema>> {
  const factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new SynclineError('unavailable', { detail: 'IndexedDB is not available here.' });
  let request: IDBOpenDBRequest;
  try {
    request = factory.open(options.name, VERSION);
  } catch (error) {
    throw new SynclineError('unavailable', { detail: `IndexedDB refused to open ${options.name}.`, cause: error });
  }
  // idb's openDB uses the global factory; wrapping the request lets a caller pass its own.
  request.addEventListener('upgradeneeded', () => {
    const db = request.result;
    if (!db.objectStoreNames.contains('entries')) db.createObjectStore('entries', { keyPath: 'uri' });
    if (!db.objectStoreNames.contains('outbox')) db.createObjectStore('outbox', { keyPath: 'key' }).createIndex('order', 'order');
    if (!db.objectStoreNames.contains('conflicts')) db.createObjectStore('conflicts', { keyPath: 'uri' });
  });
  let db: IDBPDatabase<ReplicaSchema>;
  try {
    db = (await wrap(request)) as unknown as IDBPDatabase<ReplicaSchema>;
  } catch (error) {
    onGone();
    throw new SynclineError('unavailable', { detail: `IndexedDB could not open ${options.name}.`, cause: error });
  }
  // Another tab deleting or upgrading the database must not wait on this connection.
  db.addEventListener('versionchange', () => {
    db.close();
    onGone();
  });
  db.addEventListener('close', onGone);
  return db;
}

/**
 * Asks the browser to keep this origin's storage (the replica and its outbox) under storage
 * pressure (`navigator.storage.persist()`). Answers false where the API is missing or the
 * browser declines; never rejects.
 *
 * @example
 * if (!(await requestPersistentStorage())) console.warn('The browser may evict offline changes.');
 */
export async function requestPersistentStorage(): Promise<boolean> {
  const storage = (globalThis as { navigator?: { storage?: { persist?: () => Promise<boolean> } } }).navigator?.storage;
  try {
    return (await storage?.persist?.()) === true;
  } catch {
    return false;
  }
}
