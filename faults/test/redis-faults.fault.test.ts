import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckStorage } from '../src/check-storage.js';
import { delay, freePort } from '../src/free-port.js';
import { checkHistory } from '../src/history.js';
import { PrivateRedis } from '../src/private-redis.js';
import { mustRunEverything, recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { startLoad, type Load } from '../src/write-load.js';
import type { Storage } from '@syncline/server';

// Scenario 2: two server processes on one database and a Redis of our own (never the shared
// one). Writes go to process A; the subscribers that matter are on process B, so each change
// reaches them over Redis. The feed's periodic poll is turned off (60 s), so only the backplane,
// its liveness probe and the catch-up from the log after a reconnect can bring changes to B.
// Redis is not on the write path: writes must keep being acknowledged through both faults.
const available = PrivateRedis.available();
if (!available && mustRunEverything()) throw new Error('the Redis scenarios need redis-server');
if (!available) console.warn('[faults] skipping the Redis scenarios: redis-server is not installed');
const dir = mkdtempSync(join(tmpdir(), 'syncline-faults-redis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Checks the history so far and records one row for the fault just recovered from. */
async function judge(name: string, load: Load, storage: Storage, figures: { convergeMs: number; ackedDuringFault: number; rss: number | undefined; notes: string }): Promise<string[]> {
  const verdict = await checkHistory({ storage, acked: load.acked(), subscribers: load.subscribers.map((subscriber) => subscriber.record) });
  const violations = [...verdict.violations, ...load.figures().anomalies, ...load.figures().serverErrors];
  recordResult({
    scenario: name,
    passed: violations.length === 0 && figures.ackedDuringFault > 0,
    acknowledged: verdict.acknowledged,
    lost: verdict.lost,
    duplicated: verdict.duplicated,
    convergeMs: figures.convergeMs,
    memoryMiB: figures.rss === undefined ? null : Math.round(figures.rss / 2 ** 20),
    notes: `${figures.ackedDuringFault} writes acknowledged during the fault; ${figures.notes}`,
  });
  return violations;
}

describe.skipIf(!available)('Redis faults under load, two server processes', () => {
  it('Redis restarted, then paused with SIGSTOP for 5 s: writes go on, the other process converges from the log', async () => {
    const redis = await PrivateRedis.start();
    const env = { DATABASE_URL: `sqlite:${join(dir, 'cluster.db')}`, REDIS_URL: redis.url, SYNCLINE_FEED_POLL_MS: '60000', FAULT_PROBE_MS: '1000' };
    const a = await ServerProcess.start({ ...env, PORT: String(await freePort()) });
    const b = await ServerProcess.start({ ...env, PORT: String(await freePort()) });
    const storage = await openCheckStorage(env.DATABASE_URL);
    const load = await startLoad({ writers: 8, subscribers: 6, bases: () => [a.base], subscriberBases: () => [b.base], pauseMs: 20 });
    try {
      // Fault 1: Redis killed and started again (every connection drops; pub/sub loses what was in flight).
      await load.waitForAcks(100);
      await redis.kill();
      const ackedBefore = load.acked().length;
      await delay(1000);
      await redis.restart();
      const ackedDuringRestart = load.acked().length - ackedBefore;
      const restartedAt = Date.now();
      await load.waitForAcks(load.acked().length + 100);
      await load.stopWriting();
      const headAfterRestart = (await storage.logBounds()).head;
      await load.waitConverged(headAfterRestart);
      const restartConvergeMs = Date.now() - restartedAt;
      const restartViolations = await judge('Redis killed and restarted under load (2 processes)', load, storage, {
        convergeMs: restartConvergeMs,
        ackedDuringFault: ackedDuringRestart,
        rss: await a.rss(),
        notes: `8 writers on process A, 6 subscribers on process B; converge: from Redis back (writes going on for 100 more) to B's subscribers at the head`,
      });
      expect(restartViolations).toEqual([]);
      expect(ackedDuringRestart).toBeGreaterThan(0);
      load.startWriting(8, 'p');
      await load.waitForAcks(load.acked().length + 50);

      // Fault 2: Redis frozen: its sockets stay open and answer nothing (a subscriber that looks connected but hears nothing).
      const ackedBeforePause = load.acked().length;
      redis.pause();
      await delay(5000);
      const ackedDuringPause = load.acked().length - ackedBeforePause;
      const rssDuringPause = await a.rss();
      redis.resume();
      const resumedAt = Date.now();
      await load.stopWriting();
      const head = (await storage.logBounds()).head;
      await load.waitConverged(head, 40_000);
      const pauseConvergeMs = Date.now() - resumedAt;
      const pauseViolations = await judge('Redis paused (SIGSTOP) for 5 s under load (2 processes)', load, storage, {
        convergeMs: pauseConvergeMs,
        ackedDuringFault: ackedDuringPause,
        rss: rssDuringPause,
        notes: `converge: from SIGCONT to B's subscribers at the head; ${(b.reports().match(/did not come back/g) ?? []).length} failed liveness probes on B; process A dropped its publisher ${(a.reports().match(/reconnecting the subscriber and the publisher/g) ?? []).length} times (publishes held for a frozen Redis are released); memory: process A during the pause`,
      });
      expect(pauseViolations).toEqual([]);
      expect(ackedDuringPause).toBeGreaterThan(0);
      // Redis answered nothing for 5 s: the writing process noticed through its probe and let go of what it held.
      expect(a.reports()).toContain('reconnecting the subscriber and the publisher');
      expect([...a.unexpectedExits, ...b.unexpectedExits]).toEqual([]);
    } finally {
      await load.close();
      await Promise.all([a.stop(), b.stop()]);
      await storage.close();
      await redis.stop();
    }
  });
});
