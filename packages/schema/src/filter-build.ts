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
 * All of the filters: nested `and`s are flattened, {@link MATCH_ALL} operands dropped, and
 * any {@link MATCH_NONE} operand makes the whole {@link MATCH_NONE}. One operand is answered
 * as itself, none as {@link MATCH_ALL}. Rules use it to narrow a query: `and(query, rule)`.
 *
 * @example
 * and({ field: 'list', op: 'eq', value: 'l1' }, { and: [] }); // { field: 'list', op: 'eq', value: 'l1' }
 */
export function and(...filters: Filter[]): Filter {
  const operands = flatten('and', filters, []);
  if (!operands) return MATCH_NONE;
  if (operands.length === 0) return MATCH_ALL;
  return operands.length === 1 && operands[0] ? operands[0] : { and: operands };
}

/**
 * Any of the filters: nested `or`s are flattened, {@link MATCH_NONE} operands dropped, and
 * any {@link MATCH_ALL} operand makes the whole {@link MATCH_ALL}.
 *
 * @example
 * or({ field: 'owner', op: 'eq', value: 'ana' }, { field: 'public', op: 'eq', value: true });
 */
export function or(...filters: Filter[]): Filter {
  const operands = flatten('or', filters, []);
  if (!operands) return MATCH_ALL;
  if (operands.length === 0) return MATCH_NONE;
  return operands.length === 1 && operands[0] ? operands[0] : { or: operands };
}

/**
 * The negation of a filter; a double negation is removed (NOT NOT x is x in SQL's
 * three-valued logic too), and MATCH_ALL and MATCH_NONE swap.
 *
 * @example
 * not({ field: 'done', op: 'eq', value: true }); // { not: { field: 'done', op: 'eq', value: true } }
 */
export function not(filter: Filter): Filter {
  if ('not' in filter) return filter.not;
  if (isMatchAll(filter)) return MATCH_NONE;
  if (isMatchNone(filter)) return MATCH_ALL;
  return { not: filter };
}

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

const WHERE_OPS: ReadonlySet<string> = new Set<ComparisonOp>(['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains']);

/**
 * Builds a filter from an object, for rules and tests: a scalar means `eq`, an object
 * holds operators. All conditions are combined with `and`.
 *
 * @example
 * where({ owner: 'ana', order: { gte: 3 }, tags: { contains: 'x' } });
 * // { and: [owner eq 'ana', order gte 3, tags contains 'x'] }
 */
export function where(shape: WhereShape): Filter {
  const conditions: Condition[] = [];
  for (const [field, spec] of Object.entries(shape)) {
    if (spec === null || typeof spec !== 'object') {
      conditions.push({ field, op: 'eq', value: spec });
      continue;
    }
    if (Array.isArray(spec)) throw new TypeError(`where(): "${field}" is an array; write { in: [...] }`);
    for (const [op, value] of Object.entries(spec) as Array<[string, Scalar | readonly Scalar[] | undefined]>) {
      if (!WHERE_OPS.has(op)) throw new TypeError(`where(): unknown operator "${op}" on "${field}"`);
      if (value === undefined) continue;
      if ((op === 'in') !== Array.isArray(value)) {
        throw new TypeError(`where(): "${field}.${op}" takes ${op === 'in' ? 'an array' : 'a scalar'}`);
      }
      conditions.push({ field, op: op as ComparisonOp, value });
    }
  }
  return and(...conditions);
}
