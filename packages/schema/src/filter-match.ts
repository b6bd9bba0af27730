import { isCondition, type Condition, type Filter, type Scalar } from './filter.js';
import { compareScalars } from './order.js';
import { isScalar, readField } from './record-value.js';

export { and, or, not, where, isMatchAll, isMatchNone, type WhereShape, type WhereOperators, type WhereFilter, type Combined, type Negated } from './filter-build.js';
export { filterKey, filterFields } from './filter-key.js';

/** SQL's three truth values: `null` is UNKNOWN. */
export type Truth = boolean | null;

/** Whether a value is SQL NULL: a missing field is stored as NULL. */
function isNull(value: unknown): value is null | undefined {
  return value === null || value === undefined;
}

/** `field = value` for a non-null value: only a scalar can equal a scalar. */
function equals(field: unknown, value: Scalar): boolean {
  return isScalar(field) && field === value;
}

function evaluateCondition(condition: Condition, field: unknown): Truth {
  const { op, value } = condition;
  if (op === 'in') {
    if (!Array.isArray(value)) return false;
    // SQLite answers false for `x IN ()` even when x is NULL; PostgreSQL has no empty list.
    if (value.length === 0) return false;
    if (isNull(field)) return null;
    if (value.some((item) => item !== null && equals(field, item))) return true;
    // `'b' IN ('a', NULL)` is UNKNOWN in SQL, not false.
    return value.includes(null) ? null : false;
  }
  if (Array.isArray(value)) return false;
  const scalar = value as Scalar;
  switch (op) {
    case 'eq':
      if (scalar === null) return isNull(field); // IS NULL
      return isNull(field) ? null : equals(field, scalar);
    case 'ne':
      if (scalar === null) return !isNull(field); // IS NOT NULL
      return isNull(field) ? null : !equals(field, scalar);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      if (isNull(field) || scalar === null) return null;
      if (!isScalar(field) || typeof field !== typeof scalar) return false;
      const order = compareScalars(field, scalar);
      if (op === 'gt') return order > 0;
      if (op === 'gte') return order >= 0;
      if (op === 'lt') return order < 0;
      return order <= 0;
    }
    case 'contains':
      // Two-valued (an EXISTS over the array's elements): a null field holds nothing, and
      // no element equals NULL.
      return scalar !== null && Array.isArray(field) && field.some((item) => item === scalar);
    default:
      return false;
  }
}

/**
 * Evaluates a filter with SQL's three-valued logic: a comparison with NULL (other than
 * `eq`/`ne` null, which are `IS NULL`/`IS NOT NULL`) is UNKNOWN (`null`), `not` of UNKNOWN
 * is UNKNOWN, and `and`/`or` follow Kleene's tables. So an adapter that translates each
 * condition directly (`=`, `<>`, `<`, `IN`, `NOT`, `AND`, `OR`) selects exactly the records
 * for which this answers `true`.
 *
 * @example
 * evaluateFilter({ not: { field: 'owner', op: 'eq', value: 'ana' } }, { owner: null }); // null
 */
export function evaluateFilter(filter: Filter, record: Readonly<Record<string, unknown>>): Truth {
  if (isCondition(filter)) return evaluateCondition(filter, readField(record, filter.field));
  if ('not' in filter) {
    const inner = evaluateFilter(filter.not, record);
    return inner === null ? null : !inner;
  }
  const isAnd = 'and' in filter;
  const operands = isAnd ? filter.and : filter.or;
  let unknown = false;
  for (const operand of operands) {
    const result = evaluateFilter(operand, record);
    if (result === null) unknown = true;
    else if (result !== isAnd) return result; // false decides an `and`, true an `or`
  }
  return unknown ? null : isAnd;
}

/**
 * Whether a record matches a filter, exactly as a SQL `WHERE` would select it (see
 * {@link evaluateFilter}): the fan-out and the client must agree with storage. `eq null`
 * matches null or missing fields; `ne 'x'` does not match a null field; ranges compare
 * only values of the same type; `contains` tests that an array field holds the (non-null)
 * value; an object or array field never equals a scalar.
 *
 * @example
 * matchesFilter({ field: 'done', op: 'eq', value: false }, { id: 'a', done: false }); // true
 * matchesFilter({ field: 'owner', op: 'ne', value: 'ana' }, { owner: null }); // false
 */
export function matchesFilter(filter: Filter, record: Readonly<Record<string, unknown>>): boolean {
  return evaluateFilter(filter, record) === true;
}
