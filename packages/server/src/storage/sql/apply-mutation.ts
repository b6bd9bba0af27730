import { sql, type SqlBool } from 'kysely';
import { StorageConflictError, type Change, type Mutation, type StoredRecord } from '../storage.js';
import { appendChange, returnSeq, takeSeq } from './change-log.js';
import { CHANGES_TABLE, SEQ_TABLE } from './schema-ddl.js';
import { decodeRow, encodeRecord, type ResourceTable } from './record-codec.js';
import type { SqlDatabase, SqlDialect } from './sql-dialect.js';

/** What {@link applyMutation} needs from the transaction it runs in. */
export interface MutationContext {
  readonly db: SqlDatabase;
  readonly dialect: SqlDialect;
  readonly table: ResourceTable;
  /** The commit time to record, ISO 8601. */
  readonly at: string;
  /**
   * True when `mutation.before` is the very record this transaction read from storage and
   * nothing has written that record since (the transaction holds the writers' lock): it is
   * the stored one, so it need not be read again.
   */
  readonly beforeIsStored?: boolean;
}

function byId(id: string) {
  return sql<SqlBool>`${sql.id('id')} = ${id}`;
}

function byIdAndVersion(id: string, version: number) {
  return sql<SqlBool>`${sql.id('id')} = ${id} AND ${sql.id('version')} = ${version}`;
}

/** The stored record, read inside the write transaction. */
export async function selectRecord(db: SqlDatabase, dialect: SqlDialect, table: ResourceTable, id: string): Promise<StoredRecord | undefined> {
  const row = await db.selectFrom(table.name).selectAll().where(byId(id)).executeTakeFirst();
  return row ? decodeRow(table, dialect, row) : undefined;
}

/** Why the stored record refuses the mutation, if it does. */
export function conflictWith(mutation: Mutation, current: StoredRecord | undefined): StorageConflictError | undefined {
  const where = `${mutation.resource}/${mutation.kind === 'create' ? mutation.after.id : mutation.before.id}`;
  if (mutation.kind === 'create') {
    return current ? new StorageConflictError('exists', `${where} already exists`) : undefined;
  }
  if (!current) return new StorageConflictError('missing', `${where} does not exist`);
  if (current.version !== mutation.before.version) {
    return new StorageConflictError('stale', `${where} is at version ${current.version}, not ${mutation.before.version}`);
  }
  return undefined;
}

/**
 * Applies one mutation and appends its change, inside the caller's write transaction.
 * It takes the seq first: from then on this transaction holds the counter row, so the
 * check against the stored version cannot race another writer (in any dialect), and the
 * write's `WHERE version = …` is a second guard. A refused mutation gives its seq back.
 * Rows are encoded before anything is written, so a bad value throws with nothing done.
 * On a dialect with data-modifying CTEs (PostgreSQL) it runs as one statement instead
 * (see {@link applyWithSeqInStatement}).
 *
 * @example
 * const change = await applyMutation({ db: tx, dialect, table, at: new Date().toISOString() }, mutation);
 */
/** What a stored mutation became: its position, its record and the row written (none for a delete), and the record before it. */
export interface WrittenRow {
  readonly seq: number;
  readonly id: string;
  readonly kind: Mutation['kind'];
  readonly row: Record<string, unknown> | undefined;
  readonly before: StoredRecord | undefined;
}

/** The change a mutation makes, as the log keeps it and the feed publishes it (the row decoded back, so `after` is what a read gives). */
export function changeOf(context: Pick<MutationContext, 'table' | 'dialect' | 'at'>, written: WrittenRow): Change {
  const { table, dialect } = context;
  return {
    seq: written.seq,
    resource: table.name,
    id: written.id,
    kind: written.kind,
    after: written.row ? decodeRow(table, dialect, written.row) : null,
    before: written.before ?? null,
    at: context.at,
  };
}

export async function applyMutation(context: MutationContext, mutation: Mutation): Promise<Change> {
  const { db, dialect, table } = context;
  const id = mutation.kind === 'create' ? mutation.after.id : mutation.before.id;
  if (mutation.kind === 'update' && mutation.after.id !== id) {
    throw new TypeError(`Update of ${table.name}/${id} cannot change its id to "${mutation.after.id}"`);
  }
  const row = mutation.kind === 'delete' ? undefined : encodeRecord(table, dialect, mutation.after, 0);
  if (dialect.modifyingCte === true) return applyWithSeqInStatement(context, mutation, row);
  const seq = await takeSeq(db, dialect);
  const current = await selectRecord(db, dialect, table, id);
  const conflict = conflictWith(mutation, current);
  if (conflict) {
    await returnSeq(db);
    throw conflict;
  }
  if (row) row['version'] = dialect.encode('integer', seq);
  let written: bigint;
  if (mutation.kind === 'create') {
    written = (await db.insertInto(table.name).values(row ?? {}).executeTakeFirst()).numInsertedOrUpdatedRows ?? 1n;
  } else if (mutation.kind === 'update') {
    const { id: _unchanged, ...columns } = row ?? {};
    const result = await db.updateTable(table.name).set(columns).where(byIdAndVersion(id, mutation.before.version)).executeTakeFirst();
    written = result.numUpdatedRows;
  } else {
    const result = await db.deleteFrom(table.name).where(byIdAndVersion(id, mutation.before.version)).executeTakeFirst();
    written = result.numDeletedRows;
  }
  // Unreachable while the counter serializes writers; if it happens the transaction is
  // not safe to commit, so this is not a conflict the caller may step over.
  if (written !== 1n) throw new Error(`${table.name}/${id}: ${mutation.kind} wrote ${written} rows, expected 1`);
  const change = changeOf(context, { seq, id, kind: mutation.kind, row, before: current });
  await appendChange(db, dialect, change);
  return change;
}

