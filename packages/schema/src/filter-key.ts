import { isCondition, MATCH_ALL, MATCH_NONE, type Filter, type Scalar } from './filter.js';
import { isMatchAll, isMatchNone, not } from './filter-build.js';
import { compareScalars } from './order.js';

/** A filter in canonical form, with its canonical JSON text kept for sorting. */
interface Canonical {
  readonly filter: Filter;
  readonly text: string;
}

function canonicalValue(value: Scalar | readonly Scalar[]): Scalar | readonly Scalar[] {
  if (!Array.isArray(value)) return value as Scalar;
  // `in` is a set: order and repeats do not change what it matches.
  const sorted = [...(value as readonly Scalar[])].sort(compareScalars);
  return sorted.filter((item, i) => i === 0 || compareScalars(item, sorted[i - 1] ?? null) !== 0);
}

/** Flattens, drops identities, detects absorbing operands, sorts and removes repeats. */
function canonicalJunction(kind: 'and' | 'or', operands: readonly Filter[]): Filter {
  const identity = kind === 'and' ? MATCH_ALL : MATCH_NONE;
  const absorbing = kind === 'and' ? MATCH_NONE : MATCH_ALL;
  const byText = new Map<string, Filter>();
  const visit = (filters: readonly Filter[]): boolean => {
    for (const operand of filters) {
      const { filter, text } = canonical(operand);
      if (kind === 'and' ? isMatchNone(filter) : isMatchAll(filter)) return false;
      if (kind === 'and' ? isMatchAll(filter) : isMatchNone(filter)) continue;
      const nested = kind === 'and' ? ('and' in filter ? filter.and : undefined) : 'or' in filter ? filter.or : undefined;
      if (nested) {
        if (!visit(nested)) return false;
      } else {
        byText.set(text, filter);
      }
    }
    return true;
  };
  if (!visit(operands)) return absorbing;
  const sorted = [...byText.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, filter]) => filter);
  if (sorted.length === 0) return identity;
  if (sorted.length === 1 && sorted[0]) return sorted[0];
  return kind === 'and' ? { and: sorted } : { or: sorted };
}

function canonical(filter: Filter): Canonical {
  let result: Filter;
  if (isCondition(filter)) {
    // Rebuilt so that extra properties and key order of the input do not leak into the key.
    result = { field: filter.field, op: filter.op, value: canonicalValue(filter.value) };
  } else if ('not' in filter) {
    result = not(canonical(filter.not).filter);
  } else if ('and' in filter) {
    result = canonicalJunction('and', filter.and);
  } else {
    result = canonicalJunction('or', filter.or);
  }
  return { filter: result, text: JSON.stringify(result) };
}

/**
 * A canonical, deterministic string for a filter: equal for filters that differ only in
 * the order or repetition of `and`/`or` operands or `in` values, in nesting of `and`s or
 * `or`s, in double negation, or in {@link MATCH_ALL}/{@link MATCH_NONE} operands; different
 * whenever the canonical forms differ. The server groups live subscriptions by it, so one
 * match per distinct filter serves every subscriber of it.
 *
 * @example
 * filterKey(where({ a: 1, b: 2 })) === filterKey(where({ b: 2, a: 1 })); // true
 */
export function filterKey(filter: Filter): string {
  return canonical(filter).text;
}

/**
 * The fields a filter mentions, sorted and without repeats: the fan-out skips
 * re-matching when a change touched none of them.
 *
 * @example
 * filterFields(where({ owner: 'ana', done: false })); // ['done', 'owner']
 */
export function filterFields(filter: Filter): string[] {
  const fields = new Set<string>();
  const visit = (node: Filter): void => {
    if (isCondition(node)) fields.add(node.field);
    else if ('not' in node) visit(node.not);
    else for (const operand of 'and' in node ? node.and : node.or) visit(operand);
  };
  visit(filter);
  return [...fields].sort();
}
