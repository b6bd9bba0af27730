import type { Change, Mutation, StoredRecord } from '../storage.js';
import { changeOf, conflictWith, type MutationContext } from './apply-mutation.js';
import type { DirectConnection } from './direct-connection.js';
import { decodeRow, encodeRecord, type ResourceTable } from './record-codec.js';
import { CHANGES_TABLE, SEQ_TABLE } from './schema-ddl.js';
import type { SqlDialect } from './sql-dialect.js';

/*
 * The statements of a write as SQL text, written once per table: the same SQL that
 * apply-mutation.ts and change-log.ts build with Kysely, for a DirectConnection. Building
 * and compiling each statement with Kysely on every write cost more than running it.
 */

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** The SQL text of one table's statements, in its column order. */
interface TableStatements {
  readonly columns: readonly string[];
  readonly select: string;
  readonly insert: string;
  /** Sets every column but `id` (in `columns` order), where `id` and `version` match. */
  readonly update: string;
  readonly delete: string;
}

const statementsByTable = new WeakMap<ResourceTable, TableStatements>();

function statementsOf(table: ResourceTable): TableStatements {
  let statements = statementsByTable.get(table);
  if (statements === undefined) {
    const columns = [...table.columns.keys()];
    const name = quote(table.name);
    const byIdAndVersion = `WHERE ${quote('id')} = ? AND ${quote('version')} = ?`;
    statements = {
      columns,
      select: `SELECT * FROM ${name} WHERE ${quote('id')} = ?`,
      insert: `INSERT INTO ${name} (${columns.map(quote).join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      update: `UPDATE ${name} SET ${columns.filter((column) => column !== 'id').map((column) => `${quote(column)} = ?`).join(', ')} ${byIdAndVersion}`,
      delete: `DELETE FROM ${name} ${byIdAndVersion}`,
    };
    statementsByTable.set(table, statements);
  }
  return statements;
}

/*
 * On a direct connection (SQLite: one writer at a time, holding the database lock from
 * BEGIN IMMEDIATE) the head is the greater of the counter row and the log's newest seq,
 * and a write takes head + 1 without writing the counter: one statement and one page
 * fewer per commit. A refused mutation has taken nothing, and a rolled-back one leaves no
 * trace. The counter row is brought up to the head before the log is trimmed (so the head
 * survives trimming), which is also what it meant before: the newest seq handed out.
 */
const HEAD = `SELECT max(${quote('value')}, coalesce((SELECT max(${quote('seq')}) FROM ${quote(CHANGES_TABLE)}), 0)) AS ${quote('head')} FROM ${quote(SEQ_TABLE)} WHERE ${quote('id')} = 1`;
const STORE_HEAD = `UPDATE ${quote(SEQ_TABLE)} SET ${quote('value')} = ? WHERE ${quote('id')} = 1`;
const APPEND_CHANGE = `INSERT INTO ${quote(CHANGES_TABLE)} (${['seq', 'resource', 'record_id', 'kind', 'after', 'before', 'at'].map(quote).join(', ')}) VALUES (?, ?, ?, ?, ?, ?, ?)`;

/** The stored record, read inside the transaction. */
export function selectRecordDirect(direct: DirectConnection, dialect: SqlDialect, table: ResourceTable, id: string): StoredRecord | undefined {
  const row = direct.all(statementsOf(table).select, [id])[0];
  return row ? decodeRow(table, dialect, row) : undefined;
}

/** The newest seq handed out (0 before the first write), on a direct connection. */
export function readHeadDirect(direct: DirectConnection, dialect: SqlDialect): number {
  const row = direct.all(HEAD, [])[0];
  if (!row) throw new Error(`${SEQ_TABLE} has no row: run storage.migrate() first`);
  return Number(dialect.decode('integer', row['head']));
}

/** Stores the head in the counter row, inside a write transaction: run before trimming the log. Answers the head. */
export function storeHeadDirect(direct: DirectConnection, dialect: SqlDialect): number {
  const head = readHeadDirect(direct, dialect);
  direct.run(STORE_HEAD, [head]);
  return head;
}

/** What {@link applyMutationDirect} needs beyond {@link MutationContext}. */
export interface DirectMutationContext extends Omit<MutationContext, 'db'> {
  readonly direct: DirectConnection;
  /**
   * True when `mutation.before` is the very record this transaction read from storage and
   * nothing has written that record since (the transaction holds the write lock): it is
   * the stored one, so it need not be read again.
   */
  readonly beforeIsStored: boolean;
}

function write(context: DirectMutationContext, mutation: Mutation, row: Record<string, unknown> | undefined): number {
  const { direct, table } = context;
  const statements = statementsOf(table);
  if (mutation.kind === 'create') return direct.run(statements.insert, statements.columns.map((column) => row?.[column]));
  const where = [mutation.before.id, mutation.before.version];
  if (mutation.kind === 'delete') return direct.run(statements.delete, where);
  const values: unknown[] = [];
  for (const column of statements.columns) if (column !== 'id') values.push(row?.[column]);
  values.push(...where);
  return direct.run(statements.update, values);
}

/**
 * {@link applyMutation} on a {@link DirectConnection}, with the same guarantees: the next
 * seq (the transaction holds the write lock), the stored version checked, nothing written
 * for a refused mutation, and the change appended. The stored
 * record is read again only when the caller's `before` may not be the stored one.
 */
export function applyMutationDirect(context: DirectMutationContext, mutation: Mutation): Change {
  const { direct, dialect, table } = context;
  const id = mutation.kind === 'create' ? mutation.after.id : mutation.before.id;
  if (mutation.kind === 'update' && mutation.after.id !== id) {
    throw new TypeError(`Update of ${table.name}/${id} cannot change its id to "${mutation.after.id}"`);
  }
  const row = mutation.kind === 'delete' ? undefined : encodeRecord(table, dialect, mutation.after, 0);
  // This transaction holds the write lock: nobody else takes a seq until it ends.
  const seq = readHeadDirect(direct, dialect) + 1;
  const current = mutation.kind !== 'create' && context.beforeIsStored ? mutation.before : selectRecordDirect(direct, dialect, table, id);
  const conflict = conflictWith(mutation, current);
  if (conflict) throw conflict;
  if (row) row['version'] = dialect.encode('integer', seq);
  const written = write(context, mutation, row);
  // Unreachable while writers take turns; if it happens the transaction is not safe to commit.
  if (written !== 1) throw new Error(`${table.name}/${id}: ${mutation.kind} wrote ${written} rows, expected 1`);
  const change = changeOf(context, { seq, id, kind: mutation.kind, row, before: current });
  direct.run(APPEND_CHANGE, [seq, change.resource, id, change.kind, dialect.encode('json', change.after), dialect.encode('json', change.before), change.at]);
  return change;
}
