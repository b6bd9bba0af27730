import { describe, expect, it } from 'vitest';
import { StorageConflictError, type Mutation, type Storage } from '../../storage/storage.js';
import { T0, T1, createAll, draft, itemsResource, kindsResource, type OpenStorage } from './fixtures.js';

const ITEMS = itemsResource.name;
const item = (id: string, name = 'n') => draft(id, { name, rank: 1, value: 1, active: true, group: 'a' });

async function expectConflict(storage: Storage, mutation: Mutation, reason: StorageConflictError['reason']): Promise<void> {
  const head = await storage.read((tx) => tx.head());
  const error: unknown = await storage.write((tx) => tx.apply(mutation)).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(StorageConflictError);
  expect((error as StorageConflictError).reason).toBe(reason);
  // A refused write leaves no trace: no seq taken, no change appended.
  expect(await storage.read((tx) => tx.head())).toBe(head);
  expect(await storage.changesSince(head, 10)).toEqual([]);
}

/** Create, read back, update, delete, and the three conflicts. */
export function writeCases(open: OpenStorage): void {
  describe('writes', () => {
    it('create assigns version = seq and appends a change', async () => {
      const storage = await open();
      const change = await storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('a', 'first') }));
      expect(change).toMatchObject({ seq: 1, resource: ITEMS, id: 'a', kind: 'create', before: null });
      expect(change.after).toEqual({ id: 'a', version: 1, createdAt: T0, updatedAt: T0, name: 'first', rank: 1, value: 1, active: true, group: 'a' });
      expect(typeof change.at).toBe('string');
      expect(Number.isNaN(Date.parse(change.at))).toBe(false);
      expect(await storage.read((tx) => tx.get(ITEMS, 'a'))).toEqual(change.after);
      expect(await storage.changesSince(0, 10)).toEqual([change]);
    });

    it('round-trips every field kind through get, list and the change log', async () => {
      const storage = await open();
      const fields = {
        text: 'héllo "quoted" \'single\' 😀',
        count: -9007199254740991,
        ratio: 0.1,
        flag: false,
        meta: { label: 'm', weights: [1, 2.5] },
        list: ['s', 1, true, null],
        note: null,
      };
      const other = { text: '', count: 42, ratio: -1e-7, flag: true, meta: { label: '', weights: [] }, list: [], note: 'n', nick: 'nicky' };
      const [first, second] = await createAll(storage, kindsResource.name, [draft('k1', fields), draft('k2', other)]);
      const expected1 = { id: 'k1', version: 1, createdAt: T0, updatedAt: T0, ...fields };
      expect(first).toEqual(expected1);
      const got = await storage.read((tx) => tx.get(kindsResource.name, 'k1'));
      expect(got).toEqual(expected1);
      // An optional field left out reads back absent, not null; a nullable one reads back null.
      expect(got && Object.hasOwn(got, 'nick')).toBe(false);
      expect(got?.['note']).toBeNull();
      expect(await storage.read((tx) => tx.get(kindsResource.name, 'k2'))).toEqual(second);
      expect(second).toEqual({ id: 'k2', version: 2, createdAt: T0, updatedAt: T0, ...other });
      const listed = await storage.read((tx) => tx.list(kindsResource.name, { filter: { and: [] }, order: [{ field: 'id', direction: 'asc' }], limit: 10 }));
      expect(listed).toEqual([first, second]);
      expect((await storage.changesSince(0, 10)).map((change) => change.after)).toEqual([first, second]);
    });

    it('update with the stored version writes version = new seq and records before and after', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a', 'old')]);
      if (!created) throw new Error('not created');
      const after = { ...draft('a', { name: 'new', rank: null, value: 2, active: false, group: null, label: 'l' }, T1), createdAt: T0 };
      const change = await storage.write((tx) => tx.apply({ kind: 'update', resource: ITEMS, before: created, after }));
      expect(change).toMatchObject({ seq: 2, kind: 'update', id: 'a', before: created });
      expect(change.after).toEqual({ ...after, version: 2 });
      expect(await storage.read((tx) => tx.get(ITEMS, 'a'))).toEqual({ ...after, version: 2 });
    });

    it('update with a stale version is refused as stale', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a', 'old')]);
      if (!created) throw new Error('not created');
      await storage.write((tx) => tx.apply({ kind: 'update', resource: ITEMS, before: created, after: item('a', 'second') }));
      await expectConflict(storage, { kind: 'update', resource: ITEMS, before: created, after: item('a', 'lost') }, 'stale');
      expect((await storage.read((tx) => tx.get(ITEMS, 'a')))?.['name']).toBe('second');
    });

    it('delete removes the record and records it as before', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a')]);
      if (!created) throw new Error('not created');
      const change = await storage.write((tx) => tx.apply({ kind: 'delete', resource: ITEMS, before: created }));
      expect(change).toMatchObject({ seq: 2, kind: 'delete', id: 'a', after: null, before: created });
      expect(await storage.read((tx) => tx.get(ITEMS, 'a'))).toBeUndefined();
    });

    it('delete with a stale version is refused as stale', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a')]);
      if (!created) throw new Error('not created');
      await expectConflict(storage, { kind: 'delete', resource: ITEMS, before: { ...created, version: created.version + 7 } }, 'stale');
      expect(await storage.read((tx) => tx.get(ITEMS, 'a'))).toEqual(created);
    });

    it('create of a taken id is refused as exists', async () => {
      const storage = await open();
      await createAll(storage, ITEMS, [item('a', 'kept')]);
      await expectConflict(storage, { kind: 'create', resource: ITEMS, after: item('a', 'other') }, 'exists');
      expect((await storage.read((tx) => tx.get(ITEMS, 'a')))?.['name']).toBe('kept');
    });

    it('update and delete of a missing record are refused as missing', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a')]);
      if (!created) throw new Error('not created');
      await storage.write((tx) => tx.apply({ kind: 'delete', resource: ITEMS, before: created }));
      await expectConflict(storage, { kind: 'update', resource: ITEMS, before: created, after: item('a') }, 'missing');
      await expectConflict(storage, { kind: 'delete', resource: ITEMS, before: created }, 'missing');
      await expectConflict(storage, { kind: 'delete', resource: ITEMS, before: { ...created, id: 'never' } }, 'missing');
    });

    it('a re-created record gets a new version, so an ETag is never reused', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a')]);
      if (!created) throw new Error('not created');
      await storage.write((tx) => tx.apply({ kind: 'delete', resource: ITEMS, before: created }));
      const again = await storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('a') }));
      expect(again.after?.version).toBe(3);
    });

    it('refuses a field the resource does not have, writing nothing', async () => {
      const storage = await open();
      await expect(storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: { ...item('a'), stray: 1 } }))).rejects.toThrow();
      expect(await storage.read((tx) => tx.get(ITEMS, 'a'))).toBeUndefined();
      expect(await storage.read((tx) => tx.head())).toBe(0);
    });
  });
}
