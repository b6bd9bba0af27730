import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SynclineError } from '@syncline/protocol';
import type { PersistedState, PersistenceBatch, ReplicaPersistence } from './offline-types.js';
import { applyBatch, checkBatch, cloneBatch, closedError, createSerialQueue, mapsOf, stateOf, type PersistedMaps } from './persistence-batch.js';

export interface FilePersistenceOptions {
  /** The replica's file; its folder is created when missing. One `filePersistence` (in one process) at a time may use a file. */
  readonly path: string;
}

const FORMAT = 'syncline-replica';
const FORMAT_VERSION = 1;

/**
 * A replica persistence in one JSON file, for Node: it survives process restarts.
 *
 * Every `commit` writes the whole state to `<path>.tmp`, flushes it to disk (fsync), renames
 * it over `<path>` and flushes the folder, so after a crash or power loss the file holds the
 * state before or after the batch, never a mix: POSIX `rename` replaces a file atomically.
 * A whole snapshot rather than an append-only log, because a client replica is small (the
 * records a program works on) and written at the pace of its edits: one file with no
 * replay or compaction step is the simpler thing to get right. Commits run one at a time,
 * in call order; a failed commit changes nothing, in memory or on disk.
 *
 * The file is read on the first `load` or `commit` (a commit never overwrites state it has
 * not read). `load` answers copies. After `close()` (which waits for pending commits), calls
 * reject with `bad-request`; open the file again with a new `filePersistence`. A file that
 * is not a replica file rejects with `invalid-json` or `bad-request`, and is left as is; a
 * file that cannot be read or written rejects with `unavailable` (retry later). `destroy()`
 * closes it and removes the file (and a temporary one left by a crash).
 *
 * Import it from `@syncline/client/node`: it uses `node:fs`, so browser bundles must not.
 *
 * @example
 * import { filePersistence } from '@syncline/client/node';
 * const persistence = filePersistence({ path: './.syncline/replica.json' });
 * const { outbox } = await persistence.load();
 */
export function filePersistence(options: FilePersistenceOptions): ReplicaPersistence {
  const { path } = options;
  const serial = createSerialQueue();
  let maps: PersistedMaps | undefined;
  let closed = false;

  const loaded = async (): Promise<PersistedMaps> => {
    if (closed) throw closedError();
    maps ??= mapsOf(await readState(path));
    return maps;
  };

  return {
    load: () => serial(async () => structuredClone(stateOf(await loaded()))),
    commit: (batch: PersistenceBatch) =>
      serial(async () => {
        const current = await loaded();
        checkBatch(batch);
        const next: PersistedMaps = { entries: new Map(current.entries), outbox: new Map(current.outbox), conflicts: new Map(current.conflicts) };
        applyBatch(next, cloneBatch(batch));
        await writeState(path, stateOf(next));
        maps = next;
      }),
    close: () =>
      serial(async () => {
        closed = true;
        maps = undefined;
      }),
    // After the commits already queued, so none of them can write the file again.
    destroy: () =>
      serial(async () => {
        closed = true;
        maps = undefined;
        try {
          await rm(`${path}.tmp`, { force: true });
          await rm(path, { force: true });
        } catch (error) {
          throw new SynclineError('unavailable', { detail: `Could not delete the replica file ${path}: ${(error as Error).message}`, cause: error });
        }
        await syncFolder(dirname(path));
      }),
  };
}

async function readState(path: string): Promise<PersistedState | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SynclineError('unavailable', { detail: `Could not read the replica file ${path}: ${(error as Error).message}`, cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SynclineError('invalid-json', { detail: `The replica file ${path} is not JSON.`, cause: error });
  }
  const file = value as Partial<Record<'format' | 'version' | 'entries' | 'outbox' | 'conflicts', unknown>> | null;
  if (typeof file !== 'object' || file === null || file.format !== FORMAT || file.version !== FORMAT_VERSION) {
    throw new SynclineError('bad-request', { detail: `The file ${path} is not a Syncline replica file (format ${FORMAT} version ${FORMAT_VERSION}).` });
  }
  const state = { entries: file.entries ?? [], outbox: file.outbox ?? [], conflicts: file.conflicts ?? [] } as PersistedState;
  checkBatch({ putEntries: state.entries, putWrites: state.outbox, putConflicts: state.conflicts });
  return state;
}

async function writeState(path: string, state: PersistedState): Promise<void> {
  const text = JSON.stringify({ format: FORMAT, version: FORMAT_VERSION, ...state });
  const temporary = `${path}.tmp`;
  try {
    await mkdir(dirname(path), { recursive: true });
    const handle = await open(temporary, 'w');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true }).catch(() => undefined);
    throw new SynclineError('unavailable', { detail: `Could not write the replica file ${path}: ${(error as Error).message}`, cause: error });
  }
  await syncFolder(dirname(path));
}

/** Flushes a folder, so the rename itself survives power loss. Not possible on every platform (Windows): skipped there. */
async function syncFolder(folder: string): Promise<void> {
  let handle;
  try {
    handle = await open(folder, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch {
    // Some platforms and file systems refuse fsync on a folder; the rename stays atomic.
  } finally {
    await handle.close();
  }
}
