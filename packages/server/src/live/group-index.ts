import { isCondition, type Filter, type Scalar } from '@syncline/schema';

/**
 * A value a record must hold for a filter to match it: `field` equal to `value`, or (for
 * `contains`) an array `field` holding it. A filter's anchors are alternatives: a record
 * that matches the filter holds at least one of them.
 */
interface Anchor {
  readonly field: string;
  readonly op: 'eq' | 'contains';
  readonly key: string;
}

const keyOf = (value: unknown): string => JSON.stringify(value === undefined ? null : value);

/**
 * The anchors of a filter, or undefined when it has none (it must be checked against
 * every change). `and` takes its most selective operand's, `or` the union of all of its
 * operands' (only if each has some), so `list = X`, `id = X`, and a read rule such as
 * `owner = u OR members contains u` all anchor.
 */
export function anchorsOf(filter: Filter): readonly Anchor[] | undefined {
  if (isCondition(filter)) {
    if (filter.op === 'eq' && !Array.isArray(filter.value)) return [{ field: filter.field, op: 'eq', key: keyOf(filter.value) }];
    if (filter.op === 'in' && Array.isArray(filter.value)) return (filter.value as readonly Scalar[]).map((value) => ({ field: filter.field, op: 'eq' as const, key: keyOf(value) }));
    if (filter.op === 'contains' && !Array.isArray(filter.value) && filter.value !== null) return [{ field: filter.field, op: 'contains', key: keyOf(filter.value) }];
    return undefined;
  }
  if ('not' in filter) return undefined;
  if ('and' in filter) {
    let best: readonly Anchor[] | undefined;
    for (const operand of filter.and) {
      const anchors = anchorsOf(operand);
      if (anchors !== undefined && (best === undefined || anchors.length < best.length)) best = anchors;
    }
    return best;
  }
  const union: Anchor[] = [];
  for (const operand of filter.or) {
    const anchors = anchorsOf(operand);
    if (anchors === undefined) return undefined;
    union.push(...anchors);
  }
  return union;
}

interface Entry<G> {
  readonly group: G;
  readonly anchors: readonly Anchor[] | undefined;
  /** The last lookup that visited this entry, so a group reached by two anchors is visited once. */
  mark: number;
}

/**
 * Finds the groups a change may concern without testing every group: each group is
 * filed under its filter's anchors, and a change looks up the values its record held
 * before and after. Groups without anchors are tested always. Candidates still have their
 * filter checked; the index only skips those that cannot match.
 */
export interface GroupIndex<G> {
  add(group: G, filter: Filter): void;
  remove(group: G): void;
  /** Calls `visit` once for every group that may match one of the records. */
  candidates(records: ReadonlyArray<Readonly<Record<string, unknown>> | null>, visit: (group: G) => void): void;
  readonly size: number;
}

export function createGroupIndex<G>(): GroupIndex<G> {
  const entries = new Map<G, Entry<G>>();
  const unanchored = new Set<Entry<G>>();
  // field → op → value key → entries
  const byField = new Map<string, { eq: Map<string, Set<Entry<G>>>; contains: Map<string, Set<Entry<G>>> }>();
  let stamp = 0;

  const visitKey = (map: Map<string, Set<Entry<G>>>, key: string, visit: (group: G) => void): void => {
    const found = map.get(key);
    if (found === undefined) return;
    for (const entry of found) {
      if (entry.mark === stamp) continue;
      entry.mark = stamp;
      visit(entry.group);
    }
  };

  return {
    add(group, filter) {
      if (entries.has(group)) return;
      const entry: Entry<G> = { group, anchors: anchorsOf(filter), mark: 0 };
      entries.set(group, entry);
      if (entry.anchors === undefined) {
        unanchored.add(entry);
        return;
      }
      for (const anchor of entry.anchors) {
        let fields = byField.get(anchor.field);
        if (!fields) byField.set(anchor.field, (fields = { eq: new Map(), contains: new Map() }));
        const map = fields[anchor.op];
        let set = map.get(anchor.key);
        if (!set) map.set(anchor.key, (set = new Set()));
        set.add(entry);
      }
    },
    remove(group) {
      const entry = entries.get(group);
      if (entry === undefined) return;
      entries.delete(group);
      if (entry.anchors === undefined) {
        unanchored.delete(entry);
        return;
      }
      for (const anchor of entry.anchors) {
        const fields = byField.get(anchor.field);
        const map = fields?.[anchor.op];
        const set = map?.get(anchor.key);
        set?.delete(entry);
        if (set?.size === 0) map?.delete(anchor.key);
        if (fields && fields.eq.size === 0 && fields.contains.size === 0) byField.delete(anchor.field);
      }
    },
    candidates(records, visit) {
      stamp++;
      for (const entry of unanchored) {
        entry.mark = stamp;
        visit(entry.group);
      }
      for (const [field, maps] of byField) {
        for (const record of records) {
          if (record === null) continue;
          const value = record[field];
          if (maps.eq.size > 0) visitKey(maps.eq, keyOf(value), visit);
          if (maps.contains.size > 0 && Array.isArray(value)) {
            for (const element of value) visitKey(maps.contains, keyOf(element), visit);
          }
        }
      }
    },
    get size() {
      return entries.size;
    },
  };
}
