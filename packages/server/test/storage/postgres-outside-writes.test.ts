import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { Change, Storage } from '../../src/storage/storage.js';
import { createPostgresStorage, fitIdentifier } from '../../src/storage/postgres/index.js';
import { createTestSyncline, lists, request, testResources, todos } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';

// Writes made with psql or by another service on Syncline's tables: the triggers the
// PostgreSQL adapter installs must log them like Syncline's own writes.
const reachable = await postgresReachable();
const schemas: string[] = [];
const cleanups: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

/** A migrated storage on a fresh schema, and a raw pg client on the same schema (an outside writer). */
async function setup(): Promise<{ schema: string; storage: Storage; raw: pg.Client }> {
  const schema = uniqueSchema('syncline_outside');
  schemas.push(schema);
  const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: () => {} });
  await storage.migrate(testResources);
  const raw = new pg.Client({ connectionString: POSTGRES_URL });
  await raw.connect();
  await raw.query(`SET search_path = "${schema}"`);
  cleanups.push(async () => {
    await raw.end();
    await storage.close();
  });
  return { schema, storage, raw };
}

const at = '2024-05-01T10:00:00.000Z';
const later = '2024-05-02T10:00:00.000Z';

/** Gapless from `from`: seqs from+1, from+2, … */
function expectGapless(changes: readonly Change[], from: number): void {
  expect(changes.map((change) => change.seq)).toEqual(changes.map((_, index) => from + index + 1));
}

