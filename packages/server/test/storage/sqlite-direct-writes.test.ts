import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '@syncline/schema';
import { StorageConflictError, type StoredRecord } from '../../src/storage/storage.js';
import { createSqliteStorage, type SqliteStorage } from '../../src/storage/sqlite/index.js';

// The SQLite storage runs a write's statements without Kysely and reads the record once
// when the caller's `before` is the record it read in the same transaction.
const notes = defineResource({ name: 'notes', schema: z.object({ body: z.string() }) });
const at = '2024-05-01T10:00:00.000Z';
const note = (id: string, body: string) => ({ id, createdAt: at, updatedAt: at, body });

let storage: SqliteStorage;
afterEach(async () => storage.close());

async function open(): Promise<StoredRecord> {
  storage = createSqliteStorage({ filename: ':memory:' });
  await storage.migrate([notes]);
  const change = await storage.write((tx) => tx.apply({ kind: 'create', resource: 'notes', after: note('a', 'first') }));
  return change.after as StoredRecord;
}

describe('sqlite writes on the direct connection', () => {
  it('an update of the record read in the same transaction records it as before, with version = seq', async () => {
    await open();
    const change = await storage.write(async (tx) => {
      const current = (await tx.get('notes', 'a')) as StoredRecord;
      return tx.apply({ kind: 'update', resource: 'notes', before: current, after: note('a', 'second') });
    });
    expect(change).toMatchObject({ seq: 2, kind: 'update', before: { body: 'first', version: 1 }, after: { body: 'second', version: 2 } });
    expect(await storage.read((tx) => tx.get('notes', 'a'))).toMatchObject({ body: 'second', version: 2 });
    expect(await storage.changesSince(0, 10)).toHaveLength(2);
  });

  it('a record read, then written in the same transaction, is stale as a before, and the refused seq is given back', async () => {
    await open();
    const refused = await storage.write(async (tx) => {
      const read = (await tx.get('notes', 'a')) as StoredRecord;
      await tx.apply({ kind: 'update', resource: 'notes', before: read, after: note('a', 'second') });
      return tx.apply({ kind: 'update', resource: 'notes', before: read, after: note('a', 'lost') }).catch((error: unknown) => error);
    });
    expect(refused).toBeInstanceOf(StorageConflictError);
    expect(refused).toMatchObject({ reason: 'stale' });
    expect(await storage.read((tx) => Promise.all([tx.get('notes', 'a'), tx.head()]))).toMatchObject([{ body: 'second', version: 2 }, 2]);
  });

  it('a before that was not read in the transaction is checked against the stored record, which the change records', async () => {
    const created = await open();
    const change = await storage.write((tx) => tx.apply({ kind: 'update', resource: 'notes', before: { ...created, body: 'not what is stored' }, after: note('a', 'second') }));
    expect(change.before).toEqual(created);
    await expect(storage.write((tx) => tx.apply({ kind: 'delete', resource: 'notes', before: created }))).rejects.toMatchObject({ reason: 'stale' });
  });

  it('a delete of the record read in the same transaction removes it and records it', async () => {
    await open();
    const change = await storage.write(async (tx) => {
      const current = (await tx.get('notes', 'a')) as StoredRecord;
      return tx.apply({ kind: 'delete', resource: 'notes', before: current });
    });
    expect(change).toMatchObject({ seq: 2, kind: 'delete', after: null, before: { body: 'first' } });
    expect(await storage.read((tx) => tx.get('notes', 'a'))).toBeUndefined();
  });

  it('a read of the log waits for the write transaction under way on the one connection, so it never sees uncommitted changes', async () => {
    await open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let applied!: () => void;
    const wasApplied = new Promise<void>((resolve) => (applied = resolve));
    const writing = storage.write(async (tx) => {
      await tx.apply({ kind: 'update', resource: 'notes', before: (await tx.get('notes', 'a')) as StoredRecord, after: note('a', 'second') });
      applied();
      await gate;
      throw new Error('rolled back');
    });
    await wasApplied;
    let seen: number | undefined;
    const reading = storage.changesSince(0, 10).then((changes) => (seen = changes.length));
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toBeUndefined();
    release();
    await expect(writing).rejects.toThrow('rolled back');
    await reading;
    expect(seen).toBe(1);
  });
});
