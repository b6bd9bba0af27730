import { describe, expect, it } from 'vitest';
import { compareRecords, cursorValues, isAfterCursor, type Filter, type OrderTerm, type Scalar } from '@syncline/schema';
import type { Storage, StoredRecord } from '../../storage/storage.js';
import { ITEMS, createAll, draft, idsOf, itemsResource, pick, seededRandom, withItems, type OpenStorage } from './fixtures.js';

const RESOURCE = itemsResource.name;
const asc = (field: string): OrderTerm => ({ field, direction: 'asc' });
const desc = (field: string): OrderTerm => ({ field, direction: 'desc' });

/** Orders over `ITEMS` with their expected ids, worked out by hand: NULL sorts first, strings by code point. */
const ORDERS: ReadonlyArray<readonly [string, readonly OrderTerm[], readonly string[]]> = [
  ['strings ascending by code point (astral above U+FFFD)', [asc('name'), asc('id')], ['i11', 'i02', 'i07', 'i01', 'i09', 'i12', 'i03', 'i04', 'i08', 'i06', 'i10', 'i05']],
  ['strings descending', [desc('name'), desc('id')], ['i05', 'i10', 'i06', 'i08', 'i04', 'i03', 'i12', 'i09', 'i01', 'i07', 'i02', 'i11']],
  ['integer descending puts NULL last, then number ascending', [desc('rank'), asc('value'), asc('id')], ['i01', 'i09', 'i04', 'i12', 'i05', 'i07', 'i02', 'i08', 'i10', 'i03', 'i11', 'i06']],
  ['NULL first ascending, then boolean descending', [asc('group'), desc('active'), asc('id')], ['i03', 'i07', 'i11', 'i01', 'i12', 'i04', 'i08', 'i05', 'i10', 'i02', 'i06', 'i09']],
  ['an absent optional field sorts as NULL', [asc('label'), desc('id')], ['i11', 'i10', 'i07', 'i04', 'i02', 'i12', 'i09', 'i05', 'i01', 'i08', 'i03', 'i06']],
];

const MATCH_ALL: Filter = { and: [] };

async function listAll(storage: Storage, order: readonly OrderTerm[], filter: Filter = MATCH_ALL): Promise<StoredRecord[]> {
  return storage.read((tx) => tx.list(RESOURCE, { filter, order, limit: 1000 }));
}

/** Pages through a collection with keyset cursors, as a client following `next` links would. */
async function listPaged(storage: Storage, order: readonly OrderTerm[], limit: number, filter: Filter = MATCH_ALL): Promise<StoredRecord[]> {
  const seen: StoredRecord[] = [];
  let after: Scalar[] | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const query = { filter, order, limit, ...(after ? { after } : {}) };
    const page = await storage.read((tx) => tx.list(RESOURCE, query));
    seen.push(...page);
    const last = page[page.length - 1];
    if (page.length < limit || !last) return seen;
    after = cursorValues(order, last);
  }
  throw new Error('paging did not end');
}

function sortedIds(records: readonly StoredRecord[], order: readonly OrderTerm[]): string[] {
  return idsOf([...records].sort((a, b) => compareRecords(order, a, b)));
}

/** ORDER BY on several fields and directions, and keyset pagination across pages with ties. */
export function orderCases(open: OpenStorage): void {
  describe('order and pagination', () => {
    for (const [name, order, expected] of ORDERS) {
      it(`orders ${name}`, async () => {
        const { storage, items } = await withItems(open);
        expect(idsOf(await listAll(storage, order))).toEqual(expected);
        // The in-memory order of `@syncline/schema` agrees, so live queries sort as storage does.
        expect(sortedIds(items, order)).toEqual(expected);
      });

      it(`pages ${name} with keyset cursors, skipping and repeating nothing`, async () => {
        const { storage } = await withItems(open);
        for (const limit of [1, 2, 5, 12]) expect(idsOf(await listPaged(storage, order, limit))).toEqual(expected);
      });
    }

    it('limit cuts the list, and a filter combines with the cursor', async () => {
      const { storage, items } = await withItems(open);
      const order = [desc('rank'), asc('id')];
      expect(idsOf(await storage.read((tx) => tx.list(RESOURCE, { filter: MATCH_ALL, order, limit: 3 })))).toEqual(['i01', 'i04', 'i09']);
      const active: Filter = { field: 'active', op: 'eq', value: true };
      const expected = sortedIds(items.filter((record) => record['active'] === true), order);
      expect(idsOf(await listPaged(storage, order, 2, active))).toEqual(expected);
    });

    it('pages through many ties on nullable fields in mixed directions', async () => {
      const storage = await open();
      const random = seededRandom(7);
      const drafts = Array.from({ length: 40 }, (_, i) =>
        draft(`t${String(i).padStart(2, '0')}`, {
          name: pick(random, ['a', 'b', 'ä']),
          rank: pick(random, [null, 1, 2]),
          value: pick(random, [0, 1]),
          active: pick(random, [true, false]),
          group: pick(random, [null, 'a', 'b']),
          ...(random() < 0.5 ? { label: pick(random, ['x', 'y']) } : {}),
        }),
      );
      const records = await createAll(storage, RESOURCE, drafts);
      const orders = [
        [asc('group'), desc('rank'), asc('active'), asc('id')],
        [desc('label'), asc('rank'), desc('name'), desc('id')],
        [desc('active'), desc('group'), asc('value'), asc('id')],
      ];
      for (const order of orders) {
        const expected = sortedIds(records, order);
        expect(idsOf(await listAll(storage, order))).toEqual(expected);
        for (const limit of [1, 3, 7]) expect(idsOf(await listPaged(storage, order, limit))).toEqual(expected);
      }
    });

    it('a cursor holding another type than its field sorts as compareScalars says', async () => {
      const { storage, items } = await withItems(open);
      const cursors: ReadonlyArray<readonly [readonly OrderTerm[], readonly Scalar[]]> = [
        [[asc('rank'), asc('id')], ['x', 'i00']],
        [[desc('rank'), asc('id')], ['x', 'i00']],
        [[asc('rank'), asc('id')], [true, 'i00']],
        [[desc('rank'), asc('id')], [true, 'i00']],
        [[asc('name'), asc('id')], [5, 'i00']],
        [[asc('group'), asc('id')], [null, 'i05']],
        [[desc('group'), asc('id')], [null, 'i05']],
      ];
      for (const [order, after] of cursors) {
        const found = await storage.read((tx) => tx.list(RESOURCE, { filter: MATCH_ALL, order, after, limit: 100 }));
        const expected = sortedIds(items.filter((record) => isAfterCursor(order, after, record)), order);
        expect(idsOf(found), JSON.stringify({ order, after })).toEqual(expected);
      }
    });

    it('orders by id when the order leaves it out', async () => {
      const { storage } = await withItems(open);
      expect(idsOf(await listAll(storage, [desc('active')]))).toEqual(['i01', 'i03', 'i05', 'i07', 'i10', 'i12', 'i02', 'i04', 'i06', 'i08', 'i09', 'i11']);
      expect(ITEMS).toHaveLength(12);
    });
  });
}
