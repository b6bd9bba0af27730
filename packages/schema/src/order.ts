import type { OrderTerm, Scalar } from './filter.js';
import { scalarAt } from './record-value.js';

/** Type order across kinds, as a total order needs one: null < boolean < number < string. */
function typeRank(value: Scalar): number {
  if (value === null) return 0;
  switch (typeof value) {
    case 'boolean':
      return 1;
    case 'number':
      return 2;
    default:
      return 3;
  }
}

/**
 * Maps a UTF-16 code unit so that comparing mapped units gives code point order: the
 * surrogates (U+D800–U+DFFF, which encode code points above U+FFFF) move above U+E000–U+FFFF.
 */
function codePointWeight(unit: number): number {
  if (unit < 0xd800) return unit;
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

/**
 * Compares strings by Unicode code point, which is UTF-8 byte order: what SQLite's BINARY
 * collation and PostgreSQL's `COLLATE "C"` do. JavaScript's `<` compares UTF-16 code units,
 * which puts U+1F600 before U+FFFD; storage would not.
 *
 * @example
 * compareStrings('\uFFFD', '😀'); // -1 (while '\uFFFD' < '😀' is false)
 */
export function compareStrings(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointWeight(x) < codePointWeight(y) ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/**
 * The one total order of scalars, shared by the in-memory matcher, cursors and the client's
 * live queries: `null` first, then booleans (false < true), numbers numerically, strings by
 * code point. Values of different types order by type. Answers -1, 0 or 1.
 *
 * @example
 * [3, null, 'b', true, 'a'].sort(compareScalars); // [null, true, 3, 'a', 'b']
 */
export function compareScalars(a: Scalar, b: Scalar): number {
  const rankA = typeRank(a);
  const rankB = typeRank(b);
  if (rankA !== rankB) return rankA < rankB ? -1 : 1;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (typeof a === 'number' && typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  return 0; // both null
}

/**
 * Compares two lists of order values (as a cursor holds them) term by term, with each
 * term's direction. Missing values count as `null`.
 *
 * @example
 * compareOrderValues([{ field: 'rank', direction: 'desc' }], [2], [1]); // -1
 */
export function compareOrderValues(order: readonly OrderTerm[], a: readonly Scalar[], b: readonly Scalar[]): number {
  for (let i = 0; i < order.length; i++) {
    const result = compareScalars(a[i] ?? null, b[i] ?? null);
    if (result !== 0) return order[i]?.direction === 'desc' ? -result : result;
  }
  return 0;
}

/**
 * Compares two records under an order (the first term that differs decides). Missing and
 * non-scalar fields count as `null`.
 *
 * @example
 * const order = [{ field: 'rank', direction: 'desc' }, { field: 'id', direction: 'desc' }] as const;
 * records.sort((a, b) => compareRecords(order, a, b));
 */
export function compareRecords(
  order: readonly OrderTerm[],
  a: Readonly<Record<string, unknown>>,
  b: Readonly<Record<string, unknown>>,
): number {
  for (const term of order) {
    const result = compareScalars(scalarAt(a, term.field), scalarAt(b, term.field));
    if (result !== 0) return term.direction === 'desc' ? -result : result;
  }
  return 0;
}
