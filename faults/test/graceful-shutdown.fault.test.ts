import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openCheckStorage } from '../src/check-storage.js';
import { freePort } from '../src/free-port.js';
import { checkHistory } from '../src/history.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { startLoad } from '../src/write-load.js';

// Scenario 7: SIGTERM to one of two processes (one SQLite file; the feed's poll at 100 ms
// carries changes between them) while writes are in flight to both. The process must drain:
// stop taking connections, finish the requests it has, close sockets with 1001 and exit 0. Its
// subscribers reconnect to the other process and resume; nothing acknowledged is lost, and no
// request it had accepted goes unanswered.
const dir = mkdtempSync(join(tmpdir(), 'syncline-faults-term-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('graceful shutdown', () => {
  it('SIGTERM under load: in-flight writes finish, sockets close with 1001, clients move to the other process', async () => {
    const env = { DATABASE_URL: `sqlite:${join(dir, 'term.db')}`, SYNCLINE_FEED_POLL_MS: '100' };
    const a = await ServerProcess.start({ ...env, PORT: String(await freePort()) });
    const b = await ServerProcess.start({ ...env, PORT: String(await freePort()) });
    const storage = await openCheckStorage(env.DATABASE_URL);
    let bases = [a.base, b.base];
    const load = await startLoad({ writers: 12, subscribers: 6, bases: () => bases });
    try {
      await load.waitForAcks(150);
      const cutBefore = load.figures().cutOff;
      const confirmedBefore = load.figures().confirmedOnRetry + load.figures().replayed;
      a.kill('SIGTERM');
      const stoppedAt = Date.now();
      const exit = await a.exited;
      const drainMs = Date.now() - stoppedAt;
      bases = [b.base];
      const cutDuringShutdown = load.figures().cutOff - cutBefore;
      // A cut-off write that the server had applied shows on its retry: replayed by its Idempotency-Key (or 412, and the record holds it).
      const appliedUnanswered = load.figures().confirmedOnRetry + load.figures().replayed - confirmedBefore;
      await load.waitForAcks(load.acked().length + 100);
      await load.stopWriting();
      const head = (await storage.logBounds()).head;
      const convergeMs = await load.waitConverged(head);
      const verdict = await checkHistory({ storage, acked: load.acked(), subscribers: load.subscribers.map((subscriber) => subscriber.record) });
      const closeCodes = load.subscribers.flatMap((subscriber) => subscriber.record.closeCodes);
      const figures = load.figures();
      recordResult({
        scenario: 'Graceful shutdown (SIGTERM) of one of two processes under load',
        passed: verdict.violations.length === 0 && exit.code === 0 && appliedUnanswered === 0 && closeCodes.every((code) => code === 1001),
        acknowledged: verdict.acknowledged,
        lost: verdict.lost,
        duplicated: verdict.duplicated,
        convergeMs,
        memoryMiB: null,
        notes: `12 writers over both, 6 subscribers; exit ${exit.code ?? exit.signal} after ${drainMs} ms; ${cutDuringShutdown} requests reset ${JSON.stringify(figures.cutOffReasons)}, of which ${appliedUnanswered} had been applied, ${figures.networkErrors - figures.cutOff} refused connections; close codes ${JSON.stringify(closeCodes)}; converge: from the last write to every subscriber at the head`,
      });
      expect(verdict.violations).toEqual([]);
      expect(figures.anomalies).toEqual([]);
      expect(exit.code).toBe(0);
      expect(appliedUnanswered).toBe(0);
      expect(closeCodes.length).toBeGreaterThan(0);
      expect(closeCodes.every((code) => code === 1001)).toBe(true);
      expect(b.unexpectedExits).toEqual([]);
    } finally {
      await load.close();
      await Promise.all([a.stop(), b.stop()]);
      await storage.close();
    }
  });
});
