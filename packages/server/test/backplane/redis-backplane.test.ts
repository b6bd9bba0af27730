import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBackplane, decodeMessage, type RedisBackplane, type RedisBackplaneOptions } from '../../src/backplane/redis/index.js';
import type { Change } from '../../src/index.js';
import { createManualClock, runBackplaneConformance } from '../../src/testing/index.js';
import { REDIS_URL, killClientsNamed, redisCommand, redisReachable, uniqueChannel } from '../support/redis.js';

const reachable = await redisReachable();

const change: Change = { seq: 1, resource: 'notes', id: 'n1', kind: 'delete', after: null, before: { id: 'n1', version: 1, createdAt: 'x', updatedAt: 'x' }, at: 'x' };

describe.skipIf(!reachable)('redis', () => {
  runBackplaneConformance('redis', async () => {
    const channel = uniqueChannel();
    const pair: [RedisBackplane, RedisBackplane] = [
      createRedisBackplane({ url: REDIS_URL, channel, onError: () => {} }),
      createRedisBackplane({ url: REDIS_URL, channel, onError: () => {} }),
    ];
    await Promise.all(pair.map((backplane) => backplane.ready()));
    return pair;
  });

  const opened: RedisBackplane[] = [];
  const errors: string[] = [];
  const open = async (options: Partial<RedisBackplaneOptions> = {}) => {
    const backplane = createRedisBackplane({ url: REDIS_URL, channel: uniqueChannel(), onError: (_error, where) => errors.push(where), ...options });
    opened.push(backplane);
    await backplane.ready();
    return backplane;
  };
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((backplane) => backplane.close()));
    errors.length = 0;
  });

  it('a subscriber connection killed by the server resubscribes, then calls onReconnect', async () => {
    const channel = uniqueChannel();
    const connectionName = `test-${channel.split(':').pop()}`;
    const backplane = await open({ channel, probeIntervalMs: 0, connectionName });
    const other = await open({ channel, probeIntervalMs: 0 });
    let reconnects = 0;
    backplane.onReconnect?.(() => reconnects++);
    const received: Change[] = [];
    backplane.subscribe((one) => received.push(one));
    expect(await killClientsNamed(`${connectionName}:sub`)).toBe(1);
    await expect.poll(() => reconnects, { timeout: 5000 }).toBeGreaterThanOrEqual(1);
    // By the time listeners hear of the reconnect the channel is subscribed again.
    await other.publish(change);
    await expect.poll(() => received.length).toBe(1);
    expect(backplane.stats().reconnects).toBeGreaterThanOrEqual(1);
  });

  it('a probe that does not come back through the channel by the next one reconnects the subscriber; one that does, does not', async () => {
    const clock = createManualClock();
    const backplane = await open({ probeIntervalMs: 10_000, clock });
    let reconnects = 0;
    backplane.onReconnect?.(() => reconnects++);
    const received: Change[] = [];
    backplane.subscribe((one) => received.push(one));
    await clock.advance(10_000);
    // Published after the probe on the same connection, so heard after it: the probe is back.
    await backplane.publish(change);
    await expect.poll(() => received.length).toBe(1);
    await clock.advance(10_000);
    await backplane.publish(change);
    await expect.poll(() => received.length).toBe(2);
    expect(backplane.stats().probeFailures).toBe(0);
    // Pausing writes holds every PUBLISH, the probe's too: the loop is broken while the connections look healthy.
    // At most 2 s (Redis is shared), lifted as soon as the probe has failed.
    await redisCommand('CLIENT', 'PAUSE', 2_000, 'WRITE');
    try {
      await clock.advance(10_000);
      expect(backplane.stats().probeFailures).toBe(0);
      await clock.advance(10_000);
      expect(backplane.stats().probeFailures).toBe(1);
      await expect.poll(() => reconnects).toBeGreaterThanOrEqual(1);
      expect(errors).toContain('liveness probe');
    } finally {
      await redisCommand('CLIENT', 'UNPAUSE');
    }
  });

  it('ignores messages on the channel that are not its own', async () => {
    const channel = uniqueChannel();
    const backplane = await open({ channel });
    const received: Change[] = [];
    backplane.subscribe((one) => received.push(one));
    await redisCommand('PUBLISH', channel, '{"type":"change","change":{"seq":"1"}}');
    await redisCommand('PUBLISH', channel, 'not json');
    await backplane.publish(change);
    await expect.poll(() => received.length).toBe(1);
    expect(backplane.stats().malformed).toBe(2);
    expect(decodeMessage('[]')).toBeUndefined();
  });

  it('publish after close is refused', async () => {
    const backplane = await open();
    await backplane.close();
    await expect(backplane.publish(change)).rejects.toThrow('closed');
  });
});
