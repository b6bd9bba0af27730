import { describe, expect, it } from 'vitest';
import { StorageConflictError, type StorageReader } from '../../storage/storage.js';
import { createAll, draft, itemsResource, notesV1, notesV2, type OpenStorage } from './fixtures.js';

const ITEMS = itemsResource.name;
const item = (id: string, name = 'n') => draft(id, { name, rank: 1, value: 1, active: true, group: 'a' });

/** Seq order, atomicity, concurrency and migrations. */
export function transactionCases(open: OpenStorage): void {
  describe('transactions', () => {
    it('seq is gapless across creates, updates and deletes, in commit order', async () => {
      const storage = await open();
      const [a, b] = await createAll(storage, ITEMS, [item('a'), item('b')]);
      if (!a || !b) throw new Error('not created');
      const updated = await storage.write((tx) => tx.apply({ kind: 'update', resource: ITEMS, before: a, after: item('a', 'a2') }));
      await storage.write((tx) => tx.apply({ kind: 'delete', resource: ITEMS, before: b }));
      await storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('c') }));
      await storage.write((tx) => tx.apply({ kind: 'delete', resource: ITEMS, before: updated.after ?? a }));
      const changes = await storage.changesSince(0, 100);
      expect(changes.map((change) => [change.seq, change.kind, change.id])).toEqual([
        [1, 'create', 'a'],
        [2, 'create', 'b'],
        [3, 'update', 'a'],
        [4, 'delete', 'b'],
        [5, 'create', 'c'],
        [6, 'delete', 'a'],
      ]);
      for (const change of changes) if (change.after) expect(change.after.version).toBe(change.seq);
      expect(await storage.read((tx) => tx.head())).toBe(6);
    });

    it('a failing transaction leaves neither record nor change, and the next write takes the next seq', async () => {
      const storage = await open();
      await createAll(storage, ITEMS, [item('a')]);
      const failure = new Error('boom');
      await expect(
        storage.write(async (tx) => {
          await tx.apply({ kind: 'create', resource: ITEMS, after: item('b') });
          await tx.apply({ kind: 'create', resource: ITEMS, after: item('c') });
          throw failure;
        }),
      ).rejects.toBe(failure);
      expect(await storage.read((tx) => tx.get(ITEMS, 'b'))).toBeUndefined();
      expect(await storage.read((tx) => tx.head())).toBe(1);
      expect(await storage.changesSince(1, 10)).toEqual([]);
      const next = await storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('d') }));
      expect(next.seq).toBe(2);
    });

    it('a transaction that goes on after a conflict commits without a gap', async () => {
      const storage = await open();
      await createAll(storage, ITEMS, [item('a')]);
      const seqs = await storage.write(async (tx) => {
        const refused = await tx.apply({ kind: 'create', resource: ITEMS, after: item('a') }).catch((error: unknown) => error);
        expect(refused).toBeInstanceOf(StorageConflictError);
        const b = await tx.apply({ kind: 'create', resource: ITEMS, after: item('b') });
        return [b.seq];
      });
      expect(seqs).toEqual([2]);
      expect((await storage.changesSince(0, 10)).map((change) => change.seq)).toEqual([1, 2]);
    });

    it('applies issued without awaiting each other in one transaction still take gapless seqs', async () => {
      const storage = await open();
      await createAll(storage, ITEMS, [item('a')]);
      const outcomes = await storage.write((tx) =>
        Promise.allSettled([
          tx.apply({ kind: 'create', resource: ITEMS, after: item('b') }),
          tx.apply({ kind: 'create', resource: ITEMS, after: item('a') }),
          tx.apply({ kind: 'create', resource: ITEMS, after: item('c') }),
        ]),
      );
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect((await storage.changesSince(0, 10)).map((change) => [change.seq, change.id])).toEqual([[1, 'a'], [2, 'b'], [3, 'c']]);
      expect((await storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('d') }))).seq).toBe(4);
    });

    it('write answers what fn resolves to, and reads in it see its own writes', async () => {
      const storage = await open();
      const seen = await storage.write(async (tx) => {
        await tx.apply({ kind: 'create', resource: ITEMS, after: item('a') });
        return { record: await tx.get(ITEMS, 'a'), head: await tx.head(), count: await tx.count(ITEMS, { and: [] }) };
      });
      expect(seen).toMatchObject({ record: { id: 'a', version: 1 }, head: 1, count: 1 });
    });

    it('50 concurrent writes get distinct, contiguous seqs in commit order', async () => {
      const storage = await open();
      const changes = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          storage.write(async (tx) => {
            // Read and yield before writing, so transactions that were not kept apart would interleave.
            await tx.head();
            await new Promise((resolve) => setImmediate(resolve));
            return tx.apply({ kind: 'create', resource: ITEMS, after: item(`c${String(i).padStart(2, '0')}`) });
          }),
        ),
      );
      const seqs = changes.map((change) => change.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      const log = await storage.changesSince(0, 100);
      expect(log.map((change) => change.seq)).toEqual(seqs);
      for (const change of log) expect(change.after?.version).toBe(change.seq);
    });

    it('a stalled write holds back later ones: readers never see seq n+1 before n', async () => {
      const storage = await open();
      let release = () => {};
      const gate = new Promise<void>((resolve) => (release = resolve));
      let applied = () => {};
      const appliedSlow = new Promise<void>((resolve) => (applied = resolve));
      const slow = storage.write(async (tx) => {
        const change = await tx.apply({ kind: 'create', resource: ITEMS, after: item('slow') });
        applied();
        await gate;
        return change;
      });
      await appliedSlow;
      const fast = storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('fast') }));
      // Not awaited before the release: on a single connection these wait for the slow write.
      const views = [storage.changesSince(0, 10), storage.changesSince(0, 10)];
      const bounds = storage.logBounds();
      release();
      const [slowChange, fastChange] = await Promise.all([slow, fast]);
      expect(fastChange.seq).toBe(slowChange.seq + 1);
      for (const view of await Promise.all(views)) {
        expect(view.map((change) => change.seq)).toEqual(view.map((_, i) => i + 1));
      }
      const { oldest, head } = await bounds;
      expect(oldest).toBe(1);
      expect(head === 0 || (await storage.changesSince(0, 10)).slice(0, head).every((change, i) => change.seq === i + 1)).toBe(true);
    });

    it('concurrent updates from the same version: exactly one wins, the rest are stale', async () => {
      const storage = await open();
      const [created] = await createAll(storage, ITEMS, [item('a')]);
      if (!created) throw new Error('not created');
      const outcomes = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          storage.write((tx) => tx.apply({ kind: 'update', resource: ITEMS, before: created, after: item('a', `v${i}`) })),
        ),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') expect((outcome.reason as StorageConflictError).reason).toBe('stale');
      }
      expect(await storage.read((tx) => tx.head())).toBe(2);
    });

    it('a tx used after its transaction ended is refused', async () => {
      const storage = await open();
      let leaked: StorageReader | undefined;
      await storage.read(async (tx) => {
        leaked = tx;
      });
      await expect(leaked?.get(ITEMS, 'a')).rejects.toThrow();
    });

    it('operations on a resource that was never migrated are refused', async () => {
      const storage = await open();
      await expect(storage.read((tx) => tx.get('conformance_unknown', 'a'))).rejects.toThrow();
    });
  });

  describe('migrate', () => {
    it('is idempotent: running it again keeps data and seq', async () => {
      const storage = await open();
      await createAll(storage, ITEMS, [item('a')]);
      await storage.migrate([itemsResource, notesV1]);
      await storage.migrate([itemsResource, notesV1]);
      expect(await storage.read((tx) => tx.get(ITEMS, 'a'))).toMatchObject({ id: 'a', version: 1 });
      expect((await storage.write((tx) => tx.apply({ kind: 'create', resource: ITEMS, after: item('b') }))).seq).toBe(2);
    });

    it('adds the columns of fields new in a definition', async () => {
      const storage = await open({ migrate: false });
      await storage.migrate([notesV1]);
      await createAll(storage, notesV1.name, [draft('n1', { body: 'old' })]);
      await storage.migrate([notesV2]);
      // A record written before the field existed: optional reads back absent, nullable as null.
      expect(await storage.read((tx) => tx.get(notesV2.name, 'n1'))).toEqual({ ...draft('n1', { body: 'old' }), version: 1, score: null });
      const [fresh] = await createAll(storage, notesV2.name, [draft('n2', { body: 'new', pinned: true, score: 4 })]);
      expect(fresh).toMatchObject({ pinned: true, score: 4 });
      const pinned = await storage.read((tx) => tx.list(notesV2.name, { filter: { field: 'pinned', op: 'eq', value: true }, order: [{ field: 'id', direction: 'asc' }], limit: 10 }));
      expect(pinned.map((note) => note.id)).toEqual(['n2']);
    });
  });
}
