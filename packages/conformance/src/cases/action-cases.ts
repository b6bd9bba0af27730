import { check, checkEqual, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { FIXTURE_ACTION } from '../fixture.js';
import { expectProblem, expectStatus, http } from '../http-probe.js';
import { SocketProbe } from '../socket-probe.js';
import { asItem, COLLECTION, createItem, recordEtag } from './items.js';

/** Custom actions (§4.7), with the fixture's `mark`. */
export const actionCases: readonly ConformanceCase[] = [
  {
    name: 'POST <record>/mark runs the action: 200 with the record and its ETag, over HTTP and the socket; OPTIONS names it in Syncline-Actions',
    section: '§4.7',
    group: 'http',
    needs: 'actions',
    async run(context) {
      const item = await createItem(context, `action ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}`;
      const options = await http(context, 'OPTIONS', uri);
      expectStatus(options, 204, `OPTIONS ${uri}`);
      const named = (options.headers['syncline-actions'] ?? '').split(',').map((name) => name.trim());
      check(named.includes(FIXTURE_ACTION), `Syncline-Actions does not name ${FIXTURE_ACTION}: ${show(options.headers['syncline-actions'])}`);
      const answer = await http(context, 'POST', `${uri}/${FIXTURE_ACTION}`, { body: { done: true } });
      expectStatus(answer, 200, `POST ${uri}/${FIXTURE_ACTION}`);
      const marked = asItem(answer.body, 'the action\'s answer');
      checkEqual(marked.id, item.id, 'the record answered');
      checkEqual(marked.done, true, 'done after the action');
      check(marked.version > item.version, `the version did not move: ${item.version} → ${marked.version}`);
      checkEqual(answer.headers['etag'], recordEtag(marked.version), 'the answer\'s ETag');
      const socket = await SocketProbe.open(context);
      const overSocket = await socket.request('POST', `${uri}/${FIXTURE_ACTION}`, { id: 'mark', body: { done: false } });
      checkEqual(overSocket.status, 200, 'the action on the socket');
      checkEqual(asItem(overSocket.body, 'the socket\'s answer').done, false, 'done after the action on the socket');
      const read = await http(context, 'GET', uri);
      checkEqual(asItem(read.body, `GET ${uri}`).done, false, 'done as GET reads it');
    },
  },
  {
    name: 'an action\'s input is checked (422 validation-failed, unknown members refused); GET on it is 405 with Allow: POST, OPTIONS; an unknown action is 404',
    section: '§4.7',
    group: 'http',
    needs: 'actions',
    async run(context) {
      const item = await createItem(context, `action-errors ${context.tag}`);
      const uri = `${COLLECTION}/${item.id}/${FIXTURE_ACTION}`;
      const wrongType = expectProblem(await http(context, 'POST', uri, { body: { done: 'yes' } }), 422, 'validation-failed', 'an input of the wrong type');
      check((wrongType.errors ?? []).some((error) => show(error.path) === show(['done'])), `errors do not name ["done"]: ${show(wrongType.errors)}`);
      const extra = expectProblem(await http(context, 'POST', uri, { body: { done: true, colour: 'red' } }), 422, 'validation-failed', 'an input with an unknown member');
      check((extra.errors ?? []).some((error) => show(error.path) === show(['colour'])), `errors do not name ["colour"]: ${show(extra.errors)}`);
      const read = await http(context, 'GET', `${COLLECTION}/${item.id}`);
      checkEqual(asItem(read.body, 'the record after refused actions').version, item.version, 'the version after refused actions');
      const get = await http(context, 'GET', uri);
      expectProblem(get, 405, 'method-not-allowed', `GET ${uri}`);
      checkEqual(get.headers['allow'], 'POST, OPTIONS', 'Allow');
      expectProblem(await http(context, 'POST', `${COLLECTION}/${item.id}/no-such-action`, { body: {} }), 404, 'not-found', 'an unknown action');
    },
  },
];
