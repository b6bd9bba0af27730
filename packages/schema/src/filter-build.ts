import { MATCH_ALL, MATCH_NONE, type ComparisonOp, type Condition, type Filter, type Scalar } from './filter.js';

/**
 * Whether a filter is structurally {@link MATCH_ALL} (`{ and: [] }`).
 *
 * @example
 * isMatchAll({ and: [] }); // true
 */
export function isMatchAll(filter: Filter): boolean {
  return 'and' in filter && filter.and.length === 0;
}

/**
 * Whether a filter is structurally {@link MATCH_NONE} (`{ or: [] }`).
 *
 * @example
 * isMatchNone({ or: [] }); // true
 */
export function isMatchNone(filter: Filter): boolean {
  return 'or' in filter && filter.or.length === 0;
}

/** Flattens nested operands of one kind; answers `undefined` when an absorbing operand is found. */
function flatten(kind: 'and' | 'or', filters: readonly Filter[], into: Filter[]): Filter[] | undefined {
  for (const filter of filters) {
    if (kind === 'and' ? isMatchNone(filter) : isMatchAll(filter)) return undefined;
    if (kind === 'and' && 'and' in filter) {
      if (!flatten(kind, filter.and, into)) return undefined;
    } else if (kind === 'or' && 'or' in filter) {
      if (!flatten(kind, filter.or, into)) return undefined;
    } else {
      into.push(filter);
    }
  }
  return into;
}

/**
 * What combining filters of type `F` gives: one of them, or an `and`/`or` of them (the empty
 * ones being {@link MATCH_ALL} and {@link MATCH_NONE}). Its type keeps the operands' own,
 * so a read rule built with `and`, `or`, `not` and `where` is checked against its resource
 * ({@link RecordFilter}); every field of the result is a field of an operand.
 */
export type Combined<F> = F | { readonly and: readonly F[] } | { readonly or: readonly F[] };

/**
 * All of the filters: nested `and`s are flattened, {@link MATCH_ALL} operands dropped, and
 * any {@link MATCH_NONE} operand makes the whole {@link MATCH_NONE}. One operand is answered
 * as itself, none as {@link MATCH_ALL}. Rules use it to narrow a query: `and(query, rule)`.
 *
 * @example
 * and({ field: 'list', op: 'eq', value: 'l1' }, { and: [] }); // { field: 'list', op: 'eq', value: 'l1' }
 */
export function and<const F extends readonly Filter[]>(...filters: F): Combined<F[number]> {
  const operands = flatten('and', filters, []);
  // The result holds the operands or their own operands (flattened): the fields of `F`.
  if (!operands) return MATCH_NONE;
  if (operands.length === 0) return MATCH_ALL;
  return (operands.length === 1 && operands[0] ? operands[0] : { and: operands }) as Combined<F[number]>;
}

/**
 * Any of the filters: nested `or`s are flattened, {@link MATCH_NONE} operands dropped, and
 * any {@link MATCH_ALL} operand makes the whole {@link MATCH_ALL}.
 *
 * @example
 * or({ field: 'owner', op: 'eq', value: 'ana' }, { field: 'public', op: 'eq', value: true });
 */
export function or<const F extends readonly Filter[]>(...filters: F): Combined<F[number]> {
  const operands = flatten('or', filters, []);
  if (!operands) return MATCH_ALL;
  if (operands.length === 0) return MATCH_NONE;
  return (operands.length === 1 && operands[0] ? operands[0] : { or: operands }) as Combined<F[number]>;
}

/**
 * The negation of a filter; a double negation is removed (NOT NOT x is x in SQL's
 * three-valued logic too), and MATCH_ALL and MATCH_NONE swap.
 *
 * @example
 * not({ field: 'done', op: 'eq', value: true }); // { not: { field: 'done', op: 'eq', value: true } }
 */
