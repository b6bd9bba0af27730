import { sql } from 'kysely';
import type { ResourceDefinition } from '@syncline/schema';
import type { Storage } from '../storage.js';
import { deleteOldChanges, readBounds, selectChanges } from './change-log.js';
import { deleteExpiredOutcomes } from './outcome-store.js';
import { describeTable, type ResourceTable } from './record-codec.js';
import { RESERVED_TABLE_PREFIX, migrateTables } from './schema-ddl.js';
import type { DirectConnection } from './direct-connection.js';
import { readHeadDirect, storeHeadDirect } from './direct-writes.js';
import type { SqlDatabase, SqlDialect } from './sql-dialect.js';
import { TransactionState, createReader, createWriter, type TransactionScope } from './sql-transaction.js';

export interface SqlStorageOptions {
  /** The Kysely instance; the storage owns it and destroys it on `close()`. */
  readonly db: SqlDatabase;
  readonly dialect: SqlDialect;
  /** The clock for change times (`Change.at`); tests may pass a fixed one. */
  readonly now?: () => Date;
  /**
   * The open connection without the query builder, for adapters whose driver runs SQL
   * synchronously (SQLite); `undefined` until it opens. When given, transactions begin and
   * end on it and writes run their statements on it (`direct-writes.ts`); every other
   * query goes through Kysely.
   */
  readonly direct?: () => DirectConnection | undefined;
}

function checkCount(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new TypeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/**
 * {@link Storage} over any SQL database Kysely speaks, given the few things that differ
 * (a {@link SqlDialect}). Every call to `read`, `write`, `trimLog` and `logBounds` holds
 * one connection for one transaction; so never call the storage from inside `fn`
 * (on SQLite's single connection that waits forever), use the `tx` it is given.
 *
 * @example
 * const db = new Kysely<SqlTables>({ dialect: new SqliteDialect({ database }) });
 * const storage = createSqlStorage({ db, dialect: sqliteDialect });
 * await storage.migrate([lists, todos]);
 */
export function createSqlStorage(options: SqlStorageOptions): Storage {
  const { db, dialect } = options;
  const now = options.now ?? (() => new Date());
  const tables = new Map<string, ResourceTable>();
  // Work under way when close() is called finishes first: a shutdown must not cut a commit.
  const inFlight = new Set<Promise<unknown>>();
  let closed = false;

  function track<T>(work: Promise<T>): Promise<T> {
    inFlight.add(work);
    void work.finally(() => inFlight.delete(work)).catch(() => undefined);
    return work;
  }

  function tableOf(resource: string): ResourceTable {
    const table = tables.get(resource);
    if (!table) throw new Error(`Resource "${resource}" is not migrated: pass its definition to storage.migrate() first`);
    return table;
  }

  /**
   * With a direct connection (one connection, SQLite) the storage takes turns on it
   * itself, instead of asking Kysely for the connection around every transaction: a
   * transaction and a read of the log (`changesSince`) each hold it whole, so Kysely's own
   * queries inside a transaction never wait, and nothing runs between a transaction's
   * statements. Without one, Kysely's connection provider hands out the connections.
   */
  let turn: Promise<unknown> = Promise.resolve();
  function exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = turn.then(work);
    turn = run.catch(() => undefined);
    return run;
  }

  /** Runs `fn` in a transaction on one connection: commit if it resolves, roll back if it throws. */
  async function transaction<T>(begin: string, fn: (scope: TransactionScope, state: TransactionState) => Promise<T>, lock?: string): Promise<T> {
    if (closed) throw new Error('Storage is closed');
    if (options.direct === undefined) return track(db.connection().execute((connection) => inTransaction({ connection }, begin, fn, lock)));
    const direct = options.direct;
    return track(
      exclusive(() => {
        const opened = direct();
        // The first use opens the database through Kysely; every later one runs on it directly.
        return opened === undefined ? db.connection().execute((connection) => inTransaction({ connection }, begin, fn, lock)) : inTransaction({ connection: db, direct: opened }, begin, fn, lock);
      }),
    );
  }

  /** The body of {@link transaction}, on a connection Kysely handed out or (`direct`) the one the storage holds. */
  async function inTransaction<T>(
    on: { readonly connection: SqlDatabase; readonly direct?: DirectConnection },
    begin: string,
    fn: (scope: TransactionScope, state: TransactionState) => Promise<T>,
    lock: string | undefined,
  ): Promise<T> {
    const { connection, direct } = on;
    const state = new TransactionState();
    const run = direct === undefined ? (source: string) => sql.raw(source).execute(connection) : (source: string) => direct.run(source, []);
    await run(begin);
    try {
      if (lock !== undefined) await run(lock);
      const result = await fn({ db: connection, dialect, tableOf, now, ...(direct === undefined ? {} : { direct }) }, state);
      if (state.doomedBy !== undefined) throw state.doomedBy;
      await run('COMMIT');
      return result;
    } catch (error) {
      // The caller needs the error that failed the transaction; a failing ROLLBACK
      // (after a failed COMMIT the database may have rolled back already) is secondary.
      try {
        await run('ROLLBACK');
      } catch {
        // secondary, as said
      }
      throw error;
    } finally {
      state.open = false;
    }
  }

  return {
    dialect: dialect.name,
    async migrate(definitions: readonly ResourceDefinition[]) {
      const described = definitions.map((definition) => {
        if (definition.name.startsWith(RESERVED_TABLE_PREFIX)) {
          throw new TypeError(`Resource name "${definition.name}" is reserved: "${RESERVED_TABLE_PREFIX}" prefixes Syncline's own tables`);
        }
        return describeTable(definition);
      });
      await transaction(dialect.beginWrite, (scope) => migrateTables(scope.db, dialect, described));
      for (const table of described) tables.set(table.name, table);
    },
    read: (fn) => transaction(dialect.beginRead, (scope, state) => fn(createReader(scope, state))),
    write: (fn) => transaction(dialect.beginWrite, (scope, state) => fn(createWriter(scope, state)), dialect.lockWriters),
    async changesSince(after, limit) {
      if (closed) throw new Error('Storage is closed');
      checkCount('limit', limit);
      const select = () => selectChanges(db, dialect, after, limit);
      return track(options.direct === undefined ? select() : exclusive(select));
    },
    logBounds: () => transaction(dialect.beginRead, (scope) => readBounds(scope.db, dialect, scope.direct && readHeadDirect(scope.direct, dialect))),
    async trimLog(keep) {
      checkCount('keep', keep);
      // On a direct connection the head lives partly in the log: store it before trimming.
      return transaction(dialect.beginWrite, (scope) => deleteOldChanges(scope.db, dialect, keep, scope.direct && storeHeadDirect(scope.direct, dialect)));
    },
    // Not behind the writers' lock: deleting expired rows never races a write's own key
    // (saveOutcome replaces an expired row itself), so writes need not wait for a sweep.
    trimOutcomes: (before) => transaction(dialect.beginWrite, (scope) => deleteExpiredOutcomes(scope.db, before)),
    async close() {
      if (closed) return;
      closed = true;
      await Promise.allSettled([...inFlight]);
      await db.destroy();
    },
  };
}
