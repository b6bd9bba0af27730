import type { Scalar } from './filter.js';

/**
 * Reads a field as storage would: an own property only. A plain `record[field]` would
 * answer `Object.prototype.constructor` for a record without a `constructor` field.
 *
 * @example
 * readField({ title: 'Milk' }, 'title'); // 'Milk'
 * readField({}, 'constructor'); // undefined
 */
export function readField(record: Readonly<Record<string, unknown>>, field: string): unknown {
  return Object.hasOwn(record, field) ? record[field] : undefined;
}

/**
 * Whether a value is a JSON scalar (a finite number, not `NaN`: JSON has none).
 *
 * @example
 * isScalar('a'); // true
 * isScalar([1]); // false
 */
export function isScalar(value: unknown): value is Scalar {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    default:
      return false;
  }
}

/**
 * A field's value for ordering: missing and non-scalar values count as `null`
 * (ordering is only allowed on scalar fields, so this is a fallback, not a rule).
 *
 * @example
 * scalarAt({ rank: 3 }, 'rank'); // 3
 * scalarAt({}, 'rank'); // null
 */
export function scalarAt(record: Readonly<Record<string, unknown>>, field: string): Scalar {
  const value = readField(record, field);
  return isScalar(value) ? value : null;
}
