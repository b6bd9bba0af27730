import type { RecordOf, ResourceDefinition } from './define-resource.js';
import type { ElementOf, IsLooseRecord, KindOfValue, PresentValue, SortableField } from './field-types.js';
import type { Scalar } from './filter.js';
import { where, type WhereShape } from './filter-build.js';
import { formatConditions } from './query-string.js';
import { queryFieldInfo } from './query-values.js';

/** `eq`, `ne` and `in`: what every scalar field allows. */
export interface EqualityOperators<E> {
  readonly eq?: E;
  readonly ne?: E;
  readonly in?: readonly E[];
}

/** The ranges, besides equality: what string and number fields allow. */
export interface RangeOperators<E> extends EqualityOperators<E> {
  readonly gt?: NonNullable<E>;
  readonly gte?: NonNullable<E>;
  readonly lt?: NonNullable<E>;
  readonly lte?: NonNullable<E>;
}

/** What a json field allows in a query string: `contains` (a string element of an array) and, when it may be null, `eq`/`ne` null. */
export interface JsonOperators<C, N> {
  readonly contains?: C;
  readonly eq?: N;
  readonly ne?: N;
}

/** A value a query string compares a field with: `null` only for a nullable field (elsewhere `null` is the text "null"). */
type QueryValue<V> = PresentValue<V>;
type NullIfNullable<V> = null extends V ? null : never;

/** What one field accepts in {@link WhereOf}, by its kind. */
export type WhereValueOf<V> =
  KindOfValue<V> extends 'json'
    ? NullIfNullable<V> | JsonOperators<Extract<ElementOf<V>, string>, NullIfNullable<V>>
    : KindOfValue<V> extends 'boolean'
      ? QueryValue<V> | EqualityOperators<QueryValue<V>>
      : QueryValue<V> | RangeOperators<QueryValue<V>>;

/**
 * The `where` of a query object over a record type: each field (system fields included)
 * to a value (equality) or to operators that suit its kind: ranges for strings and
 * numbers, `in` for every scalar, `contains` for arrays of strings. Unknown fields, wrong
 * value types and unsuitable operators are compile errors. Several conditions are combined
 * with `and`, as in a query string. For a loosely typed record it is a plain
 * {@link WhereShape}.
 *
 * @example
 * const open: WhereOf<RecordOf<typeof todos>> = { list: listId, done: false, order: { gte: 2 } };
 */
export type WhereOf<R> = IsLooseRecord<R> extends true ? WhereShape : { readonly [K in keyof R & string]?: WhereValueOf<R[K]> };

/**
 * One order term: a sortable field (a scalar that is never null) ascending, or `-field`
 * descending. `id` is appended as the final tie-breaker when it is not the last term.
 *
 * @example
 * const newest: OrderOf<RecordOf<typeof todos>> = '-createdAt';
 */
export type OrderOf<R> = IsLooseRecord<R> extends true ? string : SortableField<R> | `-${SortableField<R>}`;

/**
 * A collection query as an object, checked against a record type at compile time: the
 * typed form of a query string. It compiles to that query string ({@link formatQueryObject}),
 * so both forms give the same filter, order and page on the server and in live views.
 *
 * @example
 * api.liveQuery({ where: { list: listId, done: false }, order: ['order', '-createdAt'], limit: 50 });
 */
export interface QueryObject<R> {
  readonly where?: WhereOf<R>;
  /** One term or several (`['-priority', 'title']`). */
  readonly order?: OrderOf<R> | readonly OrderOf<R>[];
  /** The page size (a live view holds every match whatever it is). */
  readonly limit?: number;
  /** The cursor of a `next` link (its `after` parameter). */
  readonly after?: string;
}

const QUERY_KEYS: ReadonlySet<string> = new Set(['where', 'order', 'limit', 'after']);

/** A string value the query string would read as null: the text "null" compared with a nullable field. */
function readsAsNull(definition: ResourceDefinition, field: string, value: Scalar | readonly Scalar[]): boolean {
  const values: readonly Scalar[] = Array.isArray(value) ? value : [value as Scalar];
  return values.includes('null') && queryFieldInfo(definition, field)?.nullable === true;
}

/**
 * Writes a query object as its query string (no leading `?`): the conditions of `where`
 * sorted as the server's canonical form, then `order`, `limit` and `after`. Parsing the
 * string gives the filter `where(query.where)` gives, so the object and the string are one
 * query. Throws a TypeError for what a query string cannot say: a key other than `where`,
 * `order`, `limit` and `after`, an unknown operator, a comma inside an `in` value, or (with
 * the definition) the text "null" compared with a nullable field. With the definition, the
 * query's type is checked against its fields.
 *
 * @example
 * formatQueryObject({ where: { done: false, order: { gte: 2 } }, order: '-createdAt', limit: 20 });
 * // 'done=false&order[gte]=2&order=-createdAt&limit=20'
 */
export function formatQueryObject<D extends ResourceDefinition = ResourceDefinition>(query: QueryObject<RecordOf<NoInfer<D>>>, definition?: D): string {
  for (const key of Object.keys(query)) {
    if (!QUERY_KEYS.has(key)) throw new TypeError(`A query object holds where, order, limit and after, not "${key}" (conditions go under where: { where: { ${key}: … } })`);
  }
  const conditions = formatConditions(where((query.where ?? {}) as WhereShape), (condition) => {
    if (definition !== undefined && readsAsNull(definition, condition.field, condition.value)) {
      throw new TypeError(`The text "null" compared with "${condition.field}" would be read as null; a query string cannot say it`);
    }
  });
  const parts = [...conditions];
  if (query.order !== undefined) {
    const terms: readonly string[] = typeof query.order === 'string' ? [query.order] : (query.order as readonly string[]);
    parts.push(`order=${terms.map((term) => (term.startsWith('-') ? `-${encodeURIComponent(term.slice(1))}` : encodeURIComponent(term))).join(',')}`);
  }
  if (query.limit !== undefined) parts.push(`limit=${encodeURIComponent(String(query.limit))}`);
  if (query.after !== undefined) parts.push(`after=${encodeURIComponent(query.after)}`);
  return parts.join('&');
}
