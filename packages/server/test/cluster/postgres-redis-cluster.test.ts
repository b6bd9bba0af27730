import { afterAll, describe, expect, it } from 'vitest';
import type { Backplane, Change, SynclineLimits } from '../../src/index.js';
import { createRedisBackplane, type RedisBackplane } from '../../src/backplane/redis/index.js';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
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
    async server(options: { name?: string; wrap?: (backplane: RedisBackplane) => Backplane; limits?: Partial<SynclineLimits> } = {}) {
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

/** Loses every other publish, as Redis pub/sub may (at most once). */
function lossy(inner: Backplane): Backplane & { dropped: number } {
  let n = 0;
  const wrapper = {
    dropped: 0,
    publish: (change: Change) => (n++ % 2 === 0 ? (wrapper.dropped++, Promise.resolve()) : inner.publish(change)),
    subscribe: (listener: (change: Change) => void) => inner.subscribe(listener),
    close: () => inner.close(),
  };
  return wrapper;
}

describe.skipIf(!reachable)('a cluster on PostgreSQL and Redis', () => {
  it('a write through server A reaches a subscriber on server B', async () => {
    const { server } = cluster();
    await using a = await server();
    await using b = await server();
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    const created = await request(a, 'POST', '/lists', { body: { title: 'from A' } });
    expect(created.status).toBe(201);
    const [event] = await client.eventsFor('all', 1);
    expect(event).toMatchObject({ op: 'enter', seq: created.body.version, body: { title: 'from A' } });
  });

  it('a client resumes on another server with no gap and no duplicate', async () => {
    const { server } = cluster();
    await using a = await server();
    await using b = await server();
    const portA = (await a.listen(0, '127.0.0.1')).port;
    const portB = (await b.listen(0, '127.0.0.1')).port;
    const onA = await LiveClient.connect(portA);
    await onA.request('SUBSCRIBE', '/lists', { id: 's' });
    await request(a, 'POST', '/lists', { body: { title: '1' } });
    const [seen] = await onA.eventsFor('s', 1);
    await onA[Symbol.asyncDispose]();
    await request(b, 'POST', '/lists', { body: { title: '2' } });
    await request(a, 'POST', '/lists', { body: { title: '3' } });
    await using onB = await LiveClient.connect(portB);
    const resumed = await onB.request('SUBSCRIBE', '/lists', { id: 's', headers: { 'last-event-id': String(seen?.['seq']) } });
    expect(resumed['headers']?.['syncline-resume']).toBe('resumed');
    await request(a, 'POST', '/lists', { body: { title: '4' } });
    await onB.eventsFor('s', 3);
    await a.flush();
    await b.flush();
    expect(onB.events('s').map((e) => e['body'].title)).toEqual(['2', '3', '4']);
    expect(onB.events('s').map((e) => e['seq'])).toEqual([2, 3, 4]);
  });

  it('publishes Redis lost are read from the change log, in order, without waiting for a poll', async () => {
    const { server } = cluster();
    let dropping: ReturnType<typeof lossy> | undefined;
    await using a = await server({ wrap: (redis) => (dropping = lossy(redis)) });
    await using b = await server();
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    // Ten writes: the odd ones are lost, each even one shows B the gap before it.
    for (let i = 1; i <= 10; i++) await request(a, 'POST', '/lists', { body: { title: `${i}` } });
    const events = await client.eventsFor('all', 10);
    expect(dropping?.dropped).toBe(5);
    expect(events.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(events.map((e) => e['body'].title)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
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
