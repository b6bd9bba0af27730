import { SynclineError, type FieldError } from '@syncline/protocol';
import type { ResourceDefinition } from './define-resource.js';
import { isCondition, type CollectionQuery, type ComparisonOp, type Condition, type Filter, type OrderTerm, type Scalar } from './filter.js';
import { and } from './filter-build.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { FieldInfo } from './field-kinds.js';
import { coerceQueryValue, fitsKind, isOrderable, queryFieldInfo } from './query-values.js';

/** Page sizes a server allows. */
export interface CollectionQueryLimits {
  readonly defaultLimit: number;
  readonly maxLimit: number;
}

/** How a server reads one caller's query: its page sizes, its bound on conditions, and what the caller cannot see. */
export interface CollectionQueryOptions extends CollectionQueryLimits {
  /**
   * The most conditions a query may hold, each value of an `in` list counting as one;
   * beyond it, `invalid-query` before anything else is read. Absent: no bound.
   */
  readonly maxConditions?: number;
  /**
   * Fields the caller may not see (hidden, or withheld by a read rule): every answer about
   * one is the answer about a field that does not exist, so no refusal tells them apart.
   */
  readonly withheld?: ReadonlySet<string>;
}

/** A field's kind as the caller may know it; undefined for unknown and withheld fields alike. */
type FieldLookup = (field: string) => FieldInfo | undefined;

const RESERVED: ReadonlySet<string> = new Set(['order', 'limit', 'after']);
const RANGE_OPS: ReadonlySet<string> = new Set(['gt', 'gte', 'lt', 'lte']);
const OPS: ReadonlySet<string> = new Set(['eq', 'ne', 'in', 'contains', ...RANGE_OPS]);
const CONDITION_KEY = /^([^[\]]+)(?:\[([^[\]]*)\])?$/;
const DEFAULT_ORDER: readonly OrderTerm[] = Object.freeze([Object.freeze({ field: 'id', direction: 'asc' } as const)]);

/** One condition from `field=value` or `field[op]=value`, or why it is not one. */
function parseCondition(infoOf: FieldLookup, key: string, raw: string): Condition | string {
  const match = CONDITION_KEY.exec(key);
  if (!match?.[1]) return `"${key}" is neither a field nor field[operator]`;
  const field = match[1];
  const op = match[2] ?? 'eq';
  const info = infoOf(field);
  if (!info) return `unknown field "${field}"`;
  if (!OPS.has(op)) return `unknown operator "${op}"`;
  if (op === 'contains') return info.kind === 'json' ? { field, op, value: raw } : 'contains applies only to json (array) fields';
  if (info.kind === 'json' && op !== 'eq' && op !== 'ne') return `${op} does not apply to json fields`;
  if (info.kind === 'boolean' && RANGE_OPS.has(op)) return `${op} does not apply to boolean fields`;
  const values: Scalar[] = [];
  for (const part of op === 'in' ? raw.split(',') : [raw]) {
    const coerced = coerceQueryValue(info, part);
    if (!coerced.ok) return coerced.message;
    values.push(coerced.value);
  }
  if (op === 'in') return { field, op, value: values };
  const value = values[0] ?? null;
  if (value === null && op !== 'eq' && op !== 'ne') return `null compares only with eq and ne`;
  return { field, op: op as ComparisonOp, value };
}

/** `order=title,-rank`, with `id` appended as the final tie-breaker (in the last term's direction). */
function parseOrder(infoOf: FieldLookup, raw: string): OrderTerm[] | string {
  const terms: OrderTerm[] = [];
  for (const part of raw.split(',')) {
    const direction = part.startsWith('-') ? 'desc' : 'asc';
    const field = direction === 'desc' ? part.slice(1) : part;
    const info = infoOf(field);
    if (!info) return field === '' ? 'an order term is empty' : `unknown field "${field}"`;
    if (!isOrderable(info)) return `cannot order by "${field}": only non-nullable scalar fields`;
    if (terms.some((term) => term.field === field)) return `"${field}" appears twice`;
    if (terms.at(-1)?.field === 'id') return 'id must be the last term';
    terms.push({ field, direction });
  }
  const last = terms.at(-1);
  if (last?.field !== 'id') terms.push({ field: 'id', direction: last?.direction ?? 'asc' });
  return terms;
}

