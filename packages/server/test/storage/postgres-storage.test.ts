import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '@syncline/schema';
import { createMemoryBackplane } from '../../src/index.js';
import { createChangeFeed } from '../../src/live/change-feed.js';
import type { Storage } from '../../src/storage/storage.js';
import { createPostgresStorage, fitIdentifier } from '../../src/storage/postgres/index.js';
import { runStorageConformance } from '../../src/testing/index.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';

const reachable = await postgresReachable();
const schemas: string[] = [];

/** A storage in a fresh schema of its own, dropped after the file's tests. */
function freshStorage(schema = uniqueSchema()): Storage {
  schemas.push(schema);
  return createPostgresStorage({ connectionString: POSTGRES_URL, schema });
}

/**
 * Backends blocked on a lock, waiting for the one a transaction holds. Asked on a fresh
 * connection each time: inside a transaction, pg_stat_activity answers a cached snapshot.
 */
async function waitingBehind(holder: pg.Client): Promise<number> {
  const { rows: [own] } = await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const observer = new pg.Client({ connectionString: POSTGRES_URL });
  await observer.connect();
  try {
    const { rows } = await observer.query<{ n: string }>('SELECT count(*) AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))', [own?.pid]);
    return Number(rows[0]?.n ?? 0);
  } finally {
    await observer.end();
  }
}

afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

describe.skipIf(!reachable)('postgres', () => {
  runStorageConformance('postgres', async () => freshStorage());

  const notes = defineResource({
    name: 'notes_with_a_long_name',
    schema: z.object({ body: z.string(), category_of_the_note_used_for_grouping_notes: z.string().optional() }),
    indexes: [['body', 'category_of_the_note_used_for_grouping_notes'], ['category_of_the_note_used_for_grouping_notes', 'body']],
  });
  const at = '2024-05-01T10:00:00.000Z';
  const note = (id: string) => ({ kind: 'create' as const, resource: notes.name, after: { id, createdAt: at, updatedAt: at, body: id } });
  const opened: Storage[] = [];
  const open = (schema?: string) => {
    const storage = freshStorage(schema);
    opened.push(storage);
    return storage;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
  });

  it('hashes index names past 63 bytes, keeping distinct names distinct', async () => {
    const storage = open();
    await storage.migrate([notes]);
    await storage.migrate([notes]);
    const client = new pg.Client({ connectionString: POSTGRES_URL });
    await client.connect();
    try {
      const { rows } = await client.query<{ indexname: string }>('SELECT indexname FROM pg_indexes WHERE schemaname = $1 AND tablename = $2 AND indexname NOT LIKE $3', [schemas.at(-1), notes.name, '%_pkey']);
      expect(rows).toHaveLength(2);
      for (const { indexname } of rows) expect(Buffer.byteLength(indexname)).toBeLessThanOrEqual(63);
    } finally {
      await client.end();
    }
    expect(fitIdentifier('short__idx')).toBe('short__idx');
  });

  it('two storages on one schema (two servers) share records and one gapless seq', async () => {
    const schema = uniqueSchema();
    const a = open(schema);
    const b = open(schema);
    await Promise.all([a.migrate([notes]), b.migrate([notes])]);
    const changes = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).write((tx) => tx.apply(note(`n${i}`)))));
    expect(changes.map((change) => change.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await b.changesSince(0, 100)).map((change) => change.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  it('refuses a schema name it would have to quote', () => {
    expect(() => createPostgresStorage({ connectionString: POSTGRES_URL, schema: 'Bad"Name' })).toThrow(TypeError);
  });

  // docs/design-notes.md, "Positions never pass an uncommitted write": a BIGSERIAL hands out n, then n+1 commits first and a reader passes n for good.
  it('a stalled transaction holding seq n keeps another client from committing n+1 before it', async () => {
    const schema = uniqueSchema();
    const storage = open(schema);
    await storage.migrate([notes]);
    await storage.write((tx) => tx.apply(note('first')));
    // The change feed a server runs over this storage: it must never dispatch past a hole.
    const dispatched: number[] = [];
    const backplane = createMemoryBackplane();
    const feed = createChangeFeed({ storage, backplane, dispatch: (change) => dispatched.push(change.seq), pollMs: 600_000, reportError: () => {} });
    await feed.start();
    // Client 1 stands in for a server process stalled between taking seq 2 and committing.
    const stalled = new pg.Client({ connectionString: POSTGRES_URL, options: `-c search_path=${schema}` });
    await stalled.connect();
    try {
      await stalled.query('BEGIN');
      const { rows } = await stalled.query<{ value: string }>('UPDATE syncline_seq SET value = value + 1 WHERE id = 1 RETURNING value');
      expect(Number(rows[0]?.value)).toBe(2);
      // Client 2 (the storage's own pool) writes meanwhile: it must wait for the counter.
      let committed = false;
      const second = storage.write((tx) => tx.apply(note('second'))).then((change) => ((committed = true), change));
      // Proof that it waits, not a guess from a sleep: its backend blocks on the counter row's lock.
      await expect.poll(() => waitingBehind(stalled), { timeout: 5000 }).toBeGreaterThan(0);
      expect(committed).toBe(false);
      // Readers see no position past the stalled one.
      expect((await storage.changesSince(0, 10)).map((change) => change.seq)).toEqual([1]);
      expect(await storage.logBounds()).toEqual({ oldest: 1, head: 1 });
      // A hint for seq 3 (as a backplane might deliver early) makes the feed read the log, which has no 2 yet.
      await backplane.publish({ seq: 3, resource: notes.name, id: 'x', kind: 'delete', after: null, before: null, at });
      await feed.catchUp();
      expect(feed.head).toBe(1);
      await stalled.query(`INSERT INTO syncline_changes (seq, resource, record_id, kind, after, before, at) VALUES (2, $1, 'stalled', 'create', NULL, NULL, $2)`, [notes.name, at]);
      await stalled.query('COMMIT');
      expect((await second).seq).toBe(3);
      expect((await storage.changesSince(0, 10)).map((change) => change.seq)).toEqual([1, 2, 3]);
      await feed.catchUp();
      expect(dispatched).toEqual([2, 3]);
    } finally {
      feed.stop();
      await stalled.end();
    }
  });
});
