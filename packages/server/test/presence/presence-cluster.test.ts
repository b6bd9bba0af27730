import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createRedisBackplane } from '../../src/backplane/redis/index.js';
import { createMemoryBackplane, createMemoryBus, type Backplane, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { REDIS_URL, redisReachable, uniqueChannel } from '../support/redis.js';
import { createManualClock, type ManualClock } from '../../src/testing/manual-clock.js';

type Frame = Awaited<ReturnType<LiveClient['request']>>;
const as = (user: string) => ({ headers: { 'x-user': user } });
const REFRESH = 1_000;
const TIMEOUT = 3_000;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Servers in this process on one SQLite file; `backplane()` gives each its own backplane of one cluster. */
function cluster(backplane: () => Promise<Backplane>, clock: ManualClock) {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-presence-'));
  dirs.push(dir);
  const filename = join(dir, 'presence.db');
  return async (wrap: (backplane: Backplane) => Backplane = (b) => b) => {
    const syncline = await createTestSyncline({
      storage: createSqliteStorage({ filename }),
      backplane: wrap(await backplane()),
      clock,
      limits: { feedPollMs: 600_000, presenceRefreshMs: REFRESH, presenceTimeoutMs: TIMEOUT },
    });
    const { port } = await syncline.listen(0, '127.0.0.1');
    return { syncline, port };
  };
}

async function createList(syncline: Syncline): Promise<string> {
  const created = await syncline.handle({ method: 'POST', url: '/lists', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"title":"L"}') });
  return `/lists/${(JSON.parse(created.body ?? '{}') as { id: string }).id}/presence`;
}

const events = (client: LiveClient, id: string): Frame[] => client.frames.filter((frame) => frame['event'] === 'presence' && frame['subscription'] === id);
const ops = (client: LiveClient, id: string) => events(client, id).map((event) => `${event['op']} ${event['member']['user']} ${event['member']['state']}`);

function clusterCases(backplane: () => Promise<Backplane>): void {
  it('an announcement on one server reaches subscribers and GET on another; two tabs on two servers count once', async () => {
    const clock = createManualClock();
    const start = cluster(backplane, clock);
    const a = await start();
    const b = await start();
    await using _a = a.syncline;
    await using _b = b.syncline;
    const uri = await createList(a.syncline);
    await using watcher = await LiveClient.connect(b.port, as('bob'));
    await watcher.request('SUBSCRIBE', uri, { id: 'p' });
    await using tabOnA = await LiveClient.connect(a.port, as('ana'));
    await using tabOnB = await LiveClient.connect(b.port, as('ana'));

    await tabOnA.request('PUT', uri, { body: { state: 'viewing' } });
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana viewing']);
    await tabOnB.request('PUT', uri, { body: { state: 'editing', data: { field: 'title' } } });
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana viewing', 'update ana editing']);
    await expect.poll(async () => (await tabOnA.request('GET', uri))['body']['members']).toEqual([{ user: 'ana', state: 'editing', data: { field: 'title' } }]);

    tabOnB.socket.close();
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana viewing', 'update ana editing', 'update ana viewing']);
    await tabOnA.request('DELETE', uri);
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana viewing', 'update ana editing', 'update ana viewing', 'leave ana viewing']);
  });

  it('a server that starts later learns who is there at once, without waiting for a refresh', async () => {
    const clock = createManualClock();
    const start = cluster(backplane, clock);
    const a = await start();
    await using _a = a.syncline;
    const uri = await createList(a.syncline);
    await using ana = await LiveClient.connect(a.port, as('ana'));
    await ana.request('PUT', uri, { body: { state: 'viewing' } });
    const late = await start();
    await using _late = late.syncline;
    await using bob = await LiveClient.connect(late.port, as('bob'));
    await expect.poll(async () => (await bob.request('GET', uri))['body']['members']).toEqual([{ user: 'ana', state: 'viewing', data: {} }]);
  });

  it('a peer that stops refreshing (killed) is dropped after the presence timeout, not before', async () => {
    const clock = createManualClock();
    const start = cluster(backplane, clock);
    let dead = false;
    const a = await start((backplane) => ({ ...backplane, publishTopic: (topic, message) => (dead ? Promise.resolve() : backplane.publishTopic!(topic, message)), close: () => backplane.close() }));
    // B counts the refreshes it hears, so the test moves the clock on only once each has arrived.
    let refreshes = 0;
    const b = await start((backplane) => ({
      ...backplane,
      subscribeTopic: (topic, listener) => backplane.subscribeTopic!(topic, (message) => {
        if (message['type'] === 'refresh') refreshes++;
        listener(message);
      }),
      close: () => backplane.close(),
    }));
    await using _a = a.syncline;
    await using _b = b.syncline;
    const uri = await createList(a.syncline);
    await using watcher = await LiveClient.connect(b.port, as('bob'));
    await watcher.request('SUBSCRIBE', uri, { id: 'p' });
    await using ana = await LiveClient.connect(a.port, as('ana'));
    await ana.request('PUT', uri, { body: { state: 'editing' } });
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana editing']);

    // While A refreshes, its entry outlives many timeouts.
    for (let i = 0; i < 10; i++) {
      const heard = refreshes;
      await clock.advance(REFRESH);
      await expect.poll(() => refreshes).toBeGreaterThan(heard);
    }
    expect(ops(watcher, 'p')).toEqual(['join ana editing']);

    dead = true;
    await clock.advance(TIMEOUT - REFRESH);
    expect(ops(watcher, 'p')).toEqual(['join ana editing']);
    await clock.advance(2 * REFRESH);
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana editing', 'leave ana editing']);
    expect((await watcher.request('GET', uri))['body']['members']).toEqual([]);
  });

  it('a server that closes takes its members with it at once', async () => {
    const clock = createManualClock();
    const start = cluster(backplane, clock);
    const a = await start();
    const b = await start();
    await using _b = b.syncline;
    const uri = await createList(a.syncline);
    await using watcher = await LiveClient.connect(b.port, as('bob'));
    await watcher.request('SUBSCRIBE', uri, { id: 'p' });
    const ana = await LiveClient.connect(a.port, as('ana'));
    await ana.request('PUT', uri, { body: { state: 'viewing' } });
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana viewing']);
    await a.syncline.close();
    await expect.poll(() => ops(watcher, 'p')).toEqual(['join ana viewing', 'leave ana viewing']);
  });
}

describe('presence across servers on the in-process backplane', () => {
  let bus = createMemoryBus();
  afterEach(() => {
    bus = createMemoryBus();
  });
  clusterCases(async () => createMemoryBackplane(bus));
});

const reachable = await redisReachable();
describe.skipIf(!reachable)('presence across servers on Redis', () => {
  let channel = uniqueChannel();
  afterEach(() => {
    channel = uniqueChannel();
  });
  clusterCases(async () => {
    const backplane = createRedisBackplane({ url: REDIS_URL, channel, probeIntervalMs: 0, onError: () => {} });
    await backplane.ready();
    return backplane;
  });
});
