import { describe, expect, it } from 'vitest';
import { loadSqliteDriver, type SqliteDriver, type SqliteDriverLoaders } from '../../src/storage/sqlite/index.js';
import { SynclineError } from '@syncline/protocol';

const fakeDriver = (name: SqliteDriver['name']): SqliteDriver => ({
  name,
  open: () => {
    throw new Error('not opened in these tests');
  },
});
const loads = (name: SqliteDriver['name']) => async () => fakeDriver(name);
const fails = (message: string) => () => Promise.reject(new SynclineError('driver-missing', { detail: message }));

describe('choosing the SQLite driver', () => {
  it('auto takes better-sqlite3 when it loads', async () => {
    const loaders: SqliteDriverLoaders = { 'better-sqlite3': loads('better-sqlite3'), 'node:sqlite': loads('node:sqlite') };
    expect((await loadSqliteDriver('auto', loaders)).name).toBe('better-sqlite3');
  });

  it('auto falls back to node:sqlite when better-sqlite3 cannot load (Node 24 with an addon built for Node 20)', async () => {
    const loaders: SqliteDriverLoaders = { 'better-sqlite3': fails('better-sqlite3 cannot load'), 'node:sqlite': loads('node:sqlite') };
    expect((await loadSqliteDriver('auto', loaders)).name).toBe('node:sqlite');
  });

  it('auto with neither driver rejects with one driver-missing error that says what to do', async () => {
    const loaders: SqliteDriverLoaders = { 'better-sqlite3': fails('better-sqlite3 is not installed'), 'node:sqlite': fails('node:sqlite is missing') };
    const error = await loadSqliteDriver('auto', loaders).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(SynclineError);
    expect((error as SynclineError).code).toBe('driver-missing');
    const message = (error as SynclineError).message;
    expect(message).toContain('npm install better-sqlite3');
    expect(message).toContain('Node >= 22.13');
    expect(message).toContain('better-sqlite3 is not installed');
    expect(message).toContain('node:sqlite is missing');
  });

  it('a named driver is used or refused, never replaced', async () => {
    const loaders: SqliteDriverLoaders = { 'better-sqlite3': fails('better-sqlite3 cannot load'), 'node:sqlite': loads('node:sqlite') };
    await expect(loadSqliteDriver('better-sqlite3', loaders)).rejects.toMatchObject({ code: 'driver-missing' });
    expect((await loadSqliteDriver('node:sqlite', loaders)).name).toBe('node:sqlite');
  });
});
