import { HEADERS, RECONCILE_PATH, reconcileResponseSchema, type ReconcileRequest } from '@syncline/protocol';
import { check, checkEqual, parseAs, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { expectProblem, expectStatus, http } from '../http-probe.js';
import { asItem, COLLECTION, createItem, patchItem, recordEtag } from './items.js';

/** `POST /_reconcile` (§4.9). */
export const reconcileCases: readonly ConformanceCase[] = [
  {
    name: 'POST /_reconcile answers each entry in order: 304 for a current ETag, 200 with the record for an old one or null, 404 for a deleted record; seq is syncline-seq',
    section: '§4.9',
    group: 'http',
    needs: 'reconcile',
    async run(context) {
      const title = `reconcile ${context.tag}`;
      const current = await createItem(context, title);
      const stale = await createItem(context, title);
      const changed = await patchItem(context, stale.id, { done: true });
      const gone = await createItem(context, title);
      expectStatus(await http(context, 'DELETE', `${COLLECTION}/${gone.id}`), 204, 'DELETE of the record to be gone');
      const unknown = await createItem(context, title);
      const request: ReconcileRequest = {
        entries: [
          { uri: `${COLLECTION}/${current.id}`, etag: recordEtag(current.version) },
          { uri: `${COLLECTION}/${stale.id}`, etag: recordEtag(stale.version) },
          { uri: `${COLLECTION}/${gone.id}`, etag: recordEtag(gone.version) },
          { uri: `${COLLECTION}/${unknown.id}`, etag: null },
        ],
      };
      const answer = await http(context, 'POST', RECONCILE_PATH, { body: request });
      expectStatus(answer, 200, `POST ${RECONCILE_PATH}`);
      const reconciled = parseAs(reconcileResponseSchema, answer.body, 'the reconcile answer');
      checkEqual(answer.headers[HEADERS.seq], String(reconciled.seq), `the ${HEADERS.seq} header (the body's seq)`);
      check(reconciled.seq >= unknown.version, `seq ${reconciled.seq} is before the last write (${unknown.version})`);
      checkEqual(show(reconciled.entries.map((entry) => [entry.uri, entry.status])), show(request.entries.map((entry, index) => [entry.uri, [304, 200, 404, 200][index]])), 'the answers, in the order of the entries');
      const [fresh, updated, , created] = reconciled.entries;
      checkEqual(fresh?.status === 304 ? fresh.etag : undefined, recordEtag(current.version), 'the 304 answer\'s etag');
      check(updated?.status === 200 && created?.status === 200, 'the 200 answers');
      checkEqual(updated.etag, recordEtag(changed.version), 'the 200 answer\'s etag (the current one)');
      checkEqual(asItem(updated.body, 'the 200 answer\'s body').done, true, 'the 200 answer\'s record (as GET shows it)');
      checkEqual(created.etag, recordEtag(unknown.version), 'the etag answered for a null entry');
      checkEqual(asItem(created.body, 'the body answered for a null entry').id, unknown.id, 'the record answered for a null entry');
    },
  },
  {
    name: 'a reconcile body that is not {"entries": [{"uri", "etag"}]} is 422 validation-failed, and one with a query string is 400',
    section: '§4.9',
    group: 'http',
    needs: 'reconcile',
    async run(context) {
      const answer = await http(context, 'POST', RECONCILE_PATH, { body: { entries: [{ uri: 'conformance-items', etag: 7 }] } });
      const problem = expectProblem(answer, 422, 'validation-failed', 'a reconcile entry with a relative URI and a numeric ETag');
      check((problem.errors ?? []).length > 0, `the problem names no path in errors: ${show(problem)}`);
      expectProblem(await http(context, 'POST', `${RECONCILE_PATH}?x=1`, { body: { entries: [] } }), 400, 'bad-request', `POST ${RECONCILE_PATH}?x=1`);
    },
  },
];
