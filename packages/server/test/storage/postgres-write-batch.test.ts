import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '@syncline/schema';
import { StorageConflictError, type Storage, type StoredOutcome } from '../../src/storage/storage.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';

// Group commit (postgres-write-batch.ts): writes issued in one tick form batches
// deterministically: the first write starts a batch of its own at once, and every write
// queued while it is in flight joins the next one.

const reachable = await postgresReachable();
const schemas: string[] = [];
const opened: Storage[] = [];

const notes = defineResource({ name: 'notes', schema: z.object({ body: z.string() }) });
const at = '2024-05-01T10:00:00.000Z';
const note = (id: string, body = id) => ({ kind: 'create' as const, resource: notes.name, after: { id, createdAt: at, updatedAt: at, body } });

async function openStorage(schema: string, writeBatch?: number): Promise<Storage> {
  const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema, ...(writeBatch === undefined ? {} : { writeBatch }) });
  opened.push(storage);
  await storage.migrate([notes]);
  return storage;
}

async function inSchema<T>(schema: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh schema whose change log also records, for each change, the top-level transaction
 * that wrote it (xmin would name a write's savepoint; txid_current() names the transaction).
 */
async function freshStorage(writeBatch?: number): Promise<{ storage: Storage; schema: string }> {
  const schema = uniqueSchema('syncline_batch');
  schemas.push(schema);
  const storage = await openStorage(schema, writeBatch);
  await inSchema(schema, async (client) => {
    await client.query('CREATE TABLE test_tx_log (seq bigint PRIMARY KEY, tx bigint NOT NULL)');
    await client.query(`CREATE FUNCTION log_tx() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN INSERT INTO test_tx_log VALUES (NEW.seq, txid_current()); RETURN NULL; END $$`);
    await client.query('CREATE TRIGGER log_tx AFTER INSERT ON syncline_changes FOR EACH ROW EXECUTE FUNCTION log_tx()');
  });
  return { storage, schema };
}

/** The log as committed: each change's seq, record id and the transaction that wrote it. */
async function loggedTransactions(schema: string): Promise<Array<{ seq: number; tx: string; id: string }>> {
  return inSchema(schema, async (client) => {
    const { rows } = await client.query<{ seq: string; tx: string; id: string }>(
      'SELECT c.seq, t.tx::text AS tx, c.record_id AS id FROM syncline_changes c JOIN test_tx_log t USING (seq) ORDER BY c.seq',
    );
    return rows.map((row) => ({ seq: Number(row.seq), tx: row.tx, id: row.id }));
  });
}

afterEach(async () => {
  await Promise.all(opened.splice(0).map((storage) => storage.close()));
});

afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

describe.skipIf(!reachable)('postgres group commit', () => {
  it('one failing write among concurrent ones gets its own error; the others commit in one transaction', async () => {
    const { storage, schema } = await freshStorage();
    await storage.write((tx) => tx.apply(note('taken')));
    const results = await Promise.allSettled([
      storage.write((tx) => tx.apply(note('a'))),
      storage.write((tx) => tx.apply(note('b'))),
      storage.write(async (tx) => {
        await tx.apply(note('c'));
        throw new Error('refused after its change');
      }),
      storage.write((tx) => tx.apply(note('taken'))),
      storage.write((tx) => tx.apply(note('d'))),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect((results[2] as PromiseRejectedResult).reason).toEqual(new Error('refused after its change'));
    expect((results[3] as PromiseRejectedResult).reason).toBeInstanceOf(StorageConflictError);
    expect(await storage.read(async (tx) => tx.get(notes.name, 'c'))).toBeUndefined();
    const logged = await loggedTransactions(schema);
    // Gapless: the refused writes gave their seqs back by rolling back to their savepoints.
    expect(logged.map((entry) => [entry.seq, entry.id])).toEqual([[1, 'taken'], [2, 'a'], [3, 'b'], [4, 'd']]);
    // b and d, queued together, shared one transaction around the refused ones.
    expect(logged[2]?.tx).toBe(logged[3]?.tx);
    expect(results.slice(0, 2).map((result) => (result as PromiseFulfilledResult<{ seq: number }>).value.seq)).toEqual([2, 3]);
  });

  it('positions stay gapless and in commit order with two processes writing concurrently', async () => {
    const { storage: first, schema } = await freshStorage(16);
    const second = await openStorage(schema, 16);
    const writes = Array.from({ length: 120 }, (_, index) => (index % 2 === 0 ? first : second).write((tx) => tx.apply(note(`n${index}`))));
    const seqs = (await Promise.all(writes)).map((change) => change.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(Array.from({ length: 120 }, (_, index) => index + 1));
    const logged = await loggedTransactions(schema);
    expect(logged.map((entry) => entry.seq)).toEqual(Array.from({ length: 120 }, (_, index) => index + 1));
    // Each transaction's positions are one run: no batch's seqs interleave with another's,
    // so seq order is commit order.
    const runs = logged.map((entry) => entry.tx).filter((tx, index, all) => index === 0 || all[index - 1] !== tx);
    expect(new Set(runs).size).toBe(runs.length);
    // Batched indeed (at most 16 a transaction), and fewer transactions than writes.
    const sizes = [...logged.reduce((count, entry) => count.set(entry.tx, (count.get(entry.tx) ?? 0) + 1), new Map<string, number>()).values()];
    expect(Math.max(...sizes)).toBeLessThanOrEqual(16);
    expect(sizes.length).toBeLessThan(60);
  });

  it('a later write of a batch sees the outcome an earlier one saved under the same key, and only the earlier commits', async () => {
    const { storage, schema } = await freshStorage();
    const outcome = (body: string): StoredOutcome => ({ key: 'k1', fingerprint: 'f', status: 201, headers: {}, body, expiresAt: Date.now() + 60_000 });
    const seen: Array<StoredOutcome | undefined> = [];
    const results = await Promise.allSettled([
      storage.write((tx) => tx.apply(note('first'))),
      storage.write(async (tx) => {
        const change = await tx.apply(note('winner'));
        expect(await tx.saveOutcome(outcome('winner'), Date.now())).toBe(true);
        return change;
      }),
      storage.write(async (tx) => {
        seen.push(await tx.findOutcome('k1'));
        await tx.apply(note('loser'));
        if (!(await tx.saveOutcome(outcome('loser'), Date.now()))) throw new Error('key taken');
      }),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(seen[0]?.body).toBe('winner');
    expect((await storage.read((tx) => tx.findOutcome('k1')))?.body).toBe('winner');
    expect((await loggedTransactions(schema)).map((entry) => entry.id)).toEqual(['first', 'winner']);
  });

  it('two updates of one version in one batch: the first applies, the second is stale', async () => {
    const { storage, schema } = await freshStorage();
    const created = await storage.write((tx) => tx.apply(note('r', 'v1')));
    const base = created.after;
    if (base === null) throw new Error('created without a record');
    const update = (body: string) => storage.write((tx) => tx.apply({ kind: 'update', resource: notes.name, before: base, after: { ...base, body } }));
    const results = await Promise.allSettled([storage.write((tx) => tx.apply(note('first'))), update('v2'), update('v3')]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
    expect(((results[2] as PromiseRejectedResult).reason as StorageConflictError).reason).toBe('stale');
    expect((await storage.read((tx) => tx.get(notes.name, 'r')))?.['body']).toBe('v2');
    const logged = await loggedTransactions(schema);
    expect(logged.map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });

  it('a batch whose COMMIT fails acknowledges none of its writes, and nothing of it is stored', async () => {
    const { storage, schema } = await freshStorage();
    await inSchema(schema, async (admin) => {
      // Checked only at COMMIT: a change for the record "poison" fails the whole transaction there.
      await admin.query(`CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.record_id = 'poison' THEN RAISE EXCEPTION 'poison at commit'; END IF; RETURN NULL; END $$`);
      await admin.query('CREATE CONSTRAINT TRIGGER refuse_poison AFTER INSERT ON syncline_changes DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION refuse_poison()');
    });
    const results = await Promise.allSettled([
      storage.write((tx) => tx.apply(note('alone'))),
      storage.write((tx) => tx.apply(note('fine'))),
      storage.write((tx) => tx.apply(note('poison'))),
      storage.write((tx) => tx.apply(note('also-fine'))),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'rejected']);
    for (const result of results.slice(1)) expect(String((result as PromiseRejectedResult).reason)).toContain('poison at commit');
    expect((await loggedTransactions(schema)).map((entry) => entry.id)).toEqual(['alone']);
    // The counter rolled back with the batch: the next write takes seq 2.
    expect((await storage.write((tx) => tx.apply(note('next')))).seq).toBe(2);
  });

  it('close() lets queued writes commit, then refuses new ones', async () => {
    const { storage, schema } = await freshStorage();
    const writes = Array.from({ length: 10 }, (_, index) => storage.write((tx) => tx.apply(note(`q${index}`))));
    await storage.close();
    expect((await Promise.all(writes)).map((change) => change.seq)).toEqual(Array.from({ length: 10 }, (_, index) => index + 1));
    await expect(storage.write((tx) => tx.apply(note('late')))).rejects.toThrow('Storage is closed');
    expect(await loggedTransactions(schema)).toHaveLength(10);
  });
});
