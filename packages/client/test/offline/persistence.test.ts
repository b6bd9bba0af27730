import 'fake-indexeddb/auto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { filePersistence } from '../../src/node.js';
import { indexedDbPersistence, memoryPersistence, requestPersistentStorage } from '../../src/index.js';
import type { ReplicaPersistence } from '../../src/offline/offline-types.js';
import { describePersistence, entry, write } from './persistence-conformance.js';

let folder = '';
let factory = new IDBFactory();
let shared: ReplicaPersistence | undefined;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'syncline-replica-'));
  factory = new IDBFactory(); // a fresh IndexedDB per test
  shared = undefined;
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describePersistence('memory', {
  open: async () => (shared = memoryPersistence()),
  // A memory persistence outlives close() within the process: the same object is the "reopened" store.
  reopen: async () => shared ?? memoryPersistence(),
});

describePersistence('file', {
  open: async () => filePersistence({ path: join(folder, 'nested', 'replica.json') }),
  reopen: async () => filePersistence({ path: join(folder, 'nested', 'replica.json') }),
});

describePersistence('IndexedDB', {
  open: async () => indexedDbPersistence({ name: 'syncline:test', indexedDB: factory }),
  reopen: async () => indexedDbPersistence({ name: 'syncline:test', indexedDB: factory }),
});

