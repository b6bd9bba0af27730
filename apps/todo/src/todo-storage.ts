import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Backplane, ServerConfig, Storage } from '@syncline/server';

/**
 * The storage the configuration names: a SQLite file (the embedded default) or PostgreSQL.
 * Each driver is imported only when chosen, so SQLite users never load pg; the SQLite
 * driver is `SYNCLINE_SQLITE_DRIVER`'s (`auto` by default).
 *
 * @example
 * const storage = await openStorage(loadConfig(process.env));
 */
export async function openStorage({ databaseUrl, sqliteSynchronous, sqliteDriver, limits }: Pick<ServerConfig, 'databaseUrl' | 'sqliteSynchronous' | 'sqliteDriver'> & { readonly limits?: Pick<ServerConfig['limits'], 'maxWriteBatch'> }): Promise<Storage> {
  if (databaseUrl.startsWith('sqlite:')) {
    const filename = databaseUrl.slice('sqlite:'.length);
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    const { createSqliteStorage } = await import('@syncline/server/sqlite');
    return createSqliteStorage({ filename, synchronous: sqliteSynchronous, driver: sqliteDriver });
  }
  const { createPostgresStorage } = await import('@syncline/server/postgres');
  return createPostgresStorage({ connectionString: databaseUrl, ...(limits ? { writeBatch: limits.maxWriteBatch } : {}) });
}

/** The Redis backplane when `REDIS_URL` is set; otherwise undefined (in-process). */
export async function openBackplane({ redisUrl }: Pick<ServerConfig, 'redisUrl'>): Promise<Backplane | undefined> {
  if (redisUrl === undefined) return undefined;
  const { createRedisBackplane } = await import('@syncline/server/redis');
  return createRedisBackplane({ url: redisUrl });
}
