import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openCheckStorage } from '../src/check-storage.js';
import { delay, freePort } from '../src/free-port.js';
import { checkHistory } from '../src/history.js';
import { PrivatePostgres } from '../src/private-postgres.js';
import { mustRunEverything, recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { startLoad } from '../src/write-load.js';

// Scenario 3: a PostgreSQL of our own stopped for a few seconds and started again under write
// load (never the shared one). Writes during the outage answer 503 `unavailable` with
// `retry-after`, never a 500 or a crash; the writers retry; afterwards every acknowledged write
// is stored once and every subscriber converges.
const unavailable = PrivatePostgres.unavailableReason();
if (unavailable !== undefined && mustRunEverything()) throw new Error(`the PostgreSQL restart scenario needs a private cluster: ${unavailable}`);
if (unavailable !== undefined) console.warn(`[faults] skipping the PostgreSQL restart scenario: ${unavailable}`);

describe.skipIf(unavailable !== undefined)('PostgreSQL restarted under load', () => {
  let postgres: PrivatePostgres;
  beforeAll(async () => {
    postgres = await PrivatePostgres.start();
  });
  afterAll(async () => {
    await postgres?.destroy();
  });

  it('answers 503 with retry-after while it is down, and loses nothing acknowledged', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: postgres.url, PORT: String(await freePort()), SYNCLINE_FEED_POLL_MS: '500' });
    const load = await startLoad({ writers: 12, subscribers: 6, bases: () => [server.base] });
    const storage = await openCheckStorage(postgres.url);
    try {
      await load.waitForAcks(150);
      await postgres.stopServer('fast');
      const downAt = Date.now();
      await delay(3000);
      const ackedWhileDown = load.acked().length;
      await postgres.startServer();
      const upAt = Date.now();
      await load.waitForAcks(ackedWhileDown + 150);
      await load.stopWriting();
      const head = (await storage.logBounds()).head;
      const convergeMs = await load.waitConverged(head);
      const verdict = await checkHistory({ storage, acked: load.acked(), subscribers: load.subscribers.map((subscriber) => subscriber.record) });
      const figures = load.figures();
      const refused503 = figures.refused['503'] ?? 0;
      const rss = await server.rss();
      recordResult({
        scenario: 'PostgreSQL stopped for 3 s and restarted under load',
        passed: verdict.violations.length === 0 && figures.serverErrors.length === 0 && server.unexpectedExits.length === 0,
        acknowledged: verdict.acknowledged,
        lost: verdict.lost,
        duplicated: verdict.duplicated,
        convergeMs,
        memoryMiB: rss === undefined ? null : Math.round(rss / 2 ** 20),
        notes: `12 writers, 6 subscribers; converge: from the last write to every subscriber at the head; down ${upAt - downAt} ms; ${refused503} answers 503 (${figures.retryAfter} with retry-after), ${figures.serverErrors.length} answers 500, ${figures.networkErrors} unanswered; ${figures.replayed + figures.confirmedOnRetry} applied before their answer was lost (answered on retry: ${figures.replayed} replayed by Idempotency-Key, ${figures.confirmedOnRetry} by 412 and a read)`,
      });
      expect(verdict.violations).toEqual([]);
      expect(figures.anomalies).toEqual([]);
      expect(figures.serverErrors).toEqual([]);
      expect(refused503).toBeGreaterThan(0);
      expect(figures.retryAfter).toBe(refused503);
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      await load.close();
      await server.stop();
      await storage.close();
    }
  });
});