/** The cursor's values, checked against the kinds of the order's fields. */
function parseAfter(infoOf: FieldLookup, order: readonly OrderTerm[], raw: string): Scalar[] | string {
  let values: Scalar[];
  try {
    values = decodeCursor(raw, order);
  } catch (error) {
    if (!(error instanceof SynclineError)) throw error;
    return error.errors?.[0]?.message ?? error.message;
  }
  // A value of another type would compare across types in SQLite and fail in PostgreSQL.
  const misfit = order.find((term, i) => {
    const info = infoOf(term.field);
    return !info || !fitsKind(info, values[i] ?? null);
  });
  return misfit ? `the value for "${misfit.field}" has the wrong type` : values;
}

/** How many conditions a parameter holds: one, or one per value of an `in` list (each is a term of the SQL). */
function conditionWeight(key: string, raw: string): number {
  return CONDITION_KEY.exec(key)?.[2] === 'in' ? raw.split(',').length : 1;
}

/**
 * Refuses a query with more conditions than the server allows, before any is read: past a
 * few hundred, SQL engines refuse the statement (SQLite's expression depth, bound
 * parameters) and matching every change against it costs every subscriber.
 */
function assertConditionCount(params: URLSearchParams, max: number | undefined): void {
  if (max === undefined) return;
  let count = 0;
  for (const [key, raw] of params) if (!RESERVED.has(key)) count += conditionWeight(key, raw);
  if (count <= max) return;
  const message = `${count} conditions, more than the ${max} allowed (each value of an in list counts as one)`;
  throw new SynclineError('invalid-query', { detail: `The query holds ${message}.`, errors: [{ path: ['query'], message }] });
}

function conditionSortKey(condition: Condition): string {
  return JSON.stringify([condition.field, condition.op, condition.value]);
}

/** Sorted and without repeats, so that a query has one canonical form (and one string). */
function canonicalConditions(conditions: readonly Condition[]): Condition[] {
  const byKey = new Map(conditions.map((condition) => [conditionSortKey(condition), condition] as const));
  return [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, condition]) => condition);
}

/**
 * Parses a collection's query string: `field=value`, `field[op]=value` (op: eq, ne, gt,
 * gte, lt, lte, in with comma-separated values, contains for json arrays), `order=a,-b`,
 * `limit=n` and `after=<cursor>`. Fields are the resource's own and the system fields;
 * values are read by the field's kind (`null` means null for a nullable field). Conditions
 * are combined with `and`, sorted and deduplicated. A field named like a reserved
 * parameter is filtered as `order[eq]=…`. Every problem is reported at once, in one
 * `invalid-query` error with paths `['query', '<param>']`. With `maxConditions`, a query
 * holding more is refused first (path `['query']`); fields in `withheld` are answered
 * exactly as fields that do not exist, in filters, `order` and cursors.
 *
 * @example
 * parseCollectionQuery(todos, new URLSearchParams('done=false&rank[gte]=3&order=-rank&limit=20'), { defaultLimit: 50, maxLimit: 200 });
 * // { filter: { and: [done eq false, rank gte 3] }, order: [-rank, -id], limit: 20 }
 */
