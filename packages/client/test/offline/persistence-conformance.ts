import { SynclineError } from '@syncline/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyBatch, mapsOf, stateOf } from '../../src/offline/persistence-batch.js';
import type { HeldConflict, PendingWrite, PersistenceBatch, ReplicaPersistence } from '../../src/offline/offline-types.js';
import type { ReplicaEntry } from '../../src/store/replica-store.js';

/** How the suite gets an adapter: `open` makes a fresh store; `reopen`, when the adapter is durable, opens the same one again. */
export interface PersistenceHarness {
  open(): Promise<ReplicaPersistence>;
  reopen?(): Promise<ReplicaPersistence>;
}

export const entry = (id: number, title = `Todo ${id}`, dirty = false): ReplicaEntry => {
  const data = { id: String(id), version: id, title, tags: ['a', 'b'], meta: { nested: { deep: true } } };
  return { uri: `/todos/${id}`, etag: `"${id}"`, dirty, data, base: data };
};

export const write = (order: number, uri = `/todos/${order}`): PendingWrite => ({
  key: `00000000-0000-4000-8000-${String(order).padStart(12, '0')}`,
  order,
  uri,
  method: 'PATCH',
  create: false,
  body: { title: `Edit ${order}` },
  headers: { 'content-type': 'application/merge-patch+json' },
  policy: 'merge',
  madeAt: 1_700_000_000_000 + order,
});

export const conflict = (id: number): HeldConflict => ({
  uri: `/todos/${id}`,
  base: { title: 'Milk' },
  local: { title: 'Oat milk' },
  server: null,
  serverEtag: null,
  fields: [],
  heldAt: 1_700_000_000_000,
});

/**
 * The persistence conformance suite: an adapter is done when it passes every case.
 *
 * @example
 * describePersistence('memory', { open: async () => memoryPersistence() });
 */
