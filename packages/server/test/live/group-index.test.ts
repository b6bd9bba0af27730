import { matchesFilter, type Filter } from '@syncline/schema';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { anchorsOf, createGroupIndex } from '../../src/live/group-index.js';

const values = fc.constantFrom('a', 'b', 'c', 1, 2, true, null);
const condition: fc.Arbitrary<Filter> = fc.oneof(
  fc.record({ field: fc.constantFrom('owner', 'list'), op: fc.constantFrom('eq', 'ne', 'gt'), value: values }) as fc.Arbitrary<Filter>,
  fc.record({ field: fc.constant('owner'), op: fc.constant('in'), value: fc.array(values, { maxLength: 3 }) }) as fc.Arbitrary<Filter>,
  fc.record({ field: fc.constant('members'), op: fc.constant('contains'), value: values }) as fc.Arbitrary<Filter>,
);
const filter: fc.Arbitrary<Filter> = fc.letrec<{ node: Filter }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    condition,
    fc.record({ and: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ or: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ not: tie('node') }),
  ),
})).node;
const record = fc.option(
  fc.record({ id: fc.constantFrom('r1', 'r2'), owner: values, list: values, members: fc.array(values, { maxLength: 3 }) }, { requiredKeys: ['id'] }),
  { nil: null },
);

describe('the fan-out group index', () => {
  it('never skips a group whose filter matches the record before or after a change', () => {
    fc.assert(
      fc.property(fc.array(filter, { minLength: 1, maxLength: 12 }), record, record, (filters, before, after) => {
        const index = createGroupIndex<number>();
        filters.forEach((f, i) => index.add(i, f));
        const visited: number[] = [];
        index.candidates([before, after], (group) => visited.push(group));
        expect(new Set(visited).size).toBe(visited.length);
        filters.forEach((f, i) => {
          const matches = (before !== null && matchesFilter(f, before)) || (after !== null && matchesFilter(f, after));
          if (matches) expect(visited).toContain(i);
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('looks up anchored groups by value instead of testing them all', () => {
    const index = createGroupIndex<string>();
    for (let i = 0; i < 1000; i++) index.add(`list-${i}`, { field: 'list', op: 'eq', value: `L${i}` });
    index.add('ana', { or: [{ field: 'owner', op: 'eq', value: 'ana' }, { field: 'members', op: 'contains', value: 'ana' }] });
    index.add('everything', { and: [] });
    const visited: string[] = [];
    index.candidates([{ id: 't', list: 'L7', owner: 'bob', members: ['ana'] }], (group) => visited.push(group));
    expect(visited.sort()).toEqual(['ana', 'everything', 'list-7']);
    index.remove('list-7');
    expect(index.size).toBe(1001);
  });

  it('anchors and, or and in; not and ranges do not anchor', () => {
    expect(anchorsOf({ and: [{ field: 'done', op: 'eq', value: false }, { field: 'list', op: 'in', value: ['a', 'b', 'c'] }] })).toHaveLength(1);
    expect(anchorsOf({ or: [{ field: 'owner', op: 'eq', value: 'u' }, { field: 'members', op: 'contains', value: 'u' }] })).toHaveLength(2);
    expect(anchorsOf({ or: [{ field: 'owner', op: 'eq', value: 'u' }, { field: 'n', op: 'gt', value: 1 }] })).toBeUndefined();
    expect(anchorsOf({ not: { field: 'owner', op: 'eq', value: 'u' } })).toBeUndefined();
    expect(anchorsOf({ or: [] })).toEqual([]);
  });
});