export function parseCollectionQuery(def: ResourceDefinition, params: URLSearchParams, options: CollectionQueryOptions): CollectionQuery {
  assertConditionCount(params, options.maxConditions);
  const withheld = options.withheld;
  const infoOf: FieldLookup = (field) => (withheld?.has(field) === true ? undefined : queryFieldInfo(def, field));
  const errors: FieldError[] = [];
  const fail = (param: string, message: string): void => void errors.push({ path: ['query', param], message });
  const conditions: Condition[] = [];
  const reserved = new Map<string, string>();
  const repeated = new Set<string>();
  for (const [key, raw] of params) {
    if (!RESERVED.has(key)) {
      const parsed = parseCondition(infoOf, key, raw);
      if (typeof parsed === 'string') fail(key, parsed);
      else conditions.push(parsed);
    } else if (!reserved.has(key)) {
      reserved.set(key, raw);
    } else if (!repeated.has(key)) {
      repeated.add(key);
      fail(key, 'given more than once');
    }
  }
  // Which of several values was meant is unknown, so none is read (and none reported).
  for (const key of repeated) reserved.delete(key);

  let limit = options.defaultLimit;
  const rawLimit = reserved.get('limit');
  if (rawLimit !== undefined) {
    const value = Number(rawLimit);
    if (/^\d+$/.test(rawLimit) && value >= 1 && value <= options.maxLimit) limit = value;
    else fail('limit', `must be an integer from 1 to ${options.maxLimit}`);
  }

  let order: readonly OrderTerm[] = DEFAULT_ORDER;
  const rawOrder = reserved.get('order');
  const parsedOrder = rawOrder === undefined ? order : parseOrder(infoOf, rawOrder);
  if (typeof parsedOrder === 'string') fail('order', parsedOrder);
  else order = parsedOrder;

  const rawAfter = reserved.get('after');
  // A cursor is only checked against an order that is known.
  const orderKnown = typeof parsedOrder !== 'string' && !repeated.has('order');
  const parsedAfter = rawAfter === undefined || !orderKnown ? undefined : parseAfter(infoOf, order, rawAfter);
  if (typeof parsedAfter === 'string') fail('after', parsedAfter);
  const after = typeof parsedAfter === 'string' ? undefined : parsedAfter;

  if (errors.length > 0) {
    const detail = errors.map((error) => `${error.path[1]}: ${error.message}`).join('; ');
    throw new SynclineError('invalid-query', { detail, errors });
  }
  const filter = and(...canonicalConditions(conditions));
  return after === undefined ? { filter, order, limit } : { filter, order, limit, after };
}

function formatValue(value: Scalar): string {
  return encodeURIComponent(value === null ? 'null' : String(value));
}

function formatCondition({ field, op, value }: Condition): string {
  const key = op === 'eq' && !RESERVED.has(field) ? encodeURIComponent(field) : `${encodeURIComponent(field)}[${op}]`;
  if (!Array.isArray(value)) return `${key}=${formatValue(value as Scalar)}`;
  const items = value as readonly Scalar[];
  if (items.some((item) => typeof item === 'string' && item.includes(','))) {
    throw new TypeError(`formatCollectionQuery(): an "in" value of "${field}" holds a comma`);
  }
  return `${key}=${items.map(formatValue).join(',')}`;
}

function conditionsOf(filter: Filter): readonly Condition[] {
  if (isCondition(filter)) return [filter];
  if ('and' in filter && filter.and.every(isCondition)) return filter.and as readonly Condition[];
  throw new TypeError('formatCollectionQuery(): only a conjunction of conditions has a query string');
}

/**
 * The `field[op]=value` parameters of a conjunction of conditions, sorted and without
 * repeats as {@link parseCollectionQuery} makes them; `check` sees each condition first
 * (and may throw). Throws a TypeError for a filter a query string cannot express.
 *
 * @example
 * formatConditions(where({ done: false, rank: { gte: 3 } })); // ['done=false', 'rank[gte]=3']
 */
export function formatConditions(filter: Filter, check?: (condition: Condition) => void): string[] {
  const conditions = canonicalConditions(conditionsOf(filter));
  if (check) conditions.forEach(check);
  return conditions.map(formatCondition);
}

/** `order=…` without the `id` that parsing would append anyway; empty for the default order. */
function formatOrder(order: readonly OrderTerm[]): string {
  const last = order.at(-1);
  const previous = order.at(-2);
  const implied = last?.field === 'id' && last.direction === (previous?.direction ?? 'asc');
  const terms = implied ? order.slice(0, -1) : order;
  return terms.map((term) => (term.direction === 'desc' ? '-' : '') + encodeURIComponent(term.field)).join(',');
}

/**
 * Writes a collection query back as its canonical query string (no leading `?`):
 * conditions sorted, then `order` (when not the default), `limit` and `after`. For every
 * query {@link parseCollectionQuery} produces, parsing the string gives the same query;
 * the server builds `next` links with it. Throws a TypeError for a filter the query
 * string cannot express (`or`, `not`, nesting).
 *
 * @example
 * formatCollectionQuery({ filter: { field: 'done', op: 'eq', value: false }, order: [{ field: 'id', direction: 'asc' }], limit: 20 });
 * // 'done=false&limit=20'
 */
export function formatCollectionQuery(query: CollectionQuery): string {
  const parts = formatConditions(query.filter);
  const order = formatOrder(query.order);
  if (order !== '') parts.push(`order=${order}`);
  parts.push(`limit=${query.limit}`);
  if (query.after !== undefined) parts.push(`after=${encodeCursor(query.after)}`);
  return parts.join('&');
}
