/**
 * The filter language shared by collection queries, read rules and live subscriptions.
 * One tree, three readers: storage adapters translate it to SQL (a rule becomes a
 * query filter, never fetch-then-filter), the fan-out and the client match it in memory.
 */

/** A JSON scalar that a condition compares against. */
export type Scalar = string | number | boolean | null;

export type ComparisonOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains';

/**
 * One field compared with a value. `in` takes a list; `contains` tests that an array
 * field holds the value. Comparisons with `null` follow SQL: only `eq`/`ne` match null,
 * as `IS NULL`/`IS NOT NULL`.
 */
export interface Condition {
  readonly field: string;
  readonly op: ComparisonOp;
  readonly value: Scalar | readonly Scalar[];
}

export type Filter =
  | Condition
  | { readonly and: readonly Filter[] }
  | { readonly or: readonly Filter[] }
  | { readonly not: Filter };

/** Matches everything. */
export const MATCH_ALL: { readonly and: readonly never[] } = { and: [] };
/** Matches nothing. */
export const MATCH_NONE: { readonly or: readonly never[] } = { or: [] };

export function isCondition(filter: Filter): filter is Condition {
  return 'field' in filter;
}

export type SortDirection = 'asc' | 'desc';

export interface OrderTerm {
  readonly field: string;
  readonly direction: SortDirection;
}

/**
 * A collection query after parsing: a filter, an order that always ends with `id`
 * (so pages are stable), a page size, and a keyset cursor (the order values of the
 * last record of the previous page).
 */
export interface CollectionQuery {
  readonly filter: Filter;
  readonly order: readonly OrderTerm[];
  readonly limit: number;
  readonly after?: readonly Scalar[];
}
