import { describe, expect, it } from 'vitest';
import type { Filter, Scalar } from '@syncline/schema';
import { itemsResource, withItems, type OpenStorage } from './fixtures.js';

const ITEMS = itemsResource.name;
const ALL = ['i01', 'i02', 'i03', 'i04', 'i05', 'i06', 'i07', 'i08', 'i09', 'i10', 'i11', 'i12'];
const eq = (field: string, value: Scalar): Filter => ({ field, op: 'eq', value });

/**
 * Each filter with the ids of `ITEMS` it selects, worked out by hand from SQL's semantics
 * (which `matchesFilter` in `@syncline/schema` shares): comparisons with NULL are
 * UNKNOWN, so neither a condition nor its `not` selects a record where the field is NULL.
 */
const CASES: ReadonlyArray<readonly [string, Filter, readonly string[]]> = [
  ['eq a string', eq('name', 'apple'), ['i01', 'i09']],
  ['eq null is IS NULL', eq('rank', null), ['i03', 'i06', 'i11']],
  ['eq null matches an absent optional field', eq('label', null), ['i02', 'i04', 'i07', 'i10', 'i11']],
  ['ne a value never matches NULL', { field: 'group', op: 'ne', value: 'a' }, ['i02', 'i05', 'i06', 'i09', 'i10']],
  ['ne null is IS NOT NULL', { field: 'group', op: 'ne', value: null }, ['i01', 'i02', 'i04', 'i05', 'i06', 'i08', 'i09', 'i10', 'i12']],
  ['gt on an integer', { field: 'rank', op: 'gt', value: 2 }, ['i01', 'i04', 'i09', 'i12']],
  ['gte on an integer', { field: 'rank', op: 'gte', value: 2 }, ['i01', 'i04', 'i05', 'i07', 'i09', 'i12']],
  ['lt on an integer never matches NULL', { field: 'rank', op: 'lt', value: 1 }, ['i10']],
  ['lte on an integer', { field: 'rank', op: 'lte', value: 1 }, ['i02', 'i08', 'i10']],
  ['gt on a number', { field: 'value', op: 'gt', value: 2.25 }, ['i04', 'i06', 'i07', 'i08', 'i12']],
  ['lte on a negative number', { field: 'value', op: 'lte', value: -0.5 }, ['i02', 'i10']],
  ['lt on a string compares code points', { field: 'name', op: 'lt', value: 'a' }, ['i02', 'i07', 'i11']],
  ['gt on a string puts astral characters above U+FFFD', { field: 'name', op: 'gt', value: '\uFFFD' }, ['i05', 'i06', 'i10']],
  ['gt null matches nothing', { field: 'rank', op: 'gt', value: null }, []],
  ['eq true on a boolean', eq('active', true), ['i01', 'i03', 'i05', 'i07', 'i10', 'i12']],
  ['lt true on a boolean', { field: 'active', op: 'lt', value: true }, ['i02', 'i04', 'i06', 'i08', 'i09', 'i11']],
  ['in', { field: 'group', op: 'in', value: ['a', 'c'] }, ['i01', 'i04', 'i06', 'i08', 'i09', 'i12']],
  ['in never matches NULL, even with null in the list', { field: 'group', op: 'in', value: ['b', null] }, ['i02', 'i05', 'i10']],
  ['in an empty list matches nothing', { field: 'group', op: 'in', value: [] }, []],
  ['in over ids', { field: 'id', op: 'in', value: ['i01', 'i03', 'zz'] }, ['i01', 'i03']],
  ['contains a string', { field: 'tags', op: 'contains', value: 'red' }, ['i01', 'i04', 'i08', 'i12']],
  ['contains a number is not the string "1"', { field: 'tags', op: 'contains', value: 1 }, ['i04']],
  ['contains the string "1" is not the number', { field: 'tags', op: 'contains', value: '1' }, ['i07']],
  ['contains true is not the number 1', { field: 'tags', op: 'contains', value: true }, ['i05']],
  ['contains false', { field: 'tags', op: 'contains', value: false }, ['i10']],
  ['contains null matches nothing', { field: 'tags', op: 'contains', value: null }, []],
  ['contains looks into arrays only, not scalars', { field: 'extra', op: 'contains', value: 1 }, ['i04']],
  ['contains on a scalar json value matches nothing', { field: 'extra', op: 'contains', value: 'x' }, []],
  ['eq on a json field compares scalars only', eq('extra', 1), ['i06']],
  ['eq on a json field tells a string from a number', eq('extra', 'x'), ['i01', 'i09']],
  ['eq on a json field tells true from 1', eq('extra', true), ['i07']],
  ['and', { and: [eq('active', true), eq('group', 'a')] }, ['i01', 'i12']],
  ['or', { or: [eq('rank', 0), eq('name', 'Zebra')] }, ['i07', 'i10']],
  ['not of a comparison leaves NULL out', { not: eq('group', 'a') }, ['i02', 'i05', 'i06', 'i09', 'i10']],
  ['not of eq null', { not: eq('rank', null) }, ['i01', 'i02', 'i04', 'i05', 'i07', 'i08', 'i09', 'i10', 'i12']],
  ['not of ne leaves NULL out', { not: { field: 'label', op: 'ne', value: 'x' } }, ['i01', 'i05', 'i09', 'i12']],
  ['empty and is true', { and: [] }, ALL],
  ['empty or is false', { or: [] }, []],
  ['not of empty or is true', { not: { or: [] } }, ALL],
  ['not of empty and is false', { not: { and: [] } }, []],
  [
    'nested and/or/not',
    { or: [{ and: [eq('active', false), { field: 'rank', op: 'gte', value: 3 }] }, { not: { field: 'label', op: 'ne', value: 'x' } }] },
    ['i01', 'i04', 'i05', 'i09', 'i12'],
  ],
  ['a string never equals an integer field (no type affinity)', eq('rank', '3'), []],
  ['not of a mistyped eq still leaves NULL out', { not: eq('rank', '3') }, ['i01', 'i02', 'i04', 'i05', 'i07', 'i08', 'i09', 'i10', 'i12']],
  ['a number never equals a boolean field', eq('active', 1), []],
  ['a mistyped range matches nothing', { field: 'name', op: 'gt', value: 0 }, []],
  ['system fields filter too', { field: 'version', op: 'gte', value: 11 }, ['i11', 'i12']],
];

/** Every comparison operator, null semantics, `in`, `contains`, `and`/`or`/`not`, and `count`. */
export function filterCases(open: OpenStorage): void {
  describe('filters', () => {
    for (const [name, filter, expected] of CASES) {
      it(`list and count: ${name}`, async () => {
        const { storage } = await withItems(open);
        const found = await storage.read((tx) => tx.list(ITEMS, { filter, order: [{ field: 'id', direction: 'asc' }], limit: 100 }));
        expect(found.map((record) => record.id)).toEqual(expected);
        expect(await storage.read((tx) => tx.count(ITEMS, filter))).toBe(expected.length);
      });
    }

    it('a filter on a field the resource does not have is refused', async () => {
      const { storage } = await withItems(open);
      await expect(storage.read((tx) => tx.count(ITEMS, eq('nope', 1)))).rejects.toThrow();
    });
  });
}