export function describePersistence(name: string, harness: PersistenceHarness): void {
  describe(`persistence conformance: ${name}`, () => {
    it('starts empty', async () => {
      const persistence = await harness.open();
      expect(await persistence.load()).toEqual({ entries: [], outbox: [], conflicts: [] });
      await persistence.close();
    });

    it('round-trips entries, pending writes and held conflicts', async () => {
      const persistence = await harness.open();
      const deleted: ReplicaEntry = { uri: '/todos/9', etag: null, dirty: true, data: null, base: { id: '9', title: 'Gone' } };
      await persistence.commit({ putEntries: [entry(1), entry(2, 'Two', true), deleted], putWrites: [write(1)], putConflicts: [conflict(3)] });
      const state = await persistence.load();
      expect(byUri(state.entries)).toEqual(byUri([entry(1), entry(2, 'Two', true), deleted]));
      expect(state.outbox).toEqual([write(1)]);
      expect(state.conflicts).toEqual([conflict(3)]);
      await persistence.close();
    });

    it('applies a batch of deletes and puts together, deletes first', async () => {
      const persistence = await harness.open();
      await persistence.commit({ putEntries: [entry(1), entry(2)], putWrites: [write(1), write(2)], putConflicts: [conflict(1)] });
      await persistence.commit({
        deleteEntries: ['/todos/1', '/todos/2'],
        putEntries: [entry(2, 'Two again'), entry(3)],
        deleteWrites: [write(1).key],
        putWrites: [write(3)],
        deleteConflicts: ['/todos/1'],
        putConflicts: [conflict(2)],
      });
      const state = await persistence.load();
      expect(byUri(state.entries)).toEqual(byUri([entry(2, 'Two again'), entry(3)]));
      expect(state.outbox).toEqual([write(2), write(3)]);
      expect(state.conflicts).toEqual([conflict(2)]);
      await persistence.close();
    });

    it('refuses a malformed batch with bad-request and stores none of it', async () => {
      const persistence = await harness.open();
      await persistence.commit({ putEntries: [entry(1)] });
      const bad = { putEntries: [entry(2)], deleteEntries: ['/todos/1'], putWrites: [{ ...write(1), order: Number.NaN }] };
      await expect(persistence.commit(bad)).rejects.toMatchObject({ code: 'bad-request' });
      await expect(persistence.commit({ putWrites: [{ order: 1 } as unknown as PendingWrite] })).rejects.toBeInstanceOf(SynclineError);
      await expect(persistence.commit({ putEntries: [{ ...entry(5), data: { f: () => 1 } }] })).rejects.toMatchObject({ code: 'bad-request' });
      expect((await persistence.load()).entries).toEqual([entry(1)]);
      await persistence.close();
    });

    it('keeps the outbox in order, whatever order the writes were put in', async () => {
      const persistence = await harness.open();
      const orders = [7, 2, 11, 1, 5, 3, 10];
      await persistence.commit({ putWrites: orders.slice(0, 3).map((order) => write(order)) });
      await persistence.commit({ putWrites: orders.slice(3).map((order) => write(order)) });
      expect((await persistence.load()).outbox.map((pending) => pending.order)).toEqual([1, 2, 3, 5, 7, 10, 11]);
      await persistence.close();
    });

    it('serializes concurrent commits: each finishes in call order and the last one wins', async () => {
      const persistence = await harness.open();
      const finished: number[] = [];
      const commits = Array.from({ length: 20 }, (_, i) =>
        persistence.commit({ putEntries: [entry(1, `Edit ${i}`)], putWrites: [write(i)], ...(i > 0 ? { deleteWrites: [write(i - 1).key] } : {}) }).then(() => void finished.push(i)),
      );
      await Promise.all(commits);
      expect(finished).toEqual(Array.from({ length: 20 }, (_, i) => i));
      const state = await persistence.load();
      expect(state.entries).toEqual([entry(1, 'Edit 19')]);
      expect(state.outbox).toEqual([write(19)]);
      await persistence.close();
    });

    it('answers copies and stores copies: mutating either side changes nothing stored', async () => {
      const persistence = await harness.open();
      const batch = { putEntries: [entry(1)], putWrites: [write(1)] } satisfies PersistenceBatch;
      await persistence.commit(batch);
      (batch.putEntries[0]!.data as { title: string }).title = 'changed after commit';
      const first = await persistence.load();
      expect(first.entries).toEqual([entry(1)]);
      (first.entries[0]!.data as { title: string }).title = 'changed after load';
      ((first.entries[0]!.data as { tags: string[] }).tags).push('c');
      (first.outbox as PendingWrite[]).pop();
      const second = await persistence.load();
      expect(second.entries).toEqual([entry(1)]);
      expect(second.outbox).toEqual([write(1)]);
      await persistence.close();
    });

    it('after any sequence of batches, loads what a model of puts and deletes holds', async () => {
      const persistence = await harness.open();
      const uri = fc.integer({ min: 1, max: 4 });
      const batch: fc.Arbitrary<PersistenceBatch> = fc.record(
        {
          putEntries: fc.array(fc.tuple(uri, fc.string({ maxLength: 3 })).map(([id, title]) => entry(id, title)), { maxLength: 3 }),
          deleteEntries: fc.array(uri.map((id) => `/todos/${id}`), { maxLength: 2 }),
          putWrites: fc.array(fc.tuple(fc.integer({ min: 1, max: 6 }), uri).map(([order, id]) => write(order, `/todos/${id}`)), { maxLength: 3 }),
          deleteWrites: fc.array(fc.integer({ min: 1, max: 6 }).map((order) => write(order).key), { maxLength: 2 }),
          putConflicts: fc.array(uri.map(conflict), { maxLength: 2 }),
          deleteConflicts: fc.array(uri.map((id) => `/todos/${id}`), { maxLength: 2 }),
        },
        { requiredKeys: [] },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(batch, { maxLength: 6 }), async (batches) => {
          const model = mapsOf(await persistence.load());
          for (const next of batches) {
            applyBatch(model, structuredClone(next));
            await persistence.commit(next);
          }
          const state = await persistence.load();
          const expected = stateOf(model);
          expect(byUri(state.entries)).toEqual(byUri(expected.entries));
          expect(state.outbox).toEqual(expected.outbox);
          expect(byUri(state.conflicts)).toEqual(byUri(expected.conflicts));
        }),
        { numRuns: 25 },
      );
      await persistence.close();
    });

    it('destroy on a store that holds nothing, and a second destroy, succeed', async () => {
      const persistence = await harness.open();
      await persistence.destroy();
      await persistence.destroy();
    });

    if (harness.reopen) {
      const reopen = harness.reopen.bind(harness);
      it('destroy deletes the replica, the outbox and held conflicts: the store opened again starts empty and works', async () => {
        const persistence = await harness.open();
        await persistence.commit({ putEntries: [entry(1), entry(2, 'Two', true)], putWrites: [write(1)], putConflicts: [conflict(2)] });
        // A commit still queued when destroy is called lands before it, never after.
        const late = persistence.commit({ putEntries: [entry(3)], putWrites: [write(3)] });
        await persistence.destroy();
        await late;
        const again = await reopen();
        expect(await again.load()).toEqual({ entries: [], outbox: [], conflicts: [] });
        await again.commit({ putEntries: [entry(4)] });
        expect((await again.load()).entries).toEqual([entry(4)]);
        await again.close();
      });
    }

    if (harness.reopen) {
      const reopen = harness.reopen.bind(harness);
      it('survives close and reopen', async () => {
        const persistence = await harness.open();
        await persistence.commit({ putEntries: [entry(1), entry(2, 'Two', true)], putWrites: [write(2), write(1)], putConflicts: [conflict(4)] });
        await persistence.commit({ deleteEntries: ['/todos/1'], deleteWrites: [write(1).key] });
        await persistence.close();
        const again = await reopen();
        const state = await again.load();
        expect(state).toEqual({ entries: [entry(2, 'Two', true)], outbox: [write(2)], conflicts: [conflict(4)] });
        await again.commit({ putWrites: [write(3)] });
        expect((await again.load()).outbox).toEqual([write(2), write(3)]);
        await again.close();
      });

      it('a commit made before any load keeps what is already stored', async () => {
        const persistence = await harness.open();
        await persistence.commit({ putEntries: [entry(1)] });
        await persistence.close();
        const again = await reopen();
        await again.commit({ putEntries: [entry(2)] });
        expect(byUri((await again.load()).entries)).toEqual(byUri([entry(1), entry(2)]));
        await again.close();
      });
    }
  });
}

function byUri<T extends { readonly uri: string }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.uri.localeCompare(b.uri));
}
