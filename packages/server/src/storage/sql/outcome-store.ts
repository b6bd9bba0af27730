import { sql, type SqlBool } from 'kysely';
import type { StoredOutcome } from '../storage.js';
import type { SqlDatabase, SqlDialect } from './sql-dialect.js';

/** The outcomes of writes made under an idempotency key, one row per scoped key. */
export const OUTCOMES_TABLE = 'syncline_outcomes';

/** What the `outcome` column holds: the answer as the pipeline gave it. */
interface EncodedOutcome {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

/**
 * Creates the outcomes table and the index the expiry sweep walks, so a sweep reads only
 * the rows it deletes. Part of `migrate()`.
 *
 * @example
 * await createOutcomesTable(tx, sqliteDialect);
 */
export async function createOutcomesTable(db: SqlDatabase, dialect: SqlDialect): Promise<void> {
  const text = dialect.columnType('string');
  await db.schema
    .createTable(OUTCOMES_TABLE)
    .ifNotExists()
    .addColumn('idempotency_key', text, (column) => column.primaryKey().notNull())
    .addColumn('fingerprint', text, (column) => column.notNull())
    .addColumn('outcome', dialect.columnType('json'), (column) => column.notNull())
    .addColumn('expires_at', dialect.seqType, (column) => column.notNull())
    .execute();
  await db.schema.createIndex(`${OUTCOMES_TABLE}__expires_at__idx`).ifNotExists().on(OUTCOMES_TABLE).column('expires_at').execute();
}

function checkTime(name: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new TypeError(`${name} must be an integer number of milliseconds, got ${value}`);
  return value;
}

/**
 * The outcome saved under `key`, expired or not.
 *
 * @example
 * const saved = await selectOutcome(tx, postgresDialect, '["principal:ana","8e03978e"]');
 */
export async function selectOutcome(db: SqlDatabase, dialect: SqlDialect, key: string): Promise<StoredOutcome | undefined> {
  const row = await db
    .selectFrom(OUTCOMES_TABLE)
    .selectAll()
    .where(sql<SqlBool>`${sql.id('idempotency_key')} = ${key}`)
    .executeTakeFirst();
  if (!row) return undefined;
  const encoded = dialect.decode('json', row['outcome']) as EncodedOutcome;
  return {
    key: String(row['idempotency_key']),
    fingerprint: String(row['fingerprint']),
    status: encoded.status,
    headers: encoded.headers,
    ...(encoded.body === undefined ? {} : { body: encoded.body }),
    expiresAt: Number(dialect.decode('integer', row['expires_at'])),
  };
}

/**
 * Inserts an outcome, or replaces one under the same key that expired at or before `now`;
 * an unexpired row is left alone (the upsert's `WHERE` is false), which answers false.
 * Under the write lock both dialects hold, no other transaction can slip in between.
 *
 * @example
 * const saved = await upsertOutcome(tx, sqliteDialect, { key, fingerprint, status: 201, headers, body, expiresAt: now + ttl }, now);
 */
export async function upsertOutcome(db: SqlDatabase, dialect: SqlDialect, outcome: StoredOutcome, now: number): Promise<boolean> {
  const encoded: EncodedOutcome = { status: outcome.status, headers: outcome.headers, ...(outcome.body === undefined ? {} : { body: outcome.body }) };
  const values = {
    fingerprint: outcome.fingerprint,
    outcome: dialect.encode('json', encoded),
    expires_at: checkTime('expiresAt', outcome.expiresAt),
  };
  const result = await db
    .insertInto(OUTCOMES_TABLE)
    .values({ idempotency_key: outcome.key, ...values })
    .onConflict((conflict) =>
      conflict
        .column('idempotency_key')
        .doUpdateSet(values)
        .where(sql<SqlBool>`${sql.id(OUTCOMES_TABLE, 'expires_at')} <= ${checkTime('now', now)}`),
    )
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
}

/**
 * Deletes the outcomes that expired at or before `before`; answers how many.
 *
 * @example
 * const deleted = await deleteExpiredOutcomes(tx, clock.now());
 */
export async function deleteExpiredOutcomes(db: SqlDatabase, before: number): Promise<number> {
  const result = await db
    .deleteFrom(OUTCOMES_TABLE)
    .where(sql<SqlBool>`${sql.id('expires_at')} <= ${checkTime('before', before)}`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
