import type { SynclineError } from '@syncline/protocol';
import type { JsonRecord } from '../requests/answers.js';
import { ConflictError } from '../resource/conflict-error.js';
import { createReplicaStore, versionOf, type ReplicaEntry, type ReplicaStore } from '../store/replica-store.js';
import type { ConflictPolicy, HeldConflict, PendingWrite, PersistenceBatch, ReplicaPersistence } from './offline-types.js';
import { createOutbox, type Outbox } from './outbox.js';
import { heldView, rebase } from './rebase.js';

/** What the offline parts tell the application (the client turns them into events). */
export interface ReplicaEvents {
  /** A conflict is held for the user (`client.conflicts()`). */
  conflict(error: ConflictError): void;
  /** The server refused a write (or a policy dropped it): it was rolled back. */
  rejected(rejection: WriteRejection): void;
}

/** A write that will not be applied, and why. */
export interface WriteRejection {
  readonly uri: string;
  /** The write's idempotency key. */
  readonly key: string;
  readonly error: SynclineError;
}

export interface ReplicaCoreOptions {
  readonly persistence: ReplicaPersistence;
  readonly policy: ConflictPolicy;
  readonly policies: Readonly<Record<string, ConflictPolicy>>;
  readonly events: ReplicaEvents;
  /** A background persistence that failed (nothing waits on it to report to). */
  readonly onError?: ((error: unknown) => void) | undefined;
  /** After every commit of writes, conflicts or settled entries (other tabs then read them again). */
  readonly onCommit?: () => void;
  /** A write settled here (other tabs settle their callers of it; `rejected`: they emit `rejected` too). */
  readonly onSettled?: (write: PendingWrite, outcome: WriteOutcome, rejected: boolean) => void;
  /** Writes replaced by a write-back here (other tabs hand their callers on). */
  readonly onHandedOn?: (from: readonly string[], to: string) => void;
}

/** How a write ended: the server's record (null: deleted), or why it will not be applied. */
export type WriteOutcome = { readonly record: JsonRecord | null } | { readonly error: SynclineError };

/**
 * The state the offline parts share: the store, the outbox, the held conflicts, and the
 * rules tying them together. The store shows, for each URI, the server's latest known
 * version (`base`) with the URI's pending writes re-applied (and a held conflict's view);
 * every change that matters is persisted, in order, through one serial queue.
 *
 * @example
 * const core = createReplicaCore({ persistence, policy: 'merge', policies: {}, events });
 * core.show('/todos/1');
 */
export interface ReplicaCore {
  readonly store: ReplicaStore;
  readonly outbox: Outbox;
  readonly persistence: ReplicaPersistence;
  readonly events: ReplicaEvents;
  readonly conflicts: Map<string, HeldConflict>;
  /** The policy for a URI's conflict: the write's own, else its resource's, else the default. */
  policyFor(uri: string, write?: PendingWrite): ConflictPolicy;
  /** Recomputes the store's entry for `uri` from its base, pending writes and held conflict; answers it. */
  show(uri: string): ReplicaEntry | undefined;
  /** Moves `uri`'s base to a server version, unless the store already holds a newer one. */
  setBase(uri: string, record: JsonRecord | null, etag: string | null): void;
  /** Runs `task` after every earlier one (persistence and state changes stay in order). */
  serial<T>(task: () => Promise<T>): Promise<T>;
  /** Persists `batch` plus the store's current entries for `uris` (deleted ones removed). */
  commit(batch: PersistenceBatch, uris: Iterable<string>): Promise<void>;
  /** Settles the callers of a write (in every tab). */
  settle(write: PendingWrite, outcome: WriteOutcome): void;
  /** Settles the callers of a write that will not be applied, and tells the application. */
  reject(write: PendingWrite, error: SynclineError): void;
  /** The callers of writes replaced by a write-back now wait for it (in every tab). */
  handOn(from: readonly string[], to: string): void;
}

/**
 * Creates the shared state, with a store whose pushed changes are rebased under pending writes.
 *
 * @example
 * const core = createReplicaCore({ persistence: memoryPersistence(), policy: 'merge', policies: {}, events });
 */