/** Resolves when `check` holds, polling every few ms; fails after `timeoutMs`. */
async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 2000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe.skipIf(!reachable)('writes made outside Syncline on PostgreSQL', () => {
  it('a raw INSERT, UPDATE and DELETE are logged with gapless seqs, before/after and bumped versions', async () => {
    const { storage, raw } = await setup();
    await storage.write((tx) => tx.apply({ kind: 'create', resource: 'lists', after: { id: 'l1', createdAt: at, updatedAt: at, title: 'one' } }));
    const start = (await storage.logBounds()).head;

    await raw.query(`INSERT INTO lists (id, title) VALUES ('l2', 'two')`);
    await raw.query(`UPDATE lists SET title = 'uno' WHERE id = 'l1'`);
    await raw.query(`DELETE FROM lists WHERE id = 'l2'`);

    const changes = await storage.changesSince(start, 100);
    expectGapless(changes, start);
    expect(changes.map((change) => [change.kind, change.id])).toEqual([['create', 'l2'], ['update', 'l1'], ['delete', 'l2']]);
    const [created, updated, deleted] = changes as [Change, Change, Change];
    expect(created.before).toBeNull();
    expect(created.after).toMatchObject({ id: 'l2', title: 'two', version: created.seq });
    expect(created.after?.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(created.after?.updatedAt).toBe(created.after?.createdAt);
    expect(updated.before).toEqual({ id: 'l1', version: start, createdAt: at, updatedAt: at, title: 'one' });
    expect(updated.after).toMatchObject({ id: 'l1', version: updated.seq, createdAt: at, title: 'uno' });
    expect(updated.after?.updatedAt).not.toBe(at);
    expect(deleted.before).toEqual(created.after);
    expect(deleted.after).toBeNull();
    for (const change of changes) expect(change.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    expect((await storage.logBounds()).head).toBe(start + 3);
    const stored = await storage.read((tx) => tx.get('lists', 'l1'));
    expect(stored).toEqual(updated.after);
    // An INSERT without an id gets one.
    const { rows } = await raw.query<{ id: string }>(`INSERT INTO lists (title) VALUES ('no id') RETURNING id`);
    expect(rows[0]?.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('an outside write logs the same JSON as the equivalent Syncline write (booleans, numbers, json, absent optionals)', async () => {
    const { storage, raw } = await setup();
    const base = { createdAt: at, updatedAt: at, title: 'T', list: 'l', done: true, order: 1.5 };
    await storage.write(async (tx) => {
      await tx.apply({ kind: 'create', resource: 'todos', after: { id: 'mine1', ...base, tags: ['a', 'b'] } });
      await tx.apply({ kind: 'create', resource: 'todos', after: { id: 'mine2', ...base, done: false, order: 0 } });
    });
    const start = (await storage.logBounds()).head;
    const insert = `INSERT INTO todos (id, "createdAt", "updatedAt", title, list, done, "order", tags) VALUES ($1, $2, $2, 'T', 'l', $3, $4, $5)`;
    await raw.query(insert, ['theirs1', at, true, 1.5, JSON.stringify(['a', 'b'])]);
    await raw.query(insert, ['theirs2', at, false, 0, null]);
    const mine = await storage.changesSince(start - 2, 2);
    const theirs = await storage.changesSince(start, 100);
    expectGapless(theirs, start);
    expect(theirs).toHaveLength(2);
    theirs.forEach((change, index) => {
      const own = mine[index] as Change;
      expect(change.after).toEqual({ ...own.after, id: change.id, version: change.seq });
      expect(Object.keys(change.after ?? {}).sort()).toEqual(Object.keys(own.after ?? {}).sort());
      expect(change.before).toBeNull();
      expect(change.kind).toBe(own.kind);
    });
    expect(theirs[1]?.after).not.toHaveProperty('tags');

    // And the updates: the same before/after as a Syncline update that sets the same fields.
    const current = (await storage.read((tx) => tx.get('todos', 'mine1')))!;
    const ownUpdate = await storage.write((tx) =>
      tx.apply({ kind: 'update', resource: 'todos', before: current, after: { ...current, updatedAt: later, done: false, tags: ['c'] } }),
    );
    await raw.query(`UPDATE todos SET done = false, tags = '["c"]', "updatedAt" = $1 WHERE id = 'theirs1'`, [later]);
    const [theirUpdate] = await storage.changesSince(ownUpdate.seq, 10);
    expect(theirUpdate?.seq).toBe(ownUpdate.seq + 1);
    expect(theirUpdate?.before).toEqual({ ...ownUpdate.before, id: 'theirs1', version: theirs[0]?.seq });
    expect(theirUpdate?.after).toEqual({ ...ownUpdate.after, id: 'theirs1', version: theirUpdate?.seq });
  });

  it('logs Syncline writes exactly once, and a mix with outside writes stays gapless', async () => {
    const { storage, raw } = await setup();
    const start = (await storage.logBounds()).head;
    for (let i = 0; i < 5; i++) {
      await storage.write((tx) => tx.apply({ kind: 'create', resource: 'lists', after: { id: `s${i}`, createdAt: at, updatedAt: at, title: 'x' } }));
      await raw.query(`INSERT INTO lists (id, title) VALUES ($1, 'y')`, [`o${i}`]);
    }
    const changes = await storage.changesSince(start, 100);
    expect(changes).toHaveLength(10);
    expectGapless(changes, start);
    expect(new Set(changes.map((change) => change.id)).size).toBe(10);
    expect((await storage.logBounds()).head).toBe(start + 10);
    const { rows } = await raw.query<{ n: string }>('SELECT count(*) AS n FROM syncline_changes');
    expect(Number(rows[0]?.n)).toBe(start + 10);
  });

  it('outside and Syncline writes racing on one row neither deadlock nor leave a gap', async () => {
    const { schema, storage, raw } = await setup();
    await storage.write((tx) => tx.apply({ kind: 'create', resource: 'lists', after: { id: 'x', createdAt: at, updatedAt: at, title: 'start' } }));
    const outside = new pg.Pool({ connectionString: POSTGRES_URL, max: 5, options: `-c search_path=${schema}` });
    cleanups.push(() => outside.end());
    const ownUpdate = async (i: number): Promise<void> => {
      for (;;) {
        try {
          await storage.write(async (tx) => {
            const current = (await tx.get('lists', 'x'))!;
            await tx.apply({ kind: 'update', resource: 'lists', before: current, after: { ...current, updatedAt: at, title: `own ${i}` } });
          });
          return;
        } catch (error) {
          if ((error as { reason?: string }).reason !== 'stale') throw error;
        }
      }
    };
    await Promise.all(
      Array.from({ length: 10 }, (_, i) => [ownUpdate(i), outside.query(`UPDATE lists SET title = $1 WHERE id = 'x'`, [`outside ${i}`])]).flat(),
    );
    const changes = await storage.changesSince(0, 100);
    expect(changes).toHaveLength(21);
    expectGapless(changes, 0);
    // Each change's before is the previous change's after: one history, in seq order.
    for (let i = 1; i < changes.length; i++) expect(changes[i]?.before).toEqual(changes[i - 1]?.after);
    const { rows } = await raw.query<{ version: string }>(`SELECT version FROM lists WHERE id = 'x'`);
    expect(Number(rows[0]?.version)).toBe(21);
  });

  it('a multi-row statement and a rolled-back outside write keep the log gapless', async () => {
    const { storage, raw } = await setup();
    await raw.query(`INSERT INTO lists (id, title) SELECT 'm' || g, 'many' FROM generate_series(1, 20) AS g`);
    await raw.query('BEGIN');
    await raw.query(`UPDATE lists SET title = 'gone' WHERE id = 'm1'`);
    await raw.query('ROLLBACK');
    await raw.query(`UPDATE lists SET title = 'more'`);
    const changes = await storage.changesSince(0, 100);
    expect(changes).toHaveLength(40);
    expectGapless(changes, 0);
    expect(changes.every((change) => change.after?.title !== 'gone')).toBe(true);
  });

  it('refuses an outside UPDATE that changes a record id', async () => {
    const { raw } = await setup();
    await raw.query(`INSERT INTO lists (id, title) VALUES ('a', 'a')`);
    await expect(raw.query(`UPDATE lists SET id = 'b' WHERE id = 'a'`)).rejects.toThrow(/cannot change the id/);
  });

  it('migrate() is idempotent and two migrations do not double the triggers', async () => {
    const { storage, raw } = await setup();
    await storage.migrate(testResources);
    await storage.migrate([lists, todos]);
    await raw.query(`INSERT INTO lists (id, title) VALUES ('a', 'a')`);
    expect(await storage.changesSince(0, 10)).toHaveLength(1);
  });

  it('a subscriber gets outside writes as events within a second, and GET answers the new ETag', async () => {
    const schema = uniqueSchema('syncline_outside');
    schemas.push(schema);
    // A poll this slow never runs during the test: only the notification can bring the events.
    // The listener waits a second before it connects again: on this clock, until the test moves it.
    const clock = createManualClock();
    await using app = await createTestSyncline({
      storage: createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: () => {}, clock }),
      limits: { feedPollMs: 600_000 },
      clock,
    });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    const created = await request(app, 'POST', '/lists', { body: { title: 'mine' } });
    await client.eventsFor('all', 1);
    const id = created.body.id as string;

    const raw = new pg.Client({ connectionString: POSTGRES_URL });
    await raw.connect();
    cleanups.push(() => raw.end());
    await raw.query(`SET search_path = "${schema}"`);

    const started = Date.now();
    await raw.query(`UPDATE lists SET title = 'psql' WHERE id = $1`, [id]);
    await raw.query(`INSERT INTO lists (id, title) VALUES ('outside', 'inserted')`);
    await raw.query(`DELETE FROM lists WHERE id = 'outside'`);
    const events = await client.eventsFor('all', 4, 1000);
    const elapsed = Date.now() - started;
    expect(events.slice(1).map((event) => [event['op'], event['resource']])).toEqual([
      ['update', `/lists/${id}`],
      ['enter', '/lists/outside'],
      ['leave', '/lists/outside'],
    ]);
    const seqs = events.map((event) => event['seq'] as number);
    expect(seqs).toEqual(seqs.map((_, index) => (seqs[0] as number) + index));
    expect(events[1]?.['body']).toMatchObject({ title: 'psql', version: seqs[1] });
    expect(elapsed).toBeLessThan(1000);

    const got = await request(app, 'GET', `/lists/${id}`);
    expect(got.body).toMatchObject({ title: 'psql', version: seqs[1] });
    expect(got.headers['etag']).toBe(`"${seqs[1]}"`);
    expect(got.headers['etag']).not.toBe(created.headers['etag']);
    // The Syncline write is in the log once.
    const { rows } = await raw.query<{ n: string }>('SELECT count(*) AS n FROM syncline_changes WHERE record_id = $1', [id]);
    expect(Number(rows[0]?.n)).toBe(2);
    // An If-Match on the old ETag is now stale.
    const stale = await request(app, 'PATCH', `/lists/${id}`, { headers: { 'if-match': created.headers['etag']!, 'content-type': 'application/merge-patch+json' }, body: { title: 'late' } });
    expect(stale.status).toBe(412);
    await eventually(async () => ((await app.stats()).seq === seqs[3] ? true : undefined));
  });

  it('after the LISTEN connection is killed, outside writes still reach subscribers once it is back', async () => {
    const schema = uniqueSchema('syncline_outside');
    schemas.push(schema);
    // The listener waits a second before it connects again: on this clock, until the test moves it.
    const clock = createManualClock();
    await using app = await createTestSyncline({
      storage: createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: () => {}, clock }),
      limits: { feedPollMs: 600_000 },
      clock,
    });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    const raw = new pg.Client({ connectionString: POSTGRES_URL });
    await raw.connect();
    cleanups.push(() => raw.end());
    await raw.query(`SET search_path = "${schema}"`);
    await raw.query(`INSERT INTO lists (id, title) VALUES ('before', 'x')`);
    await client.eventsFor('all', 1, 1000);

    const listening = `SELECT pid FROM pg_stat_activity WHERE query = $1`;
    const killed = await eventually(async () => {
      const { rows } = await raw.query<{ pid: number }>(listening, [`LISTEN "${fitIdentifier(`syncline_${schema}`)}"`]);
      return rows.length > 0 ? rows : undefined;
    });
    const idle = clock.pending;
    for (const { pid } of killed) await raw.query('SELECT pg_terminate_backend($1)', [pid]);
    // The listener heard that its connection ended: its wait before reconnecting is set.
    await expect.poll(() => clock.pending).toBe(idle + 1);
    // Written while nobody listens: the notification is lost, the reconnection reads the log.
    await raw.query(`INSERT INTO lists (id, title) VALUES ('while-down', 'x')`);
    await clock.advance(999);
    expect(client.events('all')).toHaveLength(1);
    await clock.advance(1);
    await client.eventsFor('all', 2, 3000);
    await eventually(async () => {
      const { rows } = await raw.query<{ pid: number }>(listening, [`LISTEN "${fitIdentifier(`syncline_${schema}`)}"`]);
      return rows.length > 0 ? true : undefined;
    }, 3000);
    await raw.query(`INSERT INTO lists (id, title) VALUES ('after', 'x')`);
    const events = await client.eventsFor('all', 3, 1000);
    expect(events.map((event) => event['resource'])).toEqual(['/lists/before', '/lists/while-down', '/lists/after']);
  });
});
