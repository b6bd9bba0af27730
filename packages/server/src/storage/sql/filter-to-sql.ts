import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import { isCondition, type Condition, type FieldInfo, type FieldKind, type Filter, type Scalar } from '@syncline/schema';
import { columnOf, type ResourceTable } from './record-codec.js';
import type { SqlDialect } from './sql-dialect.js';

// `1 = 1` rather than TRUE: SQLite before 3.23 and some engines have no boolean literals.
export const SQL_TRUE: RawBuilder<SqlBool> = sql<SqlBool>`1 = 1`;
export const SQL_FALSE: RawBuilder<SqlBool> = sql<SqlBool>`1 = 0`;
const SQL_UNKNOWN: RawBuilder<SqlBool> = sql<SqlBool>`NULL`;

const RANGE_OPERATORS = { gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

/**
 * Whether a filter value can equal a value of a column of this kind. It matters because
 * SQLite converts by column affinity (an INTEGER column equals the text `'5'`), while the
 * in-memory matcher compares JSON types strictly; a json column compares encoded JSON, so
 * any scalar is fine there.
 */
function comparable(kind: FieldKind, value: Scalar): boolean {
  switch (kind) {
    case 'json':
      return true;
    case 'integer':
    case 'number':
      return typeof value === 'number';
    default:
      return typeof value === kind;
  }
}

/** UNKNOWN for a NULL column, else a constant: what a comparison with a value of the wrong type answers. */
function constantUnlessNull(column: Expression<unknown>, whenNotNull: boolean): RawBuilder<SqlBool> {
  return sql<SqlBool>`CASE WHEN ${column} IS NULL THEN NULL ELSE (${whenNotNull ? SQL_TRUE : SQL_FALSE}) END`;
}

/**
 * A column as `<`, `>` and `ORDER BY` should see it: strings by code point, as the
 * in-memory order (`compareStrings`) does.
 */
export function orderedColumn(field: string, info: FieldInfo, dialect: SqlDialect): RawBuilder<unknown> {
  const column = sql.id(field);
  if (info.kind !== 'string' || dialect.stringCollation === undefined) return column;
  return sql`${column} COLLATE ${sql.id(dialect.stringCollation)}`;
}

function inToSql(column: RawBuilder<unknown>, info: FieldInfo, values: readonly Scalar[], dialect: SqlDialect): Expression<SqlBool> {
  // `x IN ()` is not valid everywhere; the matcher answers false for it, even for NULL.
  if (values.length === 0) return SQL_FALSE;
  const candidates = values.filter((value) => value !== null && comparable(info.kind, value));
  // A NULL in the list keeps SQL's answer for a non-member: UNKNOWN rather than false.
  if (values.includes(null)) candidates.push(null);
  if (candidates.length === 0) return constantUnlessNull(column, false);
  return sql<SqlBool>`${column} IN (${sql.join(candidates.map((value) => dialect.encode(info.kind, value)))})`;
}

function conditionToSql(condition: Condition, table: ResourceTable, dialect: SqlDialect): Expression<SqlBool> {
  const info = columnOf(table, condition.field);
  const column = sql.id(condition.field);
  const { op } = condition;
  if (op === 'in') {
    if (!Array.isArray(condition.value)) throw new TypeError(`Filter on "${condition.field}": "in" takes a list`);
    return inToSql(column, info, condition.value as readonly Scalar[], dialect);
  }
  if (Array.isArray(condition.value)) throw new TypeError(`Filter on "${condition.field}": "${op}" takes a single value`);
  const value = condition.value as Scalar;
  const encoded = dialect.encode(info.kind, value);
  switch (op) {
    case 'eq':
      if (value === null) return sql<SqlBool>`${column} IS NULL`;
      return comparable(info.kind, value) ? sql<SqlBool>`${column} = ${encoded}` : constantUnlessNull(column, false);
    case 'ne':
      if (value === null) return sql<SqlBool>`${column} IS NOT NULL`;
      return comparable(info.kind, value) ? sql<SqlBool>`${column} <> ${encoded}` : constantUnlessNull(column, true);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      // JSON text does not order like the values it encodes.
      if (info.kind === 'json') throw new TypeError(`Filter on "${condition.field}": "${op}" needs a scalar field, not json`);
      if (value === null) return SQL_UNKNOWN;
      if (!comparable(info.kind, value)) return constantUnlessNull(column, false);
      return sql<SqlBool>`${orderedColumn(condition.field, info, dialect)} ${sql.raw(RANGE_OPERATORS[op])} ${encoded}`;
    }
    case 'contains':
      if (info.kind !== 'json' || value === null) return SQL_FALSE;
      return dialect.jsonArrayContains(column, value);
  }
}

/** `AND`/`OR` of the parts, parenthesised; `empty` when there are none. */
export function joinSql(parts: readonly Expression<SqlBool>[], operator: 'AND' | 'OR', empty: Expression<SqlBool>): Expression<SqlBool> {
  if (parts.length === 0) return empty;
  if (parts.length === 1 && parts[0]) return parts[0];
  return sql<SqlBool>`(${sql.join(parts.map((part) => sql`(${part})`), sql.raw(` ${operator} `))})`;
}

/**
 * Translates a filter to a SQL condition over a resource's table, with the semantics of
 * `evaluateFilter` in `@syncline/schema`: a condition with NULL is UNKNOWN (only
 * `eq`/`ne` null test `IS NULL`/`IS NOT NULL`), `not`/`and`/`or` are SQL's three-valued
 * `NOT`/`AND`/`OR`, `{ and: [] }` is true and `{ or: [] }` false, `contains` tests a JSON
 * array's elements. Throws a TypeError for unknown fields and for ranges over json fields.
 *
 * @example
 * db.selectFrom('todos').selectAll().where(filterToSql({ field: 'done', op: 'eq', value: false }, table, sqliteDialect));
 */
export function filterToSql(filter: Filter, table: ResourceTable, dialect: SqlDialect): Expression<SqlBool> {
  if (isCondition(filter)) return conditionToSql(filter, table, dialect);
  if ('not' in filter) return sql<SqlBool>`NOT (${filterToSql(filter.not, table, dialect)})`;
  if ('and' in filter) return joinSql(filter.and.map((part) => filterToSql(part, table, dialect)), 'AND', SQL_TRUE);
  return joinSql(filter.or.map((part) => filterToSql(part, table, dialect)), 'OR', SQL_FALSE);
}
