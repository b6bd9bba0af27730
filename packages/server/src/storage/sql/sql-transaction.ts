import { sql } from 'kysely';
import type { CollectionQuery, Filter } from '@syncline/schema';
import { StorageConflictError, type Change, type Mutation, type StorageReader, type StorageWriter, type StoredOutcome, type StoredRecord } from '../storage.js';
import { applyMutation, selectRecord } from './apply-mutation.js';
import { readHead } from './change-log.js';
import type { DirectConnection } from './direct-connection.js';
import { applyMutationDirect, readHeadDirect, selectRecordDirect } from './direct-writes.js';
import { filterToSql } from './filter-to-sql.js';
import { keysetToSql, orderToSql } from './order-to-sql.js';
import { selectOutcome, upsertOutcome } from './outcome-store.js';
import { decodeRow, type ResourceTable } from './record-codec.js';
import type { SqlDatabase, SqlDialect } from './sql-dialect.js';

/** What a transaction's handles share. */
export interface TransactionScope {
  readonly db: SqlDatabase;
  readonly dialect: SqlDialect;
  readonly tableOf: (resource: string) => ResourceTable;
  readonly now: () => Date;
  /** The connection without the query builder, when the dialect's adapter offers one: the hot statements run on it. */
  readonly direct?: DirectConnection;
}

/**
 * The state of one transaction: handles refuse calls once it has ended (a leaked `tx`
 * would otherwise run outside any transaction), and a write that failed half-way dooms it.
 */
export class TransactionState {
  open = true;
  /** Set when an `apply` failed other than by a conflict: committing could leave a record without its change. */
  doomedBy: unknown = undefined;
  /**
   * The records `get` read in this transaction, by resource and
   * id, until a mutation of that record: a write transaction holds the write lock from
   * its start, so these are the stored records, and an update or delete whose `before` is
   * one of them need not read it again.
   */
  readonly reads = new Map<string, StoredRecord>();
  check(): void {
    if (!this.open) throw new Error('This storage transaction has ended; use the tx only inside read()/write()');
  }
}

function readKey(resource: string, id: string): string {
  return `${resource}\u0000${id}`;
}

function checkLimit(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) throw new TypeError(`Query limit must be a non-negative integer, got ${limit}`);
  return limit;
}

/** A reader over the transaction's connection. */
export function createReader(scope: TransactionScope, state: TransactionState): StorageReader {
  const { db, dialect, tableOf } = scope;
  return {
    async get(resource, id) {
      state.check();
      const table = tableOf(resource);
      const record = scope.direct === undefined ? await selectRecord(db, dialect, table, id) : selectRecordDirect(scope.direct, dialect, table, id);
      if (record !== undefined) state.reads.set(readKey(resource, id), record);
      return record;
    },
    async list(resource, query: CollectionQuery) {
      state.check();
      const table = tableOf(resource);
      let builder = db.selectFrom(table.name).selectAll().where(filterToSql(query.filter, table, dialect));
      if (query.after) builder = builder.where(keysetToSql(query.order, query.after, table, dialect));
      for (const item of orderToSql(query.order, table, dialect)) {
        builder = builder.orderBy(item.expression, (by) => {
          const directed = item.direction === 'asc' ? by.asc() : by.desc();
          if (!item.nullable) return directed;
          return item.direction === 'asc' ? directed.nullsFirst() : directed.nullsLast();
        });
      }
      const rows = await builder.limit(checkLimit(query.limit)).execute();
      return rows.map((row) => decodeRow(table, dialect, row));
    },
    async count(resource, filter: Filter) {
      state.check();
      const table = tableOf(resource);
      const row = await db
        .selectFrom(table.name)
        .select(sql`count(*)`.as('count'))
        .where(filterToSql(filter, table, dialect))
        .executeTakeFirst();
      return Number(row?.['count'] ?? 0);
    },
    async head() {
      state.check();
      return scope.direct === undefined ? readHead(db, dialect) : readHeadDirect(scope.direct, dialect);
    },
    async findOutcome(key) {
      state.check();
      return selectOutcome(db, dialect, key);
    },
  };
}

/**
 * A writer: the reader plus `apply`. Calls to `apply` run one at a time even if the
 * caller does not await them, because giving back a refused seq relies on it being the
 * newest one taken. On a direct connection a mutation runs at once (synchronously) when
 * nothing is queued before it.
 */
export function createWriter(scope: TransactionScope, state: TransactionState): StorageWriter {
  let queue: Promise<unknown> = Promise.resolve();
  // Queued calls not yet settled: with none, a mutation on a direct connection runs at once.
  let pending = 0;
  function enqueue<T>(work: () => Promise<T>): Promise<T> {
    pending++;
    const run = queue.then(work);
    queue = run.catch(() => undefined).finally(() => pending--);
    return run;
  }
  /** Whether `mutation.before` is what `get` read of its record; forgets that read, since whatever happens next it may no longer be stored. */
  function forgetRead(mutation: Mutation): boolean {
    const key = readKey(mutation.resource, mutation.kind === 'create' ? mutation.after.id : mutation.before.id);
    const beforeIsStored = mutation.kind !== 'create' && state.reads.get(key) === mutation.before;
    state.reads.delete(key);
    return beforeIsStored;
  }
  function applyNow(mutation: Mutation, direct: DirectConnection): Change {
    state.check();
    const table = scope.tableOf(mutation.resource);
    const beforeIsStored = forgetRead(mutation);
    return applyMutationDirect({ direct, dialect: scope.dialect, table, at: scope.now().toISOString(), beforeIsStored }, mutation);
  }
  // A conflict is refused before anything is written, so the transaction may go on. Any
  // other error may come half-way (the driver refusing a value after the seq was taken),
  // so committing is no longer safe.
  function refused(error: unknown): unknown {
    if (!(error instanceof StorageConflictError)) state.doomedBy = error;
    return error;
  }
  const writer: StorageWriter = Object.assign(createReader(scope, state), {
    apply(mutation: Mutation): Promise<Change> {
      const direct = scope.direct;
      if (direct !== undefined && pending === 0) {
        try {
          return Promise.resolve(applyNow(mutation, direct));
        } catch (error) {
          return Promise.reject(refused(error));
        }
      }
      return enqueue(async () => {
        try {
          if (direct !== undefined) return applyNow(mutation, direct);
          state.check();
          const beforeIsStored = forgetRead(mutation);
          return await applyMutation({ db: scope.db, dialect: scope.dialect, table: scope.tableOf(mutation.resource), at: scope.now().toISOString(), beforeIsStored }, mutation);
        } catch (error) {
          throw refused(error);
        }
      });
    },
    saveOutcome(outcome: StoredOutcome, now: number): Promise<boolean> {
      // Queued behind the mutations: the outcome answers them, and a driver error here dooms the transaction too.
      return enqueue(async () => {
        state.check();
        try {
          return await upsertOutcome(scope.db, scope.dialect, outcome, now);
        } catch (error) {
          state.doomedBy = error;
          throw error;
        }
      });
    },
  });
  return writer;
}
