import { versionOf } from '../store/replica-store.js';
import { conflictErrorOf, type ReplicaCore } from './replica-core.js';

/**
 * Reads the replica, the outbox and the held conflicts from persistence into memory: when
 * the client starts, when this tab takes over sending, and when another tab says it changed
 * them. A persisted entry replaces the store's when its server version is newer (or the
 * store has none); a URI whose writes were settled elsewhere and whose entry is gone was
 * deleted. Conflicts held by another tab are announced here too (not those found on start:
 * `client.conflicts()` lists them). Writes in `uncommitted` (made here, their commit queued
 * behind this refresh) stay in the outbox. Runs in the serial queue.
 *
 * @example
 * await core.serial(() => refreshFromPersistence(core));
 */
export async function refreshFromPersistence(core: ReplicaCore, announce = true, uncommitted: ReadonlySet<string> = new Set()): Promise<void> {
  const state = await core.persistence.load();
  const touched = new Set([...core.outbox.all().map((write) => write.uri), ...core.conflicts.keys()]);
  const known = new Set(core.conflicts.keys());
  // A write made here whose commit waits behind this refresh is not in persistence yet: keep it.
  const persistedKeys = new Set(state.outbox.map((write) => write.key));
  core.outbox.replace([...state.outbox, ...core.outbox.all().filter((write) => uncommitted.has(write.key) && !persistedKeys.has(write.key))]);
  core.conflicts.clear();
  for (const held of state.conflicts) core.conflicts.set(held.uri, held);
  core.outbox.conflictsChanged();
  const persisted = new Set<string>();
  for (const entry of state.entries) {
    persisted.add(entry.uri);
    const mine = core.store.get(entry.uri);
    const newer = mine === undefined || (versionOf(entry.base) ?? -1) > (versionOf(mine.base) ?? -1);
    if (newer) {
      core.store.set(entry);
      touched.add(entry.uri);
    }
  }
  for (const write of state.outbox) touched.add(write.uri);
  for (const uri of core.conflicts.keys()) touched.add(uri);
  for (const uri of touched) {
    const pending = core.outbox.forUri(uri).length > 0 || core.conflicts.has(uri);
    if (!persisted.has(uri) && !pending && core.store.get(uri)) core.setBase(uri, null, null);
    else core.show(uri);
  }
  for (const held of core.conflicts.values()) {
    if (announce && !known.has(held.uri)) core.events.conflict(conflictErrorOf(held));
  }
}
