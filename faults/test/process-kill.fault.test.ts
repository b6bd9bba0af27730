import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkHistory } from '../src/history.js';
import { commitSizes, dropSchema, openCheckStorage, postgresAnswers, SHARED_POSTGRES_URL, trackCommits, uniqueSchema } from '../src/check-storage.js';
import { delay, freePort } from '../src/free-port.js';
import { recordResult, mustRunEverything } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { startLoad } from '../src/write-load.js';

// Scenario 1: a server process killed with SIGKILL under write load from many clients, then
// started again on the same port. Every acknowledged write must be in the database, every
// subscriber must resume (not reset) and reach the log's head with no gap and no duplicate.
// On PostgreSQL, 64 writers keep group commit's batches full, so the kill lands while a
// batch of many writes is in flight: none of its writes was acknowledged before its COMMIT.
const dir = mkdtempSync(join(tmpdir(), 'syncline-faults-kill-'));
const schemas: string[] = [];
const postgresUp = await postgresAnswers(SHARED_POSTGRES_URL);
if (!postgresUp && mustRunEverything()) throw new Error(`PostgreSQL is required in CI but does not answer at ${SHARED_POSTGRES_URL}`);
if (!postgresUp) console.warn(`[faults] skipping the PostgreSQL SIGKILL scenario: nothing answers at ${SHARED_POSTGRES_URL}`);

afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  for (const schema of schemas) await dropSchema(SHARED_POSTGRES_URL, schema);
});

async function killUnderLoad(name: string, databaseUrl: string, schema?: string): Promise<void> {
  const writers = schema ? 64 : 16;
  const server = await ServerProcess.start({ DATABASE_URL: databaseUrl, PORT: String(await freePort()), ...(schema ? { FAULT_SCHEMA: schema } : {}) });
  if (schema) await trackCommits(databaseUrl, schema);
  const load = await startLoad({ writers, subscribers: 8, bases: () => [server.base] });
  const storage = await openCheckStorage(databaseUrl, schema);
  try {
    await load.waitForAcks(200);
    const ackedBeforeKill = load.acked().length;
    const resumes = load.resumeCounts();
    server.kill('SIGKILL');
    await server.exited;
    await delay(300);
    await server.restart();
    const headAtRestart = (await storage.logBounds()).head;
    const resumedMs = await load.waitResumed(resumes, headAtRestart);
    await load.waitForAcks(ackedBeforeKill + 200);
    await load.stopWriting();
    const head = (await storage.logBounds()).head;
    await load.waitConverged(head);
    const verdict = await checkHistory({ storage, acked: load.acked(), subscribers: load.subscribers.map((subscriber) => subscriber.record) });
    const figures = load.figures();
    const rss = await server.rss();
    const commits = schema ? await commitSizes(databaseUrl, schema) : undefined;
    recordResult({
      scenario: name,
      passed: verdict.violations.length === 0 && figures.anomalies.length === 0,
      acknowledged: verdict.acknowledged,
      lost: verdict.lost,
      duplicated: verdict.duplicated,
      convergeMs: resumedMs,
      memoryMiB: rss === undefined ? null : Math.round(rss / 2 ** 20),
      notes: `${writers} writers, 8 subscribers${commits ? ` (group commit: ${commits.batched} commits of several writes, up to ${commits.largest})` : ''}; ${figures.networkErrors} attempts unanswered, ${figures.replayed + figures.confirmedOnRetry} applied before their answer was lost (answered on retry: ${figures.replayed} replayed by Idempotency-Key, ${figures.confirmedOnRetry} by 412 and a read); ${load.subscribers.reduce((sum, s) => sum + s.record.resumes, 0)} resumes`,
    });
    expect(verdict.violations).toEqual([]);
    expect(figures.anomalies).toEqual([]);
    expect(figures.serverErrors).toEqual([]);
    expect(load.subscribers.every((subscriber) => subscriber.record.resumes >= 1)).toBe(true);
    expect(server.unexpectedExits).toEqual([]);
    // The writes were batched indeed: the kill met group commit, not one commit per write.
    if (commits) expect(commits.largest).toBeGreaterThan(1);
  } finally {
    await load.close();
    await server.stop();
    await storage.close();
  }
}

describe('SIGKILL of a server process under write load', () => {
  it('SQLite file: nothing acknowledged is lost, subscribers resume gapless', async () => {
    await killUnderLoad('SIGKILL under load, SQLite file', `sqlite:${join(dir, 'kill.db')}`);
  });

  it.skipIf(!postgresUp)('PostgreSQL: nothing acknowledged is lost, subscribers resume gapless', async () => {
    const schema = uniqueSchema();
    schemas.push(schema);
    await killUnderLoad('SIGKILL under load, PostgreSQL', SHARED_POSTGRES_URL, schema);
  });
});
