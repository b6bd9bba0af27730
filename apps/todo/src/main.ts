import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSyncline, loadConfig, type Backplane, type ServerConfig, type Storage } from '@syncline/server';
import { resources } from './resources.js';

// `npm start`: the demo on the embedded default (a SQLite file, the in-process backplane),
// no other service. DATABASE_URL=postgres://… and REDIS_URL=redis://… turn it into one
// node of a cluster; each driver is imported only when chosen, so SQLite users never load pg.
const config = loadConfig(process.env);

async function openStorage({ databaseUrl, sqliteSynchronous }: ServerConfig): Promise<Storage> {
  if (databaseUrl.startsWith('sqlite:')) {
    const filename = databaseUrl.slice('sqlite:'.length);
    if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
    const { createSqliteStorage } = await import('@syncline/server/sqlite');
    return createSqliteStorage({ filename, synchronous: sqliteSynchronous });
  }
  const { createPostgresStorage } = await import('@syncline/server/postgres');
  return createPostgresStorage({ connectionString: databaseUrl });
}

async function openBackplane({ redisUrl }: ServerConfig): Promise<Backplane | undefined> {
  if (redisUrl === undefined) return undefined;
  const { createRedisBackplane } = await import('@syncline/server/redis');
  return createRedisBackplane({ url: redisUrl });
}

const backplane = await openBackplane(config);
const syncline = await createSyncline({
  resources,
  storage: await openStorage(config),
  ...(backplane ? { backplane } : {}),
  livePath: config.livePath,
  limits: config.limits,
});
const { port } = await syncline.listen(config.port, config.host);
console.log(`Syncline TODO demo on http://localhost:${port} (resources: /lists, /todos; live: ws://localhost:${port}${config.livePath})`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void syncline.close().then(() => process.exit(0));
  });
}