export function createReplicaCore(options: ReplicaCoreOptions): ReplicaCore {
  const outbox = createOutbox();
  const conflicts = new Map<string, HeldConflict>();
  const overlay = (uri: string, base: JsonRecord | null): JsonRecord | null | undefined => {
    const writes = outbox.forUri(uri);
    const held = conflicts.get(uri);
    if (writes.length === 0 && held === undefined) return undefined;
    return rebase(held ? heldView(held) : base, writes);
  };
  // A server version that arrives before a URI's first pending write was sent pins that write
  // to the version it was made against: if the server moved, the write meets a 412 and its
  // policy, instead of being rebased silently over a change to the same field.
  const onServerMove = (uri: string, previous: ReplicaEntry): void => {
    const first = outbox.forUri(uri)[0];
    if (first === undefined || first.create || first.ifMatch !== undefined) return;
    const pinned: PendingWrite = { ...first, ifMatch: previous.etag, base: previous.base };
    outbox.put(pinned);
    void core.serial(() => options.persistence.commit({ putWrites: [pinned] })).catch((error: unknown) => options.onError?.(error));
  };
  const store = createReplicaStore({ overlay, onServerMove });
  let tail: Promise<unknown> = Promise.resolve();
  const core: ReplicaCore = {
    store,
    outbox,
    persistence: options.persistence,
    events: options.events,
    conflicts,
    policyFor(uri, write) {
      if (write?.policy) return write.policy;
      const resource = uri.split('/')[1] ?? '';
      return Object.hasOwn(options.policies, resource) ? (options.policies[resource] ?? options.policy) : options.policy;
    },
    show(uri) {
      const entry = store.get(uri);
      const base = entry?.base ?? null;
      const etag = entry?.etag ?? null;
      const data = overlay(uri, base);
      if (data !== undefined) store.set({ uri, etag, dirty: true, data, base });
      else if (entry && base === null) store.delete(uri);
      else if (entry && (entry.dirty || entry.data !== base)) store.set({ uri, etag, dirty: false, data: base, base });
      return store.get(uri);
    },
    setBase(uri, record, etag) {
      const entry = store.get(uri);
      const held = versionOf(entry?.base ?? null);
      const next = versionOf(record);
      if (held !== undefined && next !== undefined && next < held) return;
      store.set({ uri, etag: record ? etag : null, dirty: entry?.dirty ?? false, data: entry?.data ?? record, base: record });
      core.show(uri);
    },
    serial(task) {
      const run = tail.then(task);
      tail = run.catch(() => undefined);
      return run;
    },
    async commit(batch, uris) {
      const putEntries: ReplicaEntry[] = [...(batch.putEntries ?? [])];
      const deleteEntries: string[] = [...(batch.deleteEntries ?? [])];
      for (const uri of new Set(uris)) {
        const entry = store.get(uri);
        if (entry) putEntries.push(entry);
        else deleteEntries.push(uri);
      }
      await options.persistence.commit({ ...batch, putEntries, deleteEntries });
      options.onCommit?.();
    },
    settle(write, outcome) {
      outbox.settle(write.key, outcome);
      options.onSettled?.(write, outcome, false);
    },
    reject(write, error) {
      outbox.settle(write.key, { error });
      options.onSettled?.(write, { error }, true);
      options.events.rejected({ uri: write.uri, key: write.key, error });
    },
    handOn(from, to) {
      outbox.handOn(from, to);
      options.onHandedOn?.(from, to);
    },
  };
  return core;
}

/**
 * The error a held or overruled write rejects with: both versions, as a 412 would.
 *
 * @example
 * conflictErrorOf(held).server; // the server's version, or null when it was deleted there
 */
export function conflictErrorOf(held: Pick<HeldConflict, 'uri' | 'local' | 'server' | 'serverEtag'>): ConflictError {
  return new ConflictError({ uri: held.uri, local: held.local, server: held.server, serverEtag: held.serverEtag });
}