export function not<const F extends Filter>(filter: F): Negated<F> {
  // Each branch answers a part of `filter` (or an empty and/or): the fields of `F`.
  if ('not' in filter) return filter.not as Negated<F>;
  if (isMatchAll(filter)) return MATCH_NONE;
  if (isMatchNone(filter)) return MATCH_ALL;
  return { not: filter };
}

/** What {@link not} gives for a filter of type `F`: its negation, or the inner filter of a negation. */
export type Negated<F> = { readonly not: F } | (F extends { readonly not: infer Inner } ? Inner : never) | typeof MATCH_ALL | typeof MATCH_NONE;

/** The operators {@link where} accepts on one field; several are combined with `and`. */
export interface WhereOperators {
  readonly eq?: Scalar;
  readonly ne?: Scalar;
  readonly gt?: Scalar;
  readonly gte?: Scalar;
  readonly lt?: Scalar;
  readonly lte?: Scalar;
  readonly in?: readonly Scalar[];
  readonly contains?: Scalar;
}

/** A field name to a scalar (equality) or to {@link WhereOperators}. */
export type WhereShape = Readonly<Record<string, Scalar | WhereOperators>>;

/** The conditions {@link where} builds from a shape, one per field and operator, with their literal types. */
type ShapeConditions<S> = {
  [K in keyof S & string]-?: S[K] extends Scalar
    ? { readonly field: K; readonly op: 'eq'; readonly value: S[K] }
    : { [O in keyof S[K] & ComparisonOp]-?: { readonly field: K; readonly op: O; readonly value: Exclude<S[K][O], undefined> } }[keyof S[K] & ComparisonOp];
}[keyof S & string];

/**
 * The filter {@link where} answers for a shape: its conditions, alone or under one `and`.
 * A shape whose field names are not known (a `Record<string, …>`) gives a plain `Filter`.
 */
export type WhereFilter<S> = string extends keyof S ? Filter : ShapeConditions<S> | { readonly and: readonly ShapeConditions<S>[] };

/** -0 as 0, as a query string reads it: the two compare equal everywhere, and one filter then has one form. */
const unsigned = (value: Scalar): Scalar => (value === 0 ? 0 : value);

const WHERE_OPS: ReadonlySet<string> = new Set<ComparisonOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains']);

/**
 * Builds a filter from an object, for rules and tests: a scalar means `eq`, an object
 * holds operators. All conditions are combined with `and`. The result's type names each
 * field, operator and value, so a read rule returning it is checked against its resource
 * (a misspelt field or a value of the wrong type does not compile).
 *
 * @example
 * where({ owner: 'ana', order: { gte: 3 }, tags: { contains: 'x' } });
 * // { and: [owner eq 'ana', order gte 3, tags contains 'x'] }
 */
export function where<const S extends WhereShape>(shape: S): WhereFilter<S> {
  const conditions: Condition[] = [];
  for (const [field, spec] of Object.entries(shape)) {
    if (spec === null || typeof spec !== 'object') {
      conditions.push({ field, op: 'eq', value: unsigned(spec) });
      continue;
    }
    if (Array.isArray(spec)) throw new TypeError(`where(): "${field}" is an array; write { in: [...] }`);
    for (const [op, value] of Object.entries(spec) as Array<[string, Scalar | readonly Scalar[] | undefined]>) {
      if (!WHERE_OPS.has(op)) throw new TypeError(`where(): unknown operator "${op}" on "${field}"`);
      if (value === undefined) continue;
      if ((op === 'in') !== Array.isArray(value)) {
        throw new TypeError(`where(): "${field}.${op}" takes ${op === 'in' ? 'an array' : 'a scalar'}`);
      }
      conditions.push({ field, op: op as ComparisonOp, value: Array.isArray(value) ? value.map(unsigned) : unsigned(value as Scalar) });
    }
  }
  // The conditions are the shape's, one per field and operator.
  return and(...conditions) as WhereFilter<S>;
}
