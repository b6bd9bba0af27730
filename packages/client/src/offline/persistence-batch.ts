import { SynclineError } from '@syncline/protocol';
import type { ReplicaEntry } from '../store/replica-store.js';
import type { HeldConflict, PendingWrite, PersistedState, PersistenceBatch } from './offline-types.js';

/** A replica's persisted state as maps by key, which adapters that hold it in memory update. */
export interface PersistedMaps {
  readonly entries: Map<string, ReplicaEntry>;
  readonly outbox: Map<string, PendingWrite>;
  readonly conflicts: Map<string, HeldConflict>;
}

/** Empty maps, or maps holding `state`. */
export function mapsOf(state?: PersistedState): PersistedMaps {
  return {
    entries: new Map(state?.entries.map((entry) => [entry.uri, entry])),
    outbox: new Map(state?.outbox.map((write) => [write.key, write])),
    conflicts: new Map(state?.conflicts.map((conflict) => [conflict.uri, conflict])),
  };
}

/**
 * Applies a batch to `maps`: deletes first, then puts (a key both deleted and put in one
 * batch ends up put). Values are stored as given: callers clone them first.
 */
export function applyBatch(maps: PersistedMaps, batch: PersistenceBatch): void {
  for (const uri of batch.deleteEntries ?? []) maps.entries.delete(uri);
  for (const key of batch.deleteWrites ?? []) maps.outbox.delete(key);
  for (const uri of batch.deleteConflicts ?? []) maps.conflicts.delete(uri);
  for (const entry of batch.putEntries ?? []) maps.entries.set(entry.uri, entry);
  for (const write of batch.putWrites ?? []) maps.outbox.set(write.key, write);
  for (const conflict of batch.putConflicts ?? []) maps.conflicts.set(conflict.uri, conflict);
}

/** The state the maps hold, the outbox in `order` (then by key, so equal orders stay stable). */
export function stateOf(maps: PersistedMaps): PersistedState {
  return {
    entries: [...maps.entries.values()],
    outbox: sortOutbox([...maps.outbox.values()]),
    conflicts: [...maps.conflicts.values()],
  };
}

/** Pending writes in the order they are sent. */
export function sortOutbox(writes: PendingWrite[]): PendingWrite[] {
  return writes.sort((a, b) => a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/**
 * Checks a batch's shape before anything is written, so a bad batch changes nothing.
 * Throws a SynclineError `bad-request` naming the first problem.
 */
export function checkBatch(batch: PersistenceBatch): void {
  const fail = (detail: string): never => {
    throw new SynclineError('bad-request', { detail: `Invalid persistence batch: ${detail}.` });
  };
  if (typeof batch !== 'object' || batch === null) fail('not an object');
  const list = (name: keyof PersistenceBatch): readonly unknown[] => {
    const value: unknown = batch[name];
    if (value === undefined) return [];
    if (!Array.isArray(value)) return fail(`${name} is not an array`);
    return value;
  };
  const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null;
  for (const uri of [...list('deleteEntries'), ...list('deleteConflicts')]) if (typeof uri !== 'string') fail('a URI to delete is not a string');
  for (const key of list('deleteWrites')) if (typeof key !== 'string') fail('a write key to delete is not a string');
  for (const entry of list('putEntries')) if (!isObject(entry) || typeof entry['uri'] !== 'string') fail('an entry has no string uri');
  for (const conflict of list('putConflicts')) if (!isObject(conflict) || typeof conflict['uri'] !== 'string') fail('a conflict has no string uri');
  for (const write of list('putWrites')) {
    if (!isObject(write) || typeof write['key'] !== 'string') fail('a pending write has no string key');
    else if (typeof write['order'] !== 'number' || !Number.isFinite(write['order'])) fail(`pending write ${write['key']} has no finite order`);
  }
}

/** A deep copy of a batch (structured clone), or `bad-request` when it holds something that cannot be stored. */
export function cloneBatch(batch: PersistenceBatch): PersistenceBatch {
  try {
    return structuredClone(batch);
  } catch (error) {
    throw new SynclineError('bad-request', { detail: 'Invalid persistence batch: it holds a value that cannot be stored (a function or a symbol).', cause: error });
  }
}

/** The error every adapter throws when used after `close()`. */
export function closedError(): SynclineError {
  return new SynclineError('bad-request', { detail: 'The replica persistence is closed.' });
}

/**
 * Runs tasks one after another in call order; a failed task rejects its own caller only.
 *
 * @example
 * const serial = createSerialQueue();
 * await Promise.all([serial(() => commitA()), serial(() => commitB())]); // A finishes before B starts
 */
export function createSerialQueue(): <T>(task: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(task: () => Promise<T>): Promise<T> => {
    const run = tail.then(task);
    tail = run.catch(() => undefined);
    return run;
  };
}
