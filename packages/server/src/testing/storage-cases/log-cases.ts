import { describe, expect, it } from 'vitest';
import type { Storage } from '../../storage/storage.js';
import { createAll, draft, itemsResource, type OpenStorage } from './fixtures.js';

const ITEMS = itemsResource.name;
const item = (id: string) => draft(id, { name: id, rank: 1, value: 1, active: true, group: 'a' });

async function writeMany(storage: Storage, count: number, prefix = 'r'): Promise<void> {
  for (let i = 0; i < count; i++) await createAll(storage, ITEMS, [item(`${prefix}${i}`)]);
}

/** The change log: reading from a position, its bounds, and trimming. */
export function logCases(open: OpenStorage): void {
  describe('change log', () => {
    it('is empty before the first write', async () => {
      const storage = await open();
      expect(await storage.read((tx) => tx.head())).toBe(0);
      expect(await storage.logBounds()).toEqual({ oldest: 1, head: 0 });
      expect(await storage.changesSince(0, 10)).toEqual([]);
    });

    it('changesSince answers changes after a position, oldest first, at most limit', async () => {
      const storage = await open();
      await writeMany(storage, 6);
      const page = await storage.changesSince(2, 3);
      expect(page.map((change) => change.seq)).toEqual([3, 4, 5]);
      expect(page.map((change) => change.id)).toEqual(['r2', 'r3', 'r4']);
      expect((await storage.changesSince(5, 10)).map((change) => change.seq)).toEqual([6]);
      expect(await storage.changesSince(6, 10)).toEqual([]);
      expect(await storage.changesSince(0, 0)).toEqual([]);
    });

    it('a change carries the records before and after, with their versions', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a')]);
      if (!created) throw new Error('not created');
      const updated = await storage.write((tx) => tx.apply({ kind: 'update', resource: ITEMS, before: created, after: { ...item('a'), name: 'renamed' } }));
      await storage.write((tx) => tx.apply({ kind: 'delete', resource: ITEMS, before: updated.after ?? created }));
      const [create, update, remove] = await storage.changesSince(0, 10);
      expect(create).toMatchObject({ kind: 'create', before: null, after: created });
      expect(update).toMatchObject({ kind: 'update', before: created, after: { name: 'renamed', version: 2 } });
      expect(remove).toMatchObject({ kind: 'delete', after: null, before: { name: 'renamed', version: 2 } });
    });

    it('trimLog keeps the newest changes, and seq is never reused after a trim', async () => {
      const storage = await open();
      await writeMany(storage, 5);
      expect(await storage.trimLog(2)).toBe(3);
      expect(await storage.logBounds()).toEqual({ oldest: 4, head: 5 });
      expect((await storage.changesSince(0, 10)).map((change) => change.seq)).toEqual([4, 5]);
      expect(await storage.trimLog(10)).toBe(0);
      expect(await storage.trimLog(0)).toBe(2);
      expect(await storage.logBounds()).toEqual({ oldest: 6, head: 5 });
      expect(await storage.read((tx) => tx.head())).toBe(5);
      await writeMany(storage, 2, 's');
      expect((await storage.changesSince(0, 10)).map((change) => change.seq)).toEqual([6, 7]);
      expect(await storage.logBounds()).toEqual({ oldest: 6, head: 7 });
      expect((await storage.read((tx) => tx.get(ITEMS, 's1')))?.version).toBe(7);
    });

    it('head inside a read matches the records that read sees', async () => {
      const storage = await open();
      await writeMany(storage, 3);
      const seen = await storage.read(async (tx) => ({ head: await tx.head(), count: await tx.count(ITEMS, { and: [] }) }));
      expect(seen).toEqual({ head: 3, count: 3 });
    });
  });
}
