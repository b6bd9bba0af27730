import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Storage, Syncline } from '../../src/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { request, type JsonResponse } from '../support/fixtures.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';
import { keyedServer } from './idempotency-support.js';

/**
 * Holds the first write transaction of two servers until both have reached it, then lets
 * A commit before B begins: both have looked the key up and found nothing, so only the key
 * row inside B's transaction can stop B from writing a second time.
 */
function raceBarrier() {
  let armed = true;
  const arrived = new Set<string>();
  let bothArrived!: () => void;
  let aDone!: () => void;
  const both = new Promise<void>((resolve) => (bothArrived = resolve));
  const afterA = new Promise<void>((resolve) => (aDone = resolve));
  const wrap = (inner: Storage, name: 'a' | 'b'): Storage =>
    Object.assign(Object.create(inner) as Storage, {
      write: async <T,>(fn: Parameters<Storage['write']>[0]) => {
        if (!armed || arrived.has(name)) return inner.write(fn) as Promise<T>;
        arrived.add(name);
        if (arrived.size === 2) bothArrived();
        await both;
        if (name === 'b') await afterA;
        try {
          return (await inner.write(fn)) as T;
        } finally {
          if (name === 'a') aDone();
          if (arrived.size === 2 && name === 'b') armed = false;
        }
      },
    });
  return { wrap };
}

type Server = Syncline & AsyncDisposable;

async function raceOneKey(a: Server, b: Server, storage: Storage): Promise<[JsonResponse, JsonResponse]> {
  const post = (server: Server) => request(server, 'POST', '/lists', { headers: { 'idempotency-key': 'race', 'x-user': 'ana' }, body: { title: 'once' } });
  const answers = await Promise.all([post(a), post(b)]);
  const [first, second] = answers;
  expect(first.status).toBe(201);
  expect(second.status).toBe(201);
  expect(second.body).toEqual(first.body);
  expect(second.headers['etag']).toBe(first.headers['etag']);
  expect(second.headers['location']).toBe(first.headers['location']);
  expect(answers.filter((answer) => answer.headers['idempotency-replayed'] === 'true')).toHaveLength(1);
  expect((await storage.changesSince(0, 100)).map((change) => change.kind)).toEqual(['create']);
  return answers;
}

function clusterCases(open: (wrap: (storage: Storage, name: 'a' | 'b') => Storage) => Promise<{ a: Server; b: Server; storage: Storage }>) {
  it('two servers racing one key: the key row stops the second write; one change, equal answers', async () => {
    const barrier = raceBarrier();
    const { a, b, storage } = await open(barrier.wrap);
    await using _a = a;
    await using _b = b;
    const [fromA, fromB] = await raceOneKey(a, b, storage);
    expect(fromA.headers['idempotency-replayed']).toBeUndefined();
    expect(fromB.headers['idempotency-replayed']).toBe('true');
  });
}

/**
 * Storage whose key look-ups miss, as when another process commits the key between a
 * look-up and the save: the pipeline's read and each write transaction's first look-up
 * find nothing, so only saving the answer under the unique key can stop the write.
 */
function blindToKeys(inner: Storage, counts: { applied: number }): Storage {
  const blindReader = <T extends object>(tx: T): T => Object.assign(Object.create(tx) as T, { findOutcome: async () => undefined });
  return Object.assign(Object.create(inner) as Storage, {
    read: <T,>(fn: (tx: Parameters<Parameters<Storage['read']>[0]>[0]) => Promise<T>) => inner.read((tx) => fn(blindReader(tx))),
    write: <T,>(fn: (tx: Parameters<Parameters<Storage['write']>[0]>[0]) => Promise<T>) =>
      inner.write((tx) => {
        let looked = false;
        const once = Object.assign(Object.create(tx) as typeof tx, {
          findOutcome: async (key: string) => (looked ? tx.findOutcome(key) : ((looked = true), undefined)),
          apply: (mutation: Parameters<typeof tx.apply>[0]) => (counts.applied++, tx.apply(mutation)),
        });
        return fn(once);
      }),
  });
}

describe('the saved key decides', () => {
  it('a write that missed the saved key fails on it when saving its answer, rolls back and replays the saved answer', async () => {
    const counts = { applied: 0 };
    const { app, storage } = await keyedServer({ storage: blindToKeys(createSqliteStorage({ filename: ':memory:' }), counts) });
    await using _ = app;
    const post = () => request(app, 'POST', '/lists', { headers: { 'idempotency-key': 'blind' }, body: { title: 'once' } });
    const first = await post();
    const second = await post();
    expect(first.status).toBe(201);
    expect(second).toMatchObject({ status: 201, body: first.body, headers: { 'idempotency-replayed': 'true' } });
    expect((await storage.changesSince(0, 10)).map((change) => change.kind)).toEqual(['create']);
    expect((await request(app, 'GET', '/lists')).body.items).toHaveLength(1);
    // The second request did write, inside a transaction that then rolled back.
    expect(counts.applied).toBe(2);
  });
});

const directory = mkdtempSync(join(tmpdir(), 'syncline-idempotency-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('idempotency across two servers on one SQLite file', () => {
  let files = 0;
  const readers: Storage[] = [];
  afterAll(() => Promise.all(readers.map((reader) => reader.close())));
  clusterCases(async (wrap) => {
    const filename = join(directory, `shared-${++files}.sqlite`);
    const { app: a } = await keyedServer({ storage: wrap(createSqliteStorage({ filename }), 'a') });
    const { app: b } = await keyedServer({ storage: wrap(createSqliteStorage({ filename }), 'b') });
    // A third connection to the file reads the log both servers append to.
    const reader = createSqliteStorage({ filename });
    readers.push(reader);
    return { a, b, storage: reader };
  });
});

const reachable = await postgresReachable();
const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.skipIf(!reachable)('idempotency across two servers on one PostgreSQL schema', () => {
  const openPair = async (wrap: (storage: Storage, name: 'a' | 'b') => Storage) => {
    const schema = uniqueSchema();
    schemas.push(schema);
    const shared = () => createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: () => {} });
    const { app: a, storage } = await keyedServer({ storage: wrap(shared(), 'a') });
    const { app: b } = await keyedServer({ storage: wrap(shared(), 'b') });
    return { a, b, storage };
  };
  clusterCases(openPair);

  it('many keys raced freely between two servers: each applied exactly once, both answers equal', async () => {
    const { a, b, storage } = await openPair((inner) => inner);
    await using _a = a;
    await using _b = b;
    const keys = Array.from({ length: 12 }, (_, i) => `free-${i}`);
    const post = (server: Server, k: string) => request(server, 'POST', '/lists', { headers: { 'idempotency-key': k }, body: { title: k } });
    const pairs = await Promise.all(keys.map((k) => Promise.all([post(a, k), post(b, k)])));
    for (const [fromA, fromB] of pairs) {
      expect([fromA.status, fromB.status]).toEqual([201, 201]);
      expect(fromB.body).toEqual(fromA.body);
      expect([fromA, fromB].filter((answer) => answer.headers['idempotency-replayed'] === 'true')).toHaveLength(1);
    }
    const changes = await storage.changesSince(0, 100);
    expect(changes).toHaveLength(keys.length);
    expect(new Set(changes.map((change) => change.after?.['title'])).size).toBe(keys.length);
  });
});
