import { describe, expect, it } from 'vitest';
import { matchesFilter, type ComparisonOp, type Filter, type Scalar } from '@syncline/schema';
import { createAll, draft, idsOf, itemsResource, pick, seededRandom, type OpenStorage } from './fixtures.js';

const RESOURCE = itemsResource.name;

/** Values each field may hold, with NULL, absence and the odd types a JSON field allows. */
const FIELD_VALUES: Readonly<Record<string, readonly unknown[]>> = {
  name: ['a', 'b', 'B', 'é', '😀', '\uFFFD', ''],
  rank: [null, -1, 0, 1, 2],
  value: [-1.5, 0, 0.5, 2],
  active: [true, false],
  group: [null, 'a', 'b'],
  label: [undefined, 'x', 'y'],
  tags: [undefined, [], ['a'], ['a', 'b'], [1, 'a'], [true], [null, 0], ['1']],
  extra: [undefined, 'a', 1, 0, true, [1, 2], []],
};

/** Values a filter may compare with: every field's scalars plus ones of the wrong type. */
const FILTER_VALUES: readonly Scalar[] = [null, 'a', 'b', 'B', 'é', '😀', '\uFFFD', '', 'x', '1', -1, 0, 0.5, 1, 2, true, false];
const OPS: readonly ComparisonOp[] = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains'];
const JSON_FIELDS = new Set(['tags', 'extra']);

function randomFilter(random: () => number, depth: number): Filter {
  const roll = random();
  if (depth > 0 && roll < 0.3) {
    const parts = Array.from({ length: Math.floor(random() * 3) }, () => randomFilter(random, depth - 1));
    return random() < 0.5 ? { and: parts } : { or: parts };
  }
  if (depth > 0 && roll < 0.4) return { not: randomFilter(random, depth - 1) };
  const field = pick(random, [...Object.keys(FIELD_VALUES), 'id']);
  // Ranges over JSON text are not part of the language storage must support.
  const ops = JSON_FIELDS.has(field) ? OPS.filter((op) => !op.startsWith('g') && !op.startsWith('l')) : OPS;
  const op = pick(random, ops);
  if (op === 'in') return { field, op, value: Array.from({ length: Math.floor(random() * 4) }, () => pick(random, FILTER_VALUES)) };
  return { field, op, value: pick(random, field === 'id' ? ['r05', 'r10', null, 3] : FILTER_VALUES) };
}

/**
 * Storage and the in-memory matcher must select the same records, or live subscribers
 * would see records enter and leave that a query would not list (and the other way round).
 */
export function agreementCases(open: OpenStorage): void {
  describe('agreement with matchesFilter', () => {
    it('list and count select exactly what matchesFilter accepts, for 400 random filters', async () => {
      const storage = await open();
      const random = seededRandom(20240501);
      const drafts = Array.from({ length: 30 }, (_, i) => {
        const fields: Record<string, unknown> = {};
        for (const [field, values] of Object.entries(FIELD_VALUES)) {
          const value = pick(random, values);
          if (value !== undefined) fields[field] = value;
        }
        return draft(`r${String(i).padStart(2, '0')}`, fields);
      });
      const records = await createAll(storage, RESOURCE, drafts);
      for (let i = 0; i < 400; i++) {
        const filter = randomFilter(random, 3);
        const expected = idsOf(records.filter((record) => matchesFilter(filter, record)));
        const found = await storage.read((tx) => tx.list(RESOURCE, { filter, order: [{ field: 'id', direction: 'asc' }], limit: 100 }));
        expect(idsOf(found), JSON.stringify(filter)).toEqual(expected);
        expect(await storage.read((tx) => tx.count(RESOURCE, filter)), JSON.stringify(filter)).toBe(expected.length);
      }
    });
  });
}
