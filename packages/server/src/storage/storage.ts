import type { CollectionQuery, Filter, ResourceDefinition, SystemFields } from '@syncline/schema';

/** A record as storage holds it: the system fields and the resource's own fields, decoded to JSON values. */
export type StoredRecord = SystemFields & { readonly [field: string]: unknown };

/** What a committed write did. */
export type ChangeKind = 'create' | 'update' | 'delete';

/**
 * One entry of the change log, appended in the same transaction as the write it records.
 * `seq` is gapless and increases in commit order; the record's `version` is the `seq` of
 * its last write, so an ETag is never reused, even across delete and re-create.
 */
export interface Change {
  readonly seq: number;
  readonly resource: string;
  readonly id: string;
  readonly kind: ChangeKind;
  /** The record after the write; `null` for a delete. */
  readonly after: StoredRecord | null;
  /** The record before the write; `null` for a create. The fan-out matches filters against both to push enter/leave. */
  readonly before: StoredRecord | null;
  /** Commit time, ISO 8601. */
  readonly at: string;
}

/**
 * A record before storage gives it a version. (Not `Omit<StoredRecord, 'version'>`: `Omit`
 * over an index signature keeps only the signature, and `id` would become `unknown`.)
 */
export type UnversionedRecord = Omit<SystemFields, 'version'> & { readonly [field: string]: unknown };

/**
 * A write for {@link StorageWriter.apply}. `update` and `delete` carry the record as the
 * caller read it; storage applies them only if the stored version is still `before.version`.
 */
export type Mutation =
  | { readonly kind: 'create'; readonly resource: string; readonly after: UnversionedRecord }
  | { readonly kind: 'update'; readonly resource: string; readonly before: StoredRecord; readonly after: UnversionedRecord }
  | { readonly kind: 'delete'; readonly resource: string; readonly before: StoredRecord };

/** Why {@link StorageWriter.apply} refused a mutation. */
export type StorageConflictReason = 'exists' | 'stale' | 'missing';

/** Thrown by {@link StorageWriter.apply}; the transaction may go on or be abandoned. */
export class StorageConflictError extends Error {
  readonly reason: StorageConflictReason;
  constructor(reason: StorageConflictReason, message: string) {
    super(message);
    this.name = 'StorageConflictError';
    this.reason = reason;
  }
}

/**
 * The answer a write under an idempotency key gave, kept so that a retry with the same key
 * gets it again without the write being applied twice. Saved in the write's own transaction.
 */
export interface StoredOutcome {
  /** The key as the pipeline scopes it (the caller and the client's key); at most a few hundred characters. */
  readonly key: string;
  /** A digest of the request (method, URI, body, conditional headers): a retry must match it. */
  readonly fingerprint: string;
  readonly status: number;
  /** Lower-case header names. */
  readonly headers: Readonly<Record<string, string>>;
  /** A JSON value; absent when the answer had no body. */
  readonly body?: unknown;
  /** When the key may be forgotten, in milliseconds since the epoch. */
  readonly expiresAt: number;
}

/** Reads inside one consistent snapshot. */
export interface StorageReader {
  get(resource: string, id: string): Promise<StoredRecord | undefined>;
  /** The records matching `query.filter`, in `query.order`, after `query.after`, at most `query.limit`. */
  list(resource: string, query: CollectionQuery): Promise<StoredRecord[]>;
  /** How many records match a filter (used by `restrict` references). */
  count(resource: string, filter: Filter): Promise<number>;
  /** The newest change-log position this snapshot includes (0 when the log is empty). */
  head(): Promise<number>;
  /** The outcome saved under `key`, expired or not (the caller compares `expiresAt`); undefined when none is. */
  findOutcome(key: string): Promise<StoredOutcome | undefined>;
}

/** Reads and writes inside one transaction. */
export interface StorageWriter extends StorageReader {
  /**
   * Applies a mutation and appends its change in this transaction: takes the next `seq`,
   * writes the record with `version = seq`, records `before` and `after`. Throws
   * {@link StorageConflictError} (`exists` on a create whose id is taken, `stale` when the
   * stored version is not `before.version`, `missing` when the record is gone).
   */
  apply(mutation: Mutation): Promise<Change>;
  /**
   * Saves an outcome in this transaction, so it commits or rolls back with the write it
   * answers. A row under the same key that expired at or before `now` (ms) is replaced.
   * Answers false, writing nothing, when an unexpired outcome already holds the key (another
   * transaction committed it first): the caller rolls back and answers that one.
   */
  saveOutcome(outcome: StoredOutcome, now: number): Promise<boolean>;
}

export interface LogBounds {
  /** The oldest `seq` still in the log; `head + 1` when the log is empty. */
  readonly oldest: number;
  /** The newest `seq` committed; 0 before the first write. */
  readonly head: number;
}

/**
 * The storage extension point: four operations and the change log. An adapter is done
 * when it passes the storage conformance suite (`@syncline/server/testing`).
 *
 * @example
 * const storage = createSqliteStorage({ filename: 'data/app.db' });
 * await storage.migrate([lists, todos]);
 * const change = await storage.write((tx) => tx.apply({ kind: 'create', resource: 'lists', after: { id, createdAt, updatedAt, title: 'Groceries' } }));
 */
export interface Storage {
  /** `sqlite`, `postgres`, …: for messages and dialect-specific tests. */
  readonly dialect: string;
  /** Creates the tables, columns and indexes the definitions need, and the change log. Idempotent. */
  migrate(resources: readonly ResourceDefinition[]): Promise<void>;
  /** Runs `fn` against one consistent snapshot. */
  read<T>(fn: (tx: StorageReader) => Promise<T>): Promise<T>;
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  write<T>(fn: (tx: StorageWriter) => Promise<T>): Promise<T>;
  /** Changes with `seq > after`, oldest first, at most `limit`. */
  changesSince(after: number, limit: number): Promise<Change[]>;
  logBounds(): Promise<LogBounds>;
  /** Deletes all but the newest `keep` changes; answers how many it deleted. */
  trimLog(keep: number): Promise<number>;
  /** Deletes the saved outcomes that expired at or before `before` (ms since the epoch); answers how many. */
  trimOutcomes(before: number): Promise<number>;
  /**
   * Optional: calls `listener` when changes may have been committed that no backplane will
   * announce (PostgreSQL: a write made outside Syncline, heard through LISTEN/NOTIFY), so
   * the change feed reads the log at once rather than at its next poll. A hint only: it
   * may come more than once or late, and the poll heals what it misses. Answers a
   * function that removes the listener.
   */
  onCommitted?(listener: () => void): () => void;
  close(): Promise<void>;
}
