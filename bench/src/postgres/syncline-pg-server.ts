import { createSyncline, loadConfig, type Backplane } from '@syncline/server';
import { createPostgresStorage } from '@syncline/server/postgres';
import { items } from '../systems/syncline-server.js';
import { recordId } from '../common.js';
import { seedRecord, type PgServer, type PgServerOptions } from './pg-options.js';

/**
 * Syncline on PostgreSQL as an application runs it: the `items` resource, the storage's
 * defaults (a pool of 10; group commit up to `SYNCLINE_PG_WRITE_BATCH_MAX`), and the Redis
 * backplane when `REDIS_URL` is set (one channel per run). Writes arrive as HTTP PATCH.
 */
export async function startSynclinePgServer(options: PgServerOptions): Promise<PgServer> {
  const config = loadConfig(process.env);
  let backplane: Backplane | undefined;
  if (config.redisUrl !== undefined) {
    const { createRedisBackplane } = await import('@syncline/server/redis');
    backplane = createRedisBackplane({ url: config.redisUrl, channel: `bench:${options.schema}` });
  }
  const syncline = await createSyncline({
    resources: [items],
    storage: createPostgresStorage({ connectionString: options.connectionString, schema: options.schema, writeBatch: config.limits.maxWriteBatch }),
    ...(backplane ? { backplane } : {}),
    limits: config.limits,
    onError: (error, where) => {
      if ((error as { code?: string }).code !== 'ECONNRESET') console.error(`[syncline] ${where}:`, error);
    },
  });
  if (options.seed) {
    for (let index = 0; index < options.records; index++) {
      const { id: _id, ...body } = seedRecord(index);
      const outcome = await syncline.execute({ method: 'PUT', uri: `/items/${recordId(index)}`, headers: { 'content-type': 'application/json' }, body, context: { transport: 'internal' } });
      if (outcome.status !== 201 && outcome.status !== 200) throw new Error(`seeding answered ${outcome.status}: ${JSON.stringify(outcome.body)}`);
    }
  }
  const { port } = await syncline.listen(0, '127.0.0.1');
  return { port, close: () => syncline.close() };
}
