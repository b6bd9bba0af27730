import { sql, type Expression, type RawBuilder, type SqlBool } from 'kysely';
import type { FieldInfo, FieldKind, OrderTerm, Scalar } from '@syncline/schema';
import { SQL_FALSE, SQL_TRUE, joinSql, orderedColumn } from './filter-to-sql.js';
import { columnOf, type ResourceTable } from './record-codec.js';
import type { SqlDialect } from './sql-dialect.js';

/** One `ORDER BY` item: the column (with its collation) and where its NULLs go. */
export interface SqlOrderItem {
  readonly expression: RawBuilder<unknown>;
  readonly direction: 'asc' | 'desc';
  /** Whether to say where NULLs go: only for columns that can hold NULL, so plain indexes still serve the rest. */
  readonly nullable: boolean;
}

interface ResolvedTerm {
  readonly term: OrderTerm;
  readonly info: FieldInfo;
  readonly expression: RawBuilder<unknown>;
}

function canBeNull(info: FieldInfo): boolean {
  return info.nullable || info.optional;
}

/**
 * The order's terms, with `id` appended when the caller left it out, so that pages are
 * stable. Throws for unknown and json fields (JSON text does not order like its values).
 */
function resolveTerms(order: readonly OrderTerm[], table: ResourceTable, dialect: SqlDialect): ResolvedTerm[] {
  const terms = order.some((term) => term.field === 'id') ? order : [...order, { field: 'id', direction: 'asc' } as const];
  return terms.map((term) => {
    const info = columnOf(table, term.field);
    if (info.kind === 'json') throw new TypeError(`Resource "${table.name}": cannot order by json field "${term.field}"`);
    return { term, info, expression: orderedColumn(term.field, info, dialect) };
  });
}

/**
 * The `ORDER BY` of a query. NULL sorts before every value, as `compareScalars` in
 * `@syncline/schema` does: `NULLS FIRST` ascending, `NULLS LAST` descending.
 *
 * @example
 * for (const item of orderToSql(query.order, table, dialect)) builder = builder.orderBy(item.expression, item.direction);
 */
export function orderToSql(order: readonly OrderTerm[], table: ResourceTable, dialect: SqlDialect): SqlOrderItem[] {
  return resolveTerms(order, table, dialect).map(({ term, info, expression }) => ({
    expression,
    direction: term.direction,
    nullable: canBeNull(info),
  }));
}

/**
 * Where a value's JSON type sorts among the others, as `compareScalars` orders them:
 * null < boolean < number < string. A cursor may hold a value of another type than its
 * column (a client can craft one); it then sorts wholly before or after the column's values.
 */
function valueRank(value: Scalar): number {
  if (value === null) return 0;
  return typeof value === 'boolean' ? 1 : typeof value === 'number' ? 2 : 3;
}

function kindRank(kind: FieldKind): number {
  return kind === 'boolean' ? 1 : kind === 'integer' || kind === 'number' ? 2 : 3;
}

function equalTo(resolved: ResolvedTerm, value: Scalar, dialect: SqlDialect): Expression<SqlBool> {
  if (value === null) return sql<SqlBool>`${sql.id(resolved.term.field)} IS NULL`;
  if (valueRank(value) !== kindRank(resolved.info.kind)) return SQL_FALSE;
  return sql<SqlBool>`${resolved.expression} = ${dialect.encode(resolved.info.kind, value)}`;
}

/** Rows that sort strictly after `value` on this term; `undefined` when none can. */
function beyond(resolved: ResolvedTerm, value: Scalar, dialect: SqlDialect): Expression<SqlBool> | undefined {
  const column = sql.id(resolved.term.field);
  const ascending = resolved.term.direction === 'asc';
  if (value === null) return ascending ? sql<SqlBool>`${column} IS NOT NULL` : undefined;
  const rank = valueRank(value);
  const columnRank = kindRank(resolved.info.kind);
  if (rank > columnRank) return ascending ? undefined : SQL_TRUE;
  if (rank < columnRank) return ascending ? sql<SqlBool>`${column} IS NOT NULL` : sql<SqlBool>`${column} IS NULL`;
  const encoded = dialect.encode(resolved.info.kind, value);
  if (ascending) return sql<SqlBool>`${resolved.expression} > ${encoded}`;
  const below = sql<SqlBool>`${resolved.expression} < ${encoded}`;
  return canBeNull(resolved.info) ? sql<SqlBool>`(${below} OR ${column} IS NULL)` : below;
}

/**
 * The keyset condition for the page after a cursor: the cursor holds the order values of
 * the previous page's last record, and the next page starts strictly after it, as the
 * expanded chain `(a > va) OR (a = va AND b > vb) OR …`, with `<` for descending terms,
 * NULL placed as `orderToSql` places it, and the cross-type order of `compareScalars`
 * (so this agrees with `isAfterCursor`). A shorter cursor pages over its prefix.
 *
 * @example
 * keysetToSql([{ field: 'rank', direction: 'desc' }, { field: 'id', direction: 'asc' }], [3, 'b'], table, dialect);
 * // ("rank" < 3 OR "rank" IS NULL) OR ("rank" = 3 AND "id" > 'b')
 */
export function keysetToSql(
  order: readonly OrderTerm[],
  after: readonly Scalar[],
  table: ResourceTable,
  dialect: SqlDialect,
): Expression<SqlBool> {
  const terms = resolveTerms(order, table, dialect);
  if (after.length > terms.length) throw new TypeError(`Cursor has ${after.length} values for ${terms.length} order terms`);
  const branches: Expression<SqlBool>[] = [];
  for (let i = 0; i < after.length; i++) {
    const last = beyond(terms[i] as ResolvedTerm, after[i] ?? null, dialect);
    if (!last) continue;
    const equalities = terms.slice(0, i).map((previous, j) => equalTo(previous, after[j] ?? null, dialect));
    branches.push(joinSql([...equalities, last], 'AND', last));
  }
  return joinSql(branches, 'OR', SQL_FALSE);
}
