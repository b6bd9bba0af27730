import { describe, expect, it } from 'vitest';
import { SynclineError } from '@syncline/protocol';
import { loadDriver } from '../../src/drivers/load-driver.js';
import { createRedisBackplane, loadRedisDriver } from '../../src/backplane/redis/index.js';
import { createPostgresStorage, loadPgDriver } from '../../src/storage/postgres/index.js';
import { loadBetterSqlite3Driver } from '../../src/storage/sqlite/better-sqlite3-driver.js';
import { loadNodeSqliteDriver } from '../../src/storage/sqlite/node-sqlite-driver.js';
import { createSyncline } from '../../src/create-syncline.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';

/** What Node's loader throws for `import('x')` when the package is not installed. */
function notInstalled(name: string): () => Promise<never> {
  return () => Promise.reject(Object.assign(new Error(`Cannot find package '${name}' imported from /app/server.js`), { code: 'ERR_MODULE_NOT_FOUND' }));
}

async function failure(promise: Promise<unknown>): Promise<SynclineError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SynclineError);
  return error as SynclineError;
}

describe('a driver package that is not installed', () => {
  it('pg: driver-missing, naming the package to install', async () => {
    const error = await failure(loadPgDriver(notInstalled('pg')));
    expect(error.code).toBe('driver-missing');
    expect(error.message).toContain('npm install pg');
    expect(error.message).toContain('PostgreSQL');
  });

  it('pg: a PostgreSQL storage fails its first use with it, not its creation', async () => {
    const storage = createPostgresStorage({ connectionString: 'postgres://127.0.0.1:1/none', loadDriver: () => loadPgDriver(notInstalled('pg')) });
    await expect(storage.migrate([])).rejects.toMatchObject({ code: 'driver-missing' });
    await storage.close();
  });

  it('ioredis: driver-missing, naming the package to install', async () => {
    const error = await failure(loadRedisDriver(notInstalled('ioredis')));
    expect(error.code).toBe('driver-missing');
    expect(error.message).toContain('npm install ioredis');
  });

  it('ioredis: createSyncline with a Redis backplane stops at start with it', async () => {
    const reported: string[] = [];
    const backplane = createRedisBackplane({
      url: 'redis://127.0.0.1:1',
      loadDriver: () => loadRedisDriver(notInstalled('ioredis')),
      onError: (_error, where) => reported.push(where),
    });
    const storage = createSqliteStorage({ filename: ':memory:' });
    await expect(createSyncline({ resources: [], storage, backplane })).rejects.toMatchObject({ code: 'driver-missing' });
    await expect(backplane.publish({ seq: 1 } as never)).rejects.toMatchObject({ code: 'driver-missing' });
    expect(reported).toEqual(['loading ioredis']);
    await backplane.close();
    await storage.close();
  });

  it('better-sqlite3: driver-missing, naming the package to install', async () => {
    const error = await failure(loadBetterSqlite3Driver(notInstalled('better-sqlite3')));
    expect(error.code).toBe('driver-missing');
    expect(error.message).toContain('npm install better-sqlite3');
  });

  it('better-sqlite3 built for another Node: driver-missing, saying to rebuild or use node:sqlite', async () => {
    const abiMismatch = class {
      constructor() {
        throw Object.assign(new Error('The module was compiled against a different Node.js version using NODE_MODULE_VERSION 115.'), { code: 'ERR_DLOPEN_FAILED' });
      }
    };
    const error = await failure(loadBetterSqlite3Driver(async () => ({ default: abiMismatch })));
    expect(error.code).toBe('driver-missing');
    expect(error.message).toContain('npm rebuild better-sqlite3');
    expect(error.message).toContain('node:sqlite');
    expect(error.message).toContain('NODE_MODULE_VERSION 115');
  });

  it('node:sqlite on a Node without it: driver-missing, naming the Node version to use', async () => {
    const unknownBuiltin = () => Promise.reject(Object.assign(new Error('No such built-in module: node:sqlite'), { code: 'ERR_UNKNOWN_BUILTIN_MODULE' }));
    const error = await failure(loadNodeSqliteDriver(unknownBuiltin));
    expect(error.code).toBe('driver-missing');
    expect(error.message).toContain('Node >= 22.13');
    expect(error.message).toContain('npm install better-sqlite3');
  });

  it('an error inside an installed package is not mistaken for a missing one', async () => {
    const broken = new TypeError('pg failed while loading');
    await expect(loadDriver('pg', 'PostgreSQL storage', () => Promise.reject(broken))).rejects.toBe(broken);
  });
});
