import type { JsonRecord } from '../requests/answers.js';
import type { ReplicaEntry } from '../store/replica-store.js';

/**
 * A write waiting in the outbox, in the order it was made. Its `key` is the
 * `Idempotency-Key` it is sent with every time, so a retry after a lost answer is
 * answered from the server's stored outcome instead of being applied twice.
 */
export interface PendingWrite {
  /** The idempotency key (a UUID); also the write's id in the outbox. */
  readonly key: string;
  /** Local order: writes are sent in increasing `order` (microseconds of the time they were made), one at a time. */
  readonly order: number;
  /** The record's URI (creates use a client-chosen UUID: `PUT /todos/<uuid>` with `If-None-Match: *`). */
  readonly uri: string;
  readonly method: 'PUT' | 'PATCH' | 'DELETE' | 'POST';
  /** Creates are `PUT` with `If-None-Match: *`: 201, or 412 when the id exists. */
  readonly create: boolean;
  readonly body?: unknown;
  /** Extra request headers (`content-type` for PATCH); `if-match` is added when sent, from the replica. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The `If-Match` this write is sent with (null: none), fixed when it is first sent (the
   * entry's server ETag then), or earlier when a newer server version arrives before that (the
   * ETag it replaced), and persisted before the write leaves, so every retry is the same
   * request and the server's stored outcome answers it. Set from the start on a conflict's write-back:
   * the server version it merged with, so a third writer in between causes another 412.
   */
  readonly ifMatch?: string | null;
  /** The server version `ifMatch` names (null: none): the base of a three-way merge when this write meets a 412. */
  readonly base?: JsonRecord | null;
  /** The conflict policy asked for on this call, overriding the resource's. */
  readonly policy?: ConflictPolicyName;
  /**
   * The user's resolution of a held conflict (`client.resolve`), or a write-back carrying
   * one. If it meets a newer server version, it is merged with it and held again where both
   * changed the same field (written over it for a `client-wins` resource), never dropped for
   * the server's version, and never acknowledged with a version that does not carry it.
   */
  readonly resolution?: true;
  /** When the write was made (ms since the epoch). */
  readonly madeAt: number;
}

/** A conflict the policy could not settle: both versions, kept until the application resolves it. */
export interface HeldConflict {
  readonly uri: string;
  /** The server version the local edit started from (null: the local edit was a create). */
  readonly base: JsonRecord | null;
  /** What the local edit made of it (null: a local delete). */
  readonly local: JsonRecord | null;
  /** The server's current version (null: deleted on the server) and its ETag. */
  readonly server: JsonRecord | null;
  readonly serverEtag: string | null;
  /** The fields changed on both sides with different values (paths joined with `.`); empty for edit/delete conflicts. */
  readonly fields: readonly string[];
  readonly heldAt: number;
}

/** Everything a replica keeps across page loads and restarts. */
export interface PersistedState {
  readonly entries: readonly ReplicaEntry[];
  /** In `order`. */
  readonly outbox: readonly PendingWrite[];
  readonly conflicts: readonly HeldConflict[];
}

/** Changes to persist together (atomically where the backend allows). */
export interface PersistenceBatch {
  readonly putEntries?: readonly ReplicaEntry[];
  readonly deleteEntries?: readonly string[];
  readonly putWrites?: readonly PendingWrite[];
  /** Keys. */
  readonly deleteWrites?: readonly string[];
  readonly putConflicts?: readonly HeldConflict[];
  /** URIs. */
  readonly deleteConflicts?: readonly string[];
}

/**
 * Where a replica and its outbox live: IndexedDB in browsers, memory or a file in Node.
 * An adapter is done when it passes the persistence conformance tests.
 *
 * @example
 * const persistence = indexedDbPersistence({ name: 'syncline:https://todo.example' });
 * const state = await persistence.load();
 * await persistence.commit({ putWrites: [write], putEntries: [entry] });
 */
export interface ReplicaPersistence {
  load(): Promise<PersistedState>;
  commit(batch: PersistenceBatch): Promise<void>;
  close(): Promise<void>;
  /**
   * Closes this store and deletes everything it persisted (the replica, the outbox, held
   * conflicts), after the commits already called: the IndexedDB database, the file, the
   * memory. A store opened on the same name or path afterwards starts empty. Deleting a
   * store that holds nothing, or deleting twice, succeeds.
   */
  destroy(): Promise<void>;
}

/** The built-in conflict policies (dirty, and the server's ETag differs: docs/design-notes.md, "The reconcile table"). */
export type ConflictPolicyName = 'server-wins' | 'client-wins' | 'merge';

/** What a custom policy decides: a record to write back (with `If-Match` on `server`'s ETag), the server's version, or to hold the conflict for the user. */
export type ConflictResolution = { readonly use: 'server' } | { readonly use: 'record'; readonly record: JsonRecord | null } | { readonly use: 'hold' };

export type ConflictPolicy = ConflictPolicyName | ((conflict: Omit<HeldConflict, 'heldAt' | 'fields'>) => ConflictResolution | Promise<ConflictResolution>);

/** The five outcomes of reconciliation (docs/design-notes.md, "The reconcile table"). */
export type ReconcileOutcome = 'create' | 'ok' | 'conflict' | 'noop' | 'redownload';
