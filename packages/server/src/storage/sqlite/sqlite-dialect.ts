import { sql, type ColumnDataType, type SqlBool } from 'kysely';
import type { FieldKind } from '@syncline/schema';
import type { SqlDialect } from '../sql/sql-dialect.js';

const COLUMN_TYPES: Readonly<Record<FieldKind, ColumnDataType>> = {
  string: 'text',
  integer: 'integer',
  number: 'real',
  // SQLite has no boolean type, and better-sqlite3 (like node:sqlite before Node 24) refuses to bind JS booleans: 0 and 1.
  boolean: 'integer',
  json: 'text',
};

/** The `json_each` element types that hold a scalar of this JSON type. */
function elementTest(value: string | number | boolean) {
  switch (typeof value) {
    case 'string':
      return sql`${sql.id('element', 'type')} = 'text' AND ${sql.id('element', 'value')} = ${value}`;
    case 'number':
      return sql`${sql.id('element', 'type')} IN ('integer', 'real') AND ${sql.id('element', 'value')} = ${value}`;
    default:
      // json_each reports true and false as the integers 1 and 0; only `type` tells them from numbers.
      return sql`${sql.id('element', 'type')} = ${value ? 'true' : 'false'}`;
  }
}

/**
 * SQLite as {@link SqlDialect} sees it: booleans are 0/1, json is TEXT, strings compare
 * by the default BINARY collation (UTF-8 bytes, that is code points), `contains` walks the
 * array with `json_each`, and writers take the database lock up front (`BEGIN IMMEDIATE`)
 * so a second process waits out `busy_timeout` instead of failing on lock upgrade.
 *
 * @example
 * const storage = createSqlStorage({ db, dialect: sqliteDialect });
 */
export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  columnType: (kind) => COLUMN_TYPES[kind],
  seqType: 'integer',
  encode(kind, value) {
    if (value === undefined || value === null) return null;
    if (kind === 'boolean') return value === true ? 1 : 0;
    if (kind === 'json') return JSON.stringify(value);
    return value;
  },
  decode(kind, raw) {
    switch (kind) {
      case 'boolean':
        return Number(raw) === 1;
      case 'json':
        return JSON.parse(String(raw)) as unknown;
      case 'integer':
      case 'number':
        // The drivers answer bigints only when asked to (safeIntegers, readBigInts); accept them anyway.
        return typeof raw === 'bigint' ? Number(raw) : raw;
      case 'string':
        return raw;
    }
  },
  jsonArrayContains(column, value) {
    // The CASE keeps json_each off scalars and objects, which it would walk as well; the
    // alias keeps a resource field named `value` or `type` from shadowing json_each's columns.
    return sql<SqlBool>`CASE WHEN json_type(${column}) = 'array' THEN EXISTS (SELECT 1 FROM json_each(${column}) AS ${sql.id('element')} WHERE ${elementTest(value)}) ELSE 0 END`;
  },
  beginRead: 'BEGIN',
  beginWrite: 'BEGIN IMMEDIATE',
};
