import pg from 'pg';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { defineResource } from '@syncline/schema';
import { StorageConflictError, type Storage, type StoredRecord } from '../../src/storage/storage.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';

// The statements one write sends under the writers' lock: the target is read once, and one
// statement takes the seq, writes the record and appends the change.

const reachable = await postgresReachable();
const schemas: string[] = [];
const opened: Storage[] = [];

const notes = defineResource({ name: 'notes', schema: z.object({ body: z.string() }) });
const at = '2024-05-01T10:00:00.000Z';

async function freshStorage(): Promise<Storage> {
  const schema = uniqueSchema('syncline_trips');
  schemas.push(schema);
  const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema });
  opened.push(storage);
  await storage.migrate([notes]);
  await storage.write((tx) => tx.apply({ kind: 'create', resource: notes.name, after: { id: 'n1', createdAt: at, updatedAt: at, body: 'one' } }));
  return storage;
}

/** The text of every statement any `pg` client sends while `fn` runs, and what `fn` threw. */
async function statementsOf(fn: () => Promise<unknown>): Promise<string[]> {
  return (await capture(fn)).sent;
}

async function capture(fn: () => Promise<unknown>): Promise<{ sent: string[]; error: unknown }> {
  const sent: string[] = [];
  const original = pg.Client.prototype.query;
  const spy = vi.spyOn(pg.Client.prototype, 'query').mockImplementation(function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    sent.push(typeof first === 'string' ? first : String((first as { text?: unknown }).text));
    return (original as (...rest: unknown[]) => unknown).apply(this, args);
  } as typeof original);
  let error: unknown;
  try {
    await fn();
  } catch (thrown) {
    error = thrown;
  } finally {
    spy.mockRestore();
  }
  return { sent, error };
}

const readsNote = (text: string) => /^select\b/i.test(text.trim()) && text.includes('from "notes"');

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
});

afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

describe.skipIf(!reachable)('postgres write round trips', () => {
  it('an update of the record read in the same transaction reads it once and writes it, its seq and its change in one statement', async () => {
    const storage = await freshStorage();
    let change: { seq: number } | undefined;
    const sent = await statementsOf(() =>
      storage.write(async (tx) => {
        const before = (await tx.get(notes.name, 'n1')) as StoredRecord;
        change = await tx.apply({ kind: 'update', resource: notes.name, before, after: { ...before, body: 'two' } });
      }),
    );
    expect(sent.filter(readsNote)).toHaveLength(1);
    // No statement of its own for the seq: the record's write carries it.
    expect(sent.filter((text) => /^update "syncline_seq"/i.test(text.trim()))).toEqual([]);
    const write = sent.filter((text) => /^with "syncline_next_seq"/i.test(text.trim()));
    expect(write).toHaveLength(1);
    expect(write[0]).toMatch(/update "notes"/i);
    // Nor for the change-log entry: the same statement appends it.
    expect(write[0]).toMatch(/insert into "syncline_changes"/i);
    expect(sent.filter((text) => /^insert into "syncline_changes"/i.test(text.trim()))).toEqual([]);
    expect(change?.seq).toBe(2);
    const stored = await storage.read((tx) => tx.get(notes.name, 'n1'));
    expect(stored).toMatchObject({ body: 'two', version: 2 });
    expect(await storage.read((tx) => tx.head())).toBe(2);
  });

  it('a before that is not the record read in this transaction is checked against the stored one', async () => {
    const storage = await freshStorage();
    const stale = (await storage.read((tx) => tx.get(notes.name, 'n1'))) as StoredRecord;
    await storage.write(async (tx) => {
      const current = (await tx.get(notes.name, 'n1')) as StoredRecord;
      await tx.apply({ kind: 'update', resource: notes.name, before: current, after: { ...current, body: 'two' } });
    });
    const { sent, error } = await capture(() =>
      storage.write(async (tx) => {
        await tx.get(notes.name, 'n1');
        // A copy read earlier, outside this transaction: its version is stale.
        await tx.apply({ kind: 'delete', resource: notes.name, before: stale });
      }),
    );
    expect(error).toBeInstanceOf(StorageConflictError);
    expect(sent.filter(readsNote)).toHaveLength(2);
    expect(sent.filter((text) => /^with "syncline_next_seq"/i.test(text.trim()))).toEqual([]);
    // Read twice (the caller's get, then apply's own check), nothing written, no seq taken.
    expect(await storage.read((tx) => tx.head())).toBe(2);
    expect(await storage.read((tx) => tx.get(notes.name, 'n1'))).toMatchObject({ body: 'two', version: 2 });
  });

  it('a record written since it was read is read again before the next write of it', async () => {
    const storage = await freshStorage();
    const sent = await statementsOf(() =>
      storage.write(async (tx) => {
        const before = (await tx.get(notes.name, 'n1')) as StoredRecord;
        const first = await tx.apply({ kind: 'update', resource: notes.name, before, after: { ...before, body: 'two' } });
        // `before` is no longer the stored record: the write must be refused, not applied blindly.
        await expect(tx.apply({ kind: 'update', resource: notes.name, before, after: { ...before, body: 'three' } })).rejects.toBeInstanceOf(StorageConflictError);
        const again = first.after as StoredRecord;
        await tx.apply({ kind: 'update', resource: notes.name, before: again, after: { ...again, body: 'three' } });
      }),
    );
    expect(sent.filter(readsNote)).toHaveLength(3);
    expect(await storage.read((tx) => tx.get(notes.name, 'n1'))).toMatchObject({ body: 'three', version: 3 });
    expect(await storage.read((tx) => tx.head())).toBe(3);
  });
});
