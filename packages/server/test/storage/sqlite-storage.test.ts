import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineResource } from '@syncline/schema';
import { createSqliteStorage, loadSqliteDriver, type SqliteDriverName, type SqliteStorage, type SqliteStorageOptions } from '../../src/storage/sqlite/index.js';
import { runStorageConformance } from '../../src/testing/index.js';

const directory = mkdtempSync(join(tmpdir(), 'syncline-sqlite-'));
let files = 0;
const tempFile = () => join(directory, `db-${++files}.sqlite`);

afterAll(() => {
  rmSync(directory, { recursive: true, force: true });
});

const DRIVERS: readonly SqliteDriverName[] = ['better-sqlite3', 'node:sqlite'];
// Why each driver cannot load on this Node (better-sqlite3 built for another ABI, node:sqlite before Node 22.13).
const unavailable = new Map<SqliteDriverName, string>();
for (const driver of DRIVERS) {
  await loadSqliteDriver(driver).catch(() => unavailable.set(driver, `${driver} cannot load on Node ${process.versions.node}`));
}

for (const driver of DRIVERS) {
  const skip = unavailable.get(driver);
  runStorageConformance(`sqlite file (${driver})`, async () => createSqliteStorage({ filename: tempFile(), driver }), skip === undefined ? {} : { skip });
  runStorageConformance(`sqlite :memory: (${driver})`, async () => createSqliteStorage({ filename: ':memory:', driver }), skip === undefined ? {} : { skip });
}

const notes = defineResource({ name: 'notes', schema: z.object({ body: z.string(), done: z.boolean().default(false) }) });
const at = '2024-05-01T10:00:00.000Z';

describe('sqlite storage drivers', () => {
  it('auto picks better-sqlite3 when it loads, else node:sqlite', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    try {
      expect((await storage.settings()).driver).toBe(unavailable.has('better-sqlite3') ? 'node:sqlite' : 'better-sqlite3');
    } finally {
      await storage.close();
    }
  });

  for (const driver of DRIVERS) {
    it.runIf(unavailable.has(driver))(`${driver}, which cannot load here, fails the first use with driver-missing`, async () => {
      const storage = createSqliteStorage({ filename: ':memory:', driver });
      await expect(storage.migrate([notes])).rejects.toMatchObject({ code: 'driver-missing' });
      await storage.close();
    });
  }

  it('refuses an unknown driver at once', () => {
    expect(() => createSqliteStorage({ filename: ':memory:', driver: 'sqlite3' as 'auto' })).toThrow(TypeError);
  });
});

for (const driver of DRIVERS) {
  const skip = unavailable.get(driver);
  describe.skipIf(skip !== undefined)(skip === undefined ? `sqlite storage (${driver})` : `sqlite storage (${driver}) (skipped: ${skip})`, () => {
    storageCases(driver);
  });
}

function storageCases(driver: SqliteDriverName): void {
  const opened: SqliteStorage[] = [];
  const open = (options: SqliteStorageOptions) => {
    const storage = createSqliteStorage({ driver, ...options });
    opened.push(storage);
    return storage;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((storage) => storage.close()));
  });

  it('runs a file database in WAL mode with synchronous=FULL by default', async () => {
    const storage = open({ filename: tempFile() });
    await storage.migrate([notes]);
    expect(storage.dialect).toBe('sqlite');
    expect(await storage.settings()).toEqual({ journalMode: 'wal', synchronous: 'FULL', busyTimeoutMs: 5000, driver });
  });

  it('honours synchronous=NORMAL and the busy timeout', async () => {
    const storage = open({ filename: tempFile(), synchronous: 'NORMAL', busyTimeoutMs: 1234 });
    expect(await storage.settings()).toEqual({ journalMode: 'wal', synchronous: 'NORMAL', busyTimeoutMs: 1234, driver });
  });

  it('refuses settings it cannot honour', () => {
    expect(() => createSqliteStorage({ filename: ':memory:', synchronous: 'OFF' as 'FULL' })).toThrow(TypeError);
    expect(() => createSqliteStorage({ filename: ':memory:', busyTimeoutMs: -1 })).toThrow(TypeError);
  });

  it('a file database survives close and reopen with its records and seq', async () => {
    const filename = tempFile();
    const first = open({ filename });
    await first.migrate([notes]);
    const created = await first.write((tx) => tx.apply({ kind: 'create', resource: 'notes', after: { id: 'n1', createdAt: at, updatedAt: at, body: 'kept', done: true } }));
    await first.write((tx) => tx.apply({ kind: 'create', resource: 'notes', after: { id: 'n2', createdAt: at, updatedAt: at, body: 'gone', done: false } }));
    await first.trimLog(1);
    await first.close();

    const second = open({ filename });
    await second.migrate([notes]);
    expect(await second.read((tx) => tx.get('notes', 'n1'))).toEqual(created.after);
    expect(await second.logBounds()).toEqual({ oldest: 2, head: 2 });
    const next = await second.write((tx) => tx.apply({ kind: 'create', resource: 'notes', after: { id: 'n3', createdAt: at, updatedAt: at, body: 'new', done: false } }));
    expect(next.seq).toBe(3);
  });

  it('close is idempotent and later calls are refused', async () => {
    const storage = open({ filename: ':memory:' });
    await storage.migrate([notes]);
    await storage.close();
    await storage.close();
    await expect(storage.read((tx) => tx.head())).rejects.toThrow('closed');
  });

  it('close waits for a write under way to commit', async () => {
    const filename = tempFile();
    const storage = open({ filename });
    await storage.migrate([notes]);
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const writing = storage.write(async (tx) => {
      await gate;
      return tx.apply({ kind: 'create', resource: 'notes', after: { id: 'n1', createdAt: at, updatedAt: at, body: 'late', done: false } });
    });
    const closing = storage.close();
    release();
    await closing;
    expect((await writing).seq).toBe(1);
    const reopened = open({ filename });
    await reopened.migrate([notes]);
    expect(await reopened.read((tx) => tx.get('notes', 'n1'))).toMatchObject({ body: 'late', version: 1 });
  });

  it('refuses resource names that would collide with its own tables', async () => {
    const storage = open({ filename: ':memory:' });
    const clash = defineResource({ name: 'syncline_changes', schema: z.object({ body: z.string() }) });
    await expect(storage.migrate([clash])).rejects.toThrow(TypeError);
  });

  it('a failed statement dooms the transaction, so it cannot commit half a write', async () => {
    const storage = open({ filename: ':memory:' });
    await storage.migrate([notes]);
    const refused = storage.write(async (tx) => {
      // A value of the wrong kind is refused; the caller swallowing the error cannot commit.
      await tx.apply({ kind: 'create', resource: 'notes', after: { id: 'n1', createdAt: at, updatedAt: at, body: 1 } }).catch(() => undefined);
      await tx.apply({ kind: 'create', resource: 'notes', after: { id: 'n2', createdAt: at, updatedAt: at, body: 'ok' } });
    });
    await expect(refused).rejects.toThrow(TypeError);
    expect(await storage.read((tx) => tx.head())).toBe(0);
    expect(await storage.read((tx) => tx.get('notes', 'n2'))).toBeUndefined();
  });
}
