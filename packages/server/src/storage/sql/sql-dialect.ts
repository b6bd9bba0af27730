import type { ColumnDataType, Expression, Kysely, SqlBool } from 'kysely';
import type { FieldKind } from '@syncline/schema';

/**
 * The tables as Kysely sees them: names come from resource definitions at run time, so
 * every table is a bag of columns. SQL storage quotes every identifier it builds.
 */
export type SqlTables = Record<string, Record<string, unknown>>;

/** A Kysely instance over {@link SqlTables}. */
export type SqlDatabase = Kysely<SqlTables>;

/**
 * What differs between SQL databases, and nothing else: the SQL storage builds every
 * statement with Kysely (which already quotes and numbers parameters per dialect) and
 * asks the dialect only for column types, value codecs, JSON-array membership and how
 * to open a transaction. A PostgreSQL adapter is one more object of this shape.
 *
 * @example
 * const postgresDialect: SqlDialect = {
 *   name: 'postgres',
 *   columnType: (kind) => ({ string: 'text', integer: 'bigint', number: 'double precision', boolean: 'boolean', json: 'jsonb' } as const)[kind],
 *   seqType: 'bigint',
 *   encode: (kind, value) => (value === undefined || value === null ? null : kind === 'json' ? JSON.stringify(value) : value),
 *   decode: (kind, raw) => (kind === 'integer' && typeof raw === 'string' ? Number(raw) : raw),
 *   jsonArrayContains: (column, value) => sql<SqlBool>`jsonb_typeof(${column}) = 'array' AND ${column} @> ${JSON.stringify([value])}::jsonb`,
 *   beginRead: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
 *   beginWrite: 'BEGIN',
 *   stringCollation: 'C',
 * };
 */
export interface SqlDialect {
  /** Reported as {@link Storage.dialect}. */
  readonly name: string;
  /** The column type of a field of this kind. */
  columnType(kind: FieldKind): ColumnDataType;
  /** The type of `seq` and `version` columns: it must hold any safe integer. */
  readonly seqType: ColumnDataType;
  /**
   * A JSON value of a field of this kind, as the driver takes it as a parameter. `null`
   * and `undefined` (an absent optional field) both become SQL `NULL`.
   */
  encode(kind: FieldKind, value: unknown): unknown;
  /** A value as the driver returns it (never SQL `NULL`: the caller handles that), back to JSON. */
  decode(kind: FieldKind, raw: unknown): unknown;
  /**
   * True when the JSON column holds an array with `value` among its elements, compared
   * with JSON types (the string `"1"`, the number `1` and `true` are all different), and
   * false for objects and scalars. Never NULL for a non-NULL column.
   */
  jsonArrayContains(column: Expression<unknown>, value: string | number | boolean): Expression<SqlBool>;
  /** Opens a transaction that reads one consistent snapshot. */
  readonly beginRead: string;
  /**
   * Opens a transaction that will write. It must make concurrent writers wait rather than
   * fail half-way (SQLite: `BEGIN IMMEDIATE`); the `syncline_seq` row then orders commits.
   */
  readonly beginWrite: string;
  /**
   * Run after `beginWrite` in transactions that apply mutations: takes the write lock at
   * once, so no write transaction reads state another is about to change (a reference
   * checked while its target is being unshared or deleted). SQLite needs none: it runs one
   * write transaction at a time.
   */
  readonly lockWriters?: string;
  /**
   * The collation that orders strings by code point, for `ORDER BY` and `<`/`>` on string
   * columns; `undefined` when the default already does (SQLite's `BINARY`).
   */
  readonly stringCollation?: string;
  /**
   * True when a statement may carry data-modifying CTEs (`WITH s AS (UPDATE … RETURNING …)`,
   * PostgreSQL): `apply` then takes the seq in the same statement that writes the record.
   */
  readonly modifyingCte?: boolean;
}
