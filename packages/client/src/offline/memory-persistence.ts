import type { PersistedState, PersistenceBatch, ReplicaPersistence } from './offline-types.js';
import { applyBatch, checkBatch, cloneBatch, mapsOf, stateOf } from './persistence-batch.js';

/**
 * A replica persistence in memory: for tests, and for Node programs that need no file.
 * Nothing survives the process. Batches apply whole (checked first, then applied at once);
 * `commit` stores copies and `load` answers copies, so no caller can change what is stored
 * by mutating an object it passed or received. `close()` keeps the data and the store
 * usable: a second client given the same object sees it, as a reloaded page sees its
 * IndexedDB (this is how tests simulate a reload or a second tab). `destroy()` empties it:
 * the same object then answers an empty replica, as a store opened after a deletion would.
 *
 * @example
 * const persistence = memoryPersistence();
 * await persistence.commit({ putEntries: [{ uri: '/todos/1', etag: '"1"', dirty: false, data, base: data }] });
 * (await persistence.load()).entries.length; // 1
 */
export function memoryPersistence(): ReplicaPersistence {
  const maps = mapsOf();
  return {
    load(): Promise<PersistedState> {
      return Promise.resolve(structuredClone(stateOf(maps)));
    },
    commit(batch: PersistenceBatch): Promise<void> {
      try {
        checkBatch(batch);
        applyBatch(maps, cloneBatch(batch));
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
    close(): Promise<void> {
      return Promise.resolve();
    },
    destroy(): Promise<void> {
      maps.entries.clear();
      maps.outbox.clear();
      maps.conflicts.clear();
      return Promise.resolve();
    },
  };
}
