import { check, checkEqual, show } from '../check.js';
import { ConformanceFailure } from '../conformance-failure.js';
import type { ClientCase } from './client-case.js';
import { problem, recordAnswer } from './scripted-answers.js';
import { etagOf, recordId, recordUri, ScriptedFeed, scriptedRecord } from './scripted-records.js';

const TARGET = recordId(0);

/** What a `patch` adapter prints once its write is settled. */
type Outcome = 'ok' | 'conflict' | 'error';

function outcomeOf(line: unknown): Outcome | undefined {
  const value = typeof line === 'object' && line !== null && 'outcome' in line ? line.outcome : undefined;
  return value === 'ok' || value === 'conflict' || value === 'error' ? value : undefined;
}

export const conflictCase: ClientCase = {
  id: 'conflict',
  name: 'a PATCH with If-Match answered 412 (another writer came first) is reported as a conflict, not retried over the newer version',
  section: '§2.2, §4.3, §4.4',
  task: 'patch',
  record: recordUri(TARGET),
  limitMs: 40_000,
  setup: () => ({
    feed: new ScriptedFeed([scriptedRecord(0, 3)], 3),
    write(request, feed) {
      const current = feed.get(TARGET);
      if (request.method !== 'PATCH' || request.resource !== recordUri(TARGET) || current === undefined) {
        return problem({ status: 405, code: 'method-not-allowed', title: 'Method not allowed', detail: `This case expects PATCH ${recordUri(TARGET)}.`, headers: { allow: 'GET, HEAD, PATCH' } });
      }
      const ifMatch = request.headers['if-match'];
      if (current.version === 3) {
        // Another writer got there first: the client's If-Match ("3") is now stale.
        const moved = scriptedRecord(0, 4);
        feed.append('update', TARGET, moved);
        return problem({ status: 412, code: 'precondition-failed', title: 'Precondition failed', detail: `If-Match failed: the current ETag is ${etagOf(moved)}.`, headers: { etag: etagOf(moved) } });
      }
      if (ifMatch !== etagOf(current)) return problem({ status: 412, code: 'precondition-failed', title: 'Precondition failed', detail: `If-Match failed: the current ETag is ${etagOf(current)}.`, headers: { etag: etagOf(current) } });
      const patched = { ...scriptedRecord(0, feed.head + 1), done: true };
      feed.append('update', TARGET, patched);
      return recordAnswer(feed, patched);
    },
  }),
  async run(context) {
    const { server, adapter } = context;
    const outcome = await server.signal.until(
      () => {
        const found = adapter.lines.map(outcomeOf).find((value) => value !== undefined);
        if (found === undefined && adapter.exit !== undefined) throw new ConformanceFailure('error', `the adapter exited (code ${String(adapter.exit.code)}) without printing {"outcome": …}; stderr: ${adapter.stderrTail() || '(empty)'}`);
        return found;
      },
      context.startMs,
      'the adapter to print {"outcome": "ok" | "conflict" | "error"}',
    );
    const [write, ...more] = server.writes;
    check(write !== undefined, 'the adapter printed an outcome without sending a write');
    checkEqual(write.method, 'PATCH', 'the method of the write');
    checkEqual(write.headers['if-match'], '"3"', 'the If-Match of the PATCH (the ETag the GET answered)');
    const body = write.body;
    check(typeof body === 'object' && body !== null && (body as Record<string, unknown>).done === true, `the PATCH's body is the merge patch {"done": true}, got ${show(body)}`);
    check(more.length === 0, `after the 412 the client sent ${more.length} more write(s) (${more.map((request) => `If-Match ${request.headers['if-match'] ?? 'none'}`).join(', ')}): a conflict is reported to the caller, not overwritten`);
    checkEqual(outcome, 'conflict', 'the outcome the adapter printed after a 412');
  },
};
