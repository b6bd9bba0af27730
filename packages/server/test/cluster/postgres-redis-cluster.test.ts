import { afterAll, describe, expect, it } from 'vitest';
import type { Backplane, SynclineLimits } from '../../src/index.js';
import { createRedisBackplane } from '../../src/backplane/redis/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { clusterCases } from '../support/cluster-cases.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { POSTGRES_URL, dropSchemas, postgresReachable, uniqueSchema } from '../support/postgres.js';
import { REDIS_URL, killClientsNamed, redisReachable, uniqueChannel } from '../support/redis.js';

// Both probes run (so CI fails on either one missing); either missing skips locally.
const reachable = (await postgresReachable()) && (await redisReachable());
const schemas: string[] = [];
afterAll(async () => {
  if (reachable) await dropSchemas(schemas.splice(0));
});

/** One cluster: a schema and a channel of its own, so parallel test files never meet. */
function cluster() {
  const schema = uniqueSchema('syncline_cluster');
  const channel = uniqueChannel();
  schemas.push(schema);
  return {
    channel,
    /** A server process: its own pool and its own Redis connections, as another machine would have. */
    async server(options: { name?: string; wrap?: (backplane: Backplane) => Backplane; limits?: Partial<SynclineLimits> } = {}) {
      const redis = createRedisBackplane({ url: REDIS_URL, channel, connectionName: options.name ?? 'syncline-test', probeIntervalMs: 0, onError: () => {} });
      await redis.ready();
      return createTestSyncline({
        storage: createPostgresStorage({ connectionString: POSTGRES_URL, schema, pool: 4, onError: () => {} }),
        backplane: options.wrap ? options.wrap(redis) : redis,
        // A poll this slow never runs during a test: what heals a gap here is the gap fill or the reconnect.
        limits: { feedPollMs: 600_000, ...options.limits },
      });
    },
  };
}

describe.skipIf(!reachable)('a cluster on PostgreSQL and Redis', () => {
  clusterCases(() => {
    const { server } = cluster();
    return (options = {}) => server(options.wrap ? { wrap: options.wrap } : {});
  });

  it('a subscriber connection killed by Redis catches up from the log when it is back', async () => {
    const { server } = cluster();
    await using a = await server();
    await using b = await server({ name: `syncline-test-b-${process.pid}` });
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    await request(a, 'POST', '/lists', { body: { title: 'before' } });
    await client.eventsFor('all', 1);
    expect(await killClientsNamed(`syncline-test-b-${process.pid}:sub`)).toBe(1);
    // Written while B's subscriber is down (or coming back): no later write and no poll
    // will show B the gap, so only the catch-up on reconnect can deliver it.
    await request(a, 'POST', '/lists', { body: { title: 'during' } });
    const events = await client.eventsFor('all', 2);
    expect(events.map((e) => e['body'].title)).toEqual(['before', 'during']);
    expect(events.map((e) => e['seq'])).toEqual([1, 2]);
  });
});