/** The CTE that takes the next seq inside the statement that writes the record. */
const NEXT_SEQ = 'syncline_next_seq';
const SEQ_OF_STATEMENT = sql`(SELECT ${sql.id('value')} FROM ${sql.id(NEXT_SEQ)})`;

const WRITTEN = 'syncline_written';

/**
 * The whole mutation in one statement: data-modifying CTEs bump the counter row and write
 * the record (its `version` is the new seq), and the statement itself appends the change,
 * its `after` given that version, for each row written. Returns the seq, or `undefined`
 * when no row matched: the counter was bumped all the same, so the caller must not commit
 * (it throws, and the write's savepoint or transaction is rolled back).
 */
async function writeWithSeq(context: MutationContext, mutation: Mutation, row: Record<string, unknown> | undefined, change: Change): Promise<unknown> {
  const { db, dialect, table } = context;
  const withSeq = db.with(NEXT_SEQ, (qb) =>
    qb.updateTable(SEQ_TABLE).set({ value: sql`${sql.id('value')} + 1` }).where(sql<SqlBool>`${sql.id('id')} = 1`).returning(sql.id('value').as('value')),
  );
  const one = sql`1`.as('one');
  const written =
    mutation.kind === 'create'
      ? withSeq.with(WRITTEN, (qb) => qb.insertInto(table.name).values({ ...row, version: SEQ_OF_STATEMENT }).returning(one))
      : mutation.kind === 'update'
        ? withSeq.with(WRITTEN, (qb) => {
            const { id: _unchanged, ...columns } = row ?? {};
            return qb.updateTable(table.name).set({ ...columns, version: SEQ_OF_STATEMENT }).where(byIdAndVersion(mutation.before.id, mutation.before.version)).returning(one);
          })
        : withSeq.with(WRITTEN, (qb) => qb.deleteFrom(table.name).where(byIdAndVersion(mutation.before.id, mutation.before.version)).returning(one));
  const seq = sql.ref(`${NEXT_SEQ}.value`);
  const after =
    change.after === null ? sql`NULL::jsonb` : sql`jsonb_set(${dialect.encode('json', change.after)}::jsonb, '{version}', to_jsonb(${seq}))`;
  const result = await written
    .insertInto(CHANGES_TABLE)
    .columns(['seq', 'resource', 'record_id', 'kind', 'after', 'before', 'at'])
    .expression((eb) =>
      eb
        .selectFrom([NEXT_SEQ, WRITTEN])
        .select([
          seq.as('seq'),
          sql`${change.resource}`.as('resource'),
          sql`${change.id}`.as('record_id'),
          sql`${change.kind}`.as('kind'),
          after.as('after'),
          sql`${dialect.encode('json', change.before)}::jsonb`.as('before'),
          sql`${change.at}`.as('at'),
        ]),
    )
    .returning(sql.id('seq').as('seq'))
    .executeTakeFirst();
  return result?.['seq'];
}

/**
 * {@link applyMutation} where the dialect allows data-modifying CTEs (PostgreSQL): the
 * writers' lock is held from the transaction's start (`lockWriters`), so the stored record
 * is read (only when `before` may not be it) and checked before any seq is taken, and a
 * refused mutation has nothing to give back. Then one round trip: the counter, the
 * record's write and the change-log entry in one statement.
 */
async function applyWithSeqInStatement(context: MutationContext, mutation: Mutation, row: Record<string, unknown> | undefined): Promise<Change> {
  const { db, dialect, table } = context;
  const id = mutation.kind === 'create' ? mutation.after.id : mutation.before.id;
  const current = mutation.kind !== 'create' && context.beforeIsStored === true ? mutation.before : await selectRecord(db, dialect, table, id);
  const conflict = conflictWith(mutation, current);
  if (conflict) throw conflict;
  // The change as it will be logged, but for its seq and the record's version, which the statement sets.
  const pending = changeOf(context, { seq: 0, id, kind: mutation.kind, row, before: current });
  const raw = await writeWithSeq(context, mutation, row, pending);
  // Unreachable while the lock serializes writers; if it happens the counter moved without
  // a change, so the transaction is not safe to commit.
  if (raw === undefined || raw === null) throw new Error(`${table.name}/${id}: ${mutation.kind} wrote 0 rows, expected 1`);
  const seq = Number(dialect.decode('integer', raw));
  if (row) row['version'] = dialect.encode('integer', seq);
  return { ...pending, seq, after: pending.after === null ? null : { ...pending.after, version: seq } };
}
