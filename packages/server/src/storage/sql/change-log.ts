import { sql, type SqlBool } from 'kysely';
import type { Change, ChangeKind, LogBounds, StoredRecord } from '../storage.js';
import { CHANGES_TABLE, SEQ_TABLE } from './schema-ddl.js';
import type { SqlDatabase, SqlDialect } from './sql-dialect.js';

const ONLY_ROW = sql<SqlBool>`${sql.id('id')} = 1`;

function toSeq(dialect: SqlDialect, raw: unknown): number {
  return raw === null || raw === undefined ? 0 : Number(dialect.decode('integer', raw));
}

/**
 * Takes the next `seq` from the counter row, inside the caller's write transaction. The
 * row stays locked until commit (SQLite: the whole database), so seqs are handed out in
 * commit order and no reader ever sees seq n+1 before n.
 */
export async function takeSeq(db: SqlDatabase, dialect: SqlDialect): Promise<number> {
  const row = await db
    .updateTable(SEQ_TABLE)
    .set({ value: sql`${sql.id('value')} + 1` })
    .where(ONLY_ROW)
    .returning(sql.id('value').as('value'))
    .executeTakeFirst();
  if (!row) throw new Error(`${SEQ_TABLE} has no row: run storage.migrate() first`);
  return toSeq(dialect, row['value']);
}

/**
 * Gives back the seq this transaction took last, when the mutation it was for is refused:
 * the transaction still holds the counter, so nobody took a later one, and the log stays
 * gapless even if the caller goes on and commits.
 */
export async function returnSeq(db: SqlDatabase): Promise<void> {
  await db
    .updateTable(SEQ_TABLE)
    .set({ value: sql`${sql.id('value')} - 1` })
    .where(ONLY_ROW)
    .execute();
}

/** The newest seq handed out (0 before the first write); it survives trimming. */
export async function readHead(db: SqlDatabase, dialect: SqlDialect): Promise<number> {
  const row = await db.selectFrom(SEQ_TABLE).select(sql.id('value').as('value')).where(ONLY_ROW).executeTakeFirst();
  return toSeq(dialect, row?.['value']);
}

export async function appendChange(db: SqlDatabase, dialect: SqlDialect, change: Change): Promise<void> {
  await db
    .insertInto(CHANGES_TABLE)
    .values({
      seq: change.seq,
      resource: change.resource,
      record_id: change.id,
      kind: change.kind,
      after: dialect.encode('json', change.after),
      before: dialect.encode('json', change.before),
      at: change.at,
    })
    .execute();
}

function decodeRecord(dialect: SqlDialect, raw: unknown): StoredRecord | null {
  return raw === null || raw === undefined ? null : (dialect.decode('json', raw) as StoredRecord);
}

/** Changes with `seq > after`, oldest first, at most `limit`. */
export async function selectChanges(db: SqlDatabase, dialect: SqlDialect, after: number, limit: number): Promise<Change[]> {
  const rows = await db
    .selectFrom(CHANGES_TABLE)
    .selectAll()
    .where(sql<SqlBool>`${sql.id('seq')} > ${after}`)
    .orderBy(sql.id('seq'))
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    seq: toSeq(dialect, row['seq']),
    resource: String(row['resource']),
    id: String(row['record_id']),
    kind: String(row['kind']) as ChangeKind,
    after: decodeRecord(dialect, row['after']),
    before: decodeRecord(dialect, row['before']),
    at: String(row['at']),
  }));
}

/** The log's bounds (`knownHead`: the head, when the caller read it); run it in one snapshot so `oldest` and `head` agree. */
export async function readBounds(db: SqlDatabase, dialect: SqlDialect, knownHead?: number): Promise<LogBounds> {
  const head = knownHead ?? (await readHead(db, dialect));
  const row = await db.selectFrom(CHANGES_TABLE).select(sql`min(${sql.id('seq')})`.as('oldest')).executeTakeFirst();
  const oldest = row?.['oldest'];
  return { oldest: oldest === null || oldest === undefined ? head + 1 : toSeq(dialect, oldest), head };
}

/**
 * Deletes all but the newest `keep` changes. The log is gapless from its oldest entry to
 * the head, so those are exactly the ones with `seq <= head - keep`. `knownHead`: the head,
 * when the caller read it.
 */
export async function deleteOldChanges(db: SqlDatabase, dialect: SqlDialect, keep: number, knownHead?: number): Promise<number> {
  const head = knownHead ?? (await readHead(db, dialect));
  const result = await db
    .deleteFrom(CHANGES_TABLE)
    .where(sql<SqlBool>`${sql.id('seq')} <= ${head - keep}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
