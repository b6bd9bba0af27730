import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clientCases, formatResult, runClientConformance } from '../src/index.js';

const naiveAdapter = `"${process.execPath}" "${resolve(import.meta.dirname, 'fixtures/naive-adapter.mjs')}"`;

describe('the client suite', () => {
  it('fails a client without backoff, resume (socket and event stream) or heartbeat watchdog on exactly those cases, and passes it on the rest', async () => {
    const report = await runClientConformance({ command: naiveAdapter, waitMs: 3_000 });
    const failed = report.results.filter((result) => !result.passed);
    expect(failed.map((result) => result.name.split(':')[0]).sort()).toEqual(['backoff', 'close-4406', 'event-stream', 'heartbeat', 'resume']);
    const reasons = Object.fromEntries(failed.map((result) => [result.name.split(':')[0], result]));
    expect(reasons['resume']).toMatchObject({ code: 'mismatch', reason: expect.stringContaining('last-event-id') });
    expect(reasons['backoff']).toMatchObject({ code: 'mismatch', reason: expect.stringContaining('does not back off') });
    expect(reasons['close-4406']).toMatchObject({ code: 'mismatch', reason: expect.stringContaining('MUST NOT reconnect') });
    expect(reasons['heartbeat']).toMatchObject({ code: 'timeout', reason: expect.stringContaining('stayed open') });
    expect(reasons['event-stream']).toMatchObject({ code: 'mismatch', reason: expect.stringContaining('Last-Event-ID') });
    expect(report.results.filter((result) => result.passed).map(formatResult)).toHaveLength(clientCases.length - 5);
  }, 120_000);

  it('fails a case, not the run, when the adapter prints something that is not JSON', async () => {
    const report = await runClientConformance({ command: `echo not-json; sleep 5`, cases: ['subscribe'], waitMs: 1_000, startMs: 3_000 });
    expect(report.results).toEqual([expect.objectContaining({ passed: false, code: 'error', reason: expect.stringContaining('not JSON') })]);
  }, 30_000);

  it.each([
    { fault: 'merge-reset', failing: 'reset', code: 'mismatch', reason: 'the fresh snapshot of the reset answer' },
    { fault: 'retry-412', failing: 'conflict', code: 'mismatch', reason: 'not overwritten' },
    { fault: 'no-subprotocol', failing: 'subscribe', code: 'invalid-message', reason: 'did not offer the subprotocol syncline.1' },
    { fault: 'invalid-frame', failing: 'subscribe', code: 'invalid-message', reason: 'not a valid request' },
  ])('fails the $failing case of a client with the fault $fault', async ({ fault, failing, code, reason }) => {
    const report = await runClientConformance({ command: `NAIVE_FAULT=${fault} ${naiveAdapter}`, cases: [failing], waitMs: 3_000 });
    expect(report.results).toEqual([expect.objectContaining({ passed: false, code, reason: expect.stringContaining(reason) })]);
  }, 30_000);
});