describe('file persistence', () => {
  it('writes the whole state atomically: the file is always a complete replica file, never a temporary one', async () => {
    const path = join(folder, 'replica.json');
    const persistence = filePersistence({ path });
    await persistence.commit({ putEntries: [entry(1)], putWrites: [write(1)] });
    const file = JSON.parse(await readFile(path, 'utf8'));
    expect(file).toMatchObject({ format: 'syncline-replica', version: 1, entries: [entry(1)], outbox: [write(1)], conflicts: [] });
    await expect(readFile(`${path}.tmp`)).rejects.toMatchObject({ code: 'ENOENT' });
    await persistence.close();
  });

  it('refuses a file that is not JSON with invalid-json and leaves it as is', async () => {
    const path = join(folder, 'replica.json');
    await writeFile(path, '{"format":"syncline-replica","version":1,"entr');
    const persistence = filePersistence({ path });
    await expect(persistence.load()).rejects.toMatchObject({ code: 'invalid-json' });
    await expect(persistence.commit({ putEntries: [entry(1)] })).rejects.toMatchObject({ code: 'invalid-json' });
    expect(await readFile(path, 'utf8')).toBe('{"format":"syncline-replica","version":1,"entr');
  });

  it('refuses a JSON file of another format with bad-request', async () => {
    const path = join(folder, 'replica.json');
    await writeFile(path, JSON.stringify({ entries: [] }));
    await expect(filePersistence({ path }).load()).rejects.toMatchObject({ code: 'bad-request' });
    await writeFile(path, JSON.stringify({ format: 'syncline-replica', version: 1, entries: [{ nouri: true }] }));
    await expect(filePersistence({ path }).load()).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('a failed write changes nothing, in memory or on disk, and later commits still run', async () => {
    const path = join(folder, 'replica.json');
    const persistence = filePersistence({ path });
    await persistence.commit({ putEntries: [entry(1)] });
    // A folder where the temporary file should go makes the next write fail.
    const { mkdir } = await import('node:fs/promises');
    await mkdir(`${path}.tmp`);
    await expect(persistence.commit({ putEntries: [entry(2)] })).rejects.toMatchObject({ code: 'unavailable' });
    expect((await persistence.load()).entries).toEqual([entry(1)]);
    await rm(`${path}.tmp`, { recursive: true });
    await persistence.commit({ putEntries: [entry(3)] });
    expect((await filePersistence({ path }).load()).entries.map((e) => e.uri).sort()).toEqual(['/todos/1', '/todos/3']);
  });

  it('destroy removes the file, and a temporary one a crash left beside it', async () => {
    const path = join(folder, 'replica.json');
    const persistence = filePersistence({ path });
    await persistence.commit({ putEntries: [entry(1)], putWrites: [write(1)] });
    await writeFile(`${path}.tmp`, 'left by a crash');
    await persistence.destroy();
    await expect(readFile(path)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(readFile(`${path}.tmp`)).rejects.toMatchObject({ code: 'ENOENT' });
    await expect(persistence.commit({ putEntries: [entry(2)] })).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('rejects calls after close with bad-request', async () => {
    const persistence = filePersistence({ path: join(folder, 'replica.json') });
    await persistence.close();
    await expect(persistence.load()).rejects.toMatchObject({ code: 'bad-request' });
    await expect(persistence.commit({})).rejects.toMatchObject({ code: 'bad-request' });
  });
});

describe('IndexedDB persistence', () => {
  it('uses the stores entries, outbox (index order) and conflicts', async () => {
    const persistence = indexedDbPersistence({ name: 'syncline:stores', indexedDB: factory });
    await persistence.commit({ putWrites: [write(2), write(1)] });
    await persistence.close();
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const request = factory.open('syncline:stores');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    expect(Array.from(db.objectStoreNames).sort()).toEqual(['conflicts', 'entries', 'outbox']);
    const tx = db.transaction('outbox');
    expect(tx.objectStore('outbox').keyPath).toBe('key');
    expect(Array.from(tx.objectStore('outbox').indexNames)).toEqual(['order']);
    db.close();
  });

  it('rejects with unavailable where IndexedDB does not exist, and bad-request after close', async () => {
    vi.stubGlobal('indexedDB', undefined);
    try {
      await expect(indexedDbPersistence({ name: 'x' }).load()).rejects.toMatchObject({ code: 'unavailable' });
    } finally {
      vi.unstubAllGlobals();
    }
    const persistence = indexedDbPersistence({ name: 'closed', indexedDB: factory });
    await persistence.close();
    await expect(persistence.load()).rejects.toMatchObject({ code: 'bad-request' });
  });

  it('destroy deletes the database, though another tab holds it open, and opens nothing again', async () => {
    const persistence = indexedDbPersistence({ name: 'syncline:gone', indexedDB: factory });
    const otherTab = indexedDbPersistence({ name: 'syncline:gone', indexedDB: factory });
    await persistence.commit({ putEntries: [entry(1)], putWrites: [write(1)] });
    expect((await otherTab.load()).outbox).toEqual([write(1)]);
    await persistence.destroy();
    expect((await factory.databases()).map((database) => database.name)).not.toContain('syncline:gone');
    await expect(persistence.load()).rejects.toMatchObject({ code: 'bad-request' });
    expect((await factory.databases()).map((database) => database.name)).not.toContain('syncline:gone');
    await otherTab.close();
  });

  it('lets another tab delete the database: the connection closes, and the next call opens a fresh one', async () => {
    const persistence = indexedDbPersistence({ name: 'syncline:deleted', indexedDB: factory });
    await persistence.commit({ putEntries: [entry(1)] });
    await new Promise<void>((resolve, reject) => {
      const request = factory.deleteDatabase('syncline:deleted');
      request.onsuccess = () => resolve();
      request.onerror = () => reject(request.error);
    });
    expect(await persistence.load()).toEqual({ entries: [], outbox: [], conflicts: [] });
    await persistence.close();
  });
});

describe('requestPersistentStorage', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('answers what navigator.storage.persist() answers', async () => {
    vi.stubGlobal('navigator', { storage: { persist: async () => true } });
    expect(await requestPersistentStorage()).toBe(true);
    vi.stubGlobal('navigator', { storage: { persist: async () => false } });
    expect(await requestPersistentStorage()).toBe(false);
  });

  it('answers false where the API is missing or throws', async () => {
    vi.stubGlobal('navigator', {});
    expect(await requestPersistentStorage()).toBe(false);
    vi.stubGlobal('navigator', { storage: { persist: () => Promise.reject(new Error('denied')) } });
    expect(await requestPersistentStorage()).toBe(false);
  });
});
