import { sql, type ColumnDataType, type SqlBool } from 'kysely';
import type { FieldKind } from '@syncline/schema';
import { SEQ_TABLE } from '../sql/schema-ddl.js';
import type { SqlDialect } from '../sql/sql-dialect.js';

const COLUMN_TYPES: Readonly<Record<FieldKind, ColumnDataType>> = {
  string: 'text',
  // Not bigint: filters compare integer fields with any number (`rank > 0.5` is a valid
  // query), and PostgreSQL refuses '0.5' as a bigint parameter. A double holds every safe
  // integer exactly, which is all a JSON number can carry anyway.
  integer: 'double precision',
  number: 'double precision',
  boolean: 'boolean',
  json: 'jsonb',
};

/**
 * PostgreSQL as {@link SqlDialect} sees it: jsonb for json fields (read back as text and
 * parsed here, the same way for driver rows and for encoded ones), native booleans, `bigint` for `seq` and `version` (the
 * driver answers int8 as a string, turned back into a number here), strings ordered by
 * `COLLATE "C"` (bytes of UTF-8, that is code points, whatever the database's locale),
 * and `contains` as jsonb containment.
 *
 * Reads run in one REPEATABLE READ snapshot, so a page and its `head` agree. Writes run
 * in READ COMMITTED and begin by locking the `syncline_seq` row, held until commit: write
 * transactions run one at a time, as on SQLite, so what a write reads (a reference's
 * target, the children it inherits to) cannot change under it, and seq order is commit
 * order: no reader ever sees n+1 without n — the trap a BIGSERIAL falls into (docs/design-notes.md, "Positions never pass an uncommitted write").
 * The PostgreSQL storage runs many writes in one such transaction (group commit, postgres-write-batch.ts).
 *
 * @example
 * const storage = createSqlStorage({ db, dialect: postgresDialect });
 */
export const postgresDialect: SqlDialect = {
  name: 'postgres',
  columnType: (kind) => COLUMN_TYPES[kind],
  seqType: 'bigint',
  encode(kind, value) {
    if (value === undefined || value === null) return null;
    // pg would send a JS array as a PostgreSQL array literal; jsonb wants JSON text.
    if (kind === 'json') return JSON.stringify(value);
    return value;
  },
  decode(kind, raw) {
    switch (kind) {
      case 'integer':
      case 'number':
        // int8 (seq, version, count) arrives as a string so that pg never loses precision.
        return typeof raw === 'string' || typeof raw === 'bigint' ? Number(raw) : raw;
      case 'boolean':
        return raw === true || raw === 't' || raw === 'true';
      case 'json':
        // The pool hands json back as text (see postgres-storage.ts), as encode() wrote it.
        return JSON.parse(String(raw)) as unknown;
      case 'string':
        return raw;
    }
  },
  jsonArrayContains(column, value) {
    // CASE rather than AND: never NULL for a non-NULL column, and false (not NULL) for a
    // NULL one, as SQLite's adapter answers, so NOT(contains) agrees across dialects.
    return sql<SqlBool>`CASE WHEN jsonb_typeof(${column}) = 'array' THEN ${column} @> ${JSON.stringify([value])}::jsonb ELSE false END`;
  },
  beginRead: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
  beginWrite: 'BEGIN ISOLATION LEVEL READ COMMITTED',
  lockWriters: `SELECT 1 FROM ${SEQ_TABLE} WHERE "id" = 1 FOR UPDATE`,
  stringCollation: 'C',
  modifyingCte: true,
};

