import { IDEMPOTENCY_HEADERS } from '@syncline/protocol';
import { checkEqual, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { expectProblem, expectStatus, http } from '../http-probe.js';
import { SocketProbe } from '../socket-probe.js';
import { asItem, asPage, COLLECTION, titled } from './items.js';

/** `Idempotency-Key` on writes (§4.8). */
export const idempotencyCases: readonly ConformanceCase[] = [
  {
    name: 'a POST retried with the same Idempotency-Key replays its 201 (idempotency-replayed: true), on HTTP and the socket, and creates one record',
    section: '§4.8',
    group: 'http',
    needs: 'idempotency',
    async run(context) {
      const title = `idempotent ${context.tag}`;
      const key = `conformance-${context.tag}`;
      const call = { headers: { [IDEMPOTENCY_HEADERS.key]: `"${key}"` }, body: { title, done: false } };
      const first = await http(context, 'POST', COLLECTION, call);
      expectStatus(first, 201, 'the first POST');
      const created = asItem(first.body, 'the first POST');
      checkEqual(first.headers[IDEMPOTENCY_HEADERS.replayed], undefined, `${IDEMPOTENCY_HEADERS.replayed} on the first answer`);
      const retry = await http(context, 'POST', COLLECTION, call);
      expectStatus(retry, 201, 'the retried POST');
      checkEqual(retry.headers[IDEMPOTENCY_HEADERS.replayed], 'true', `${IDEMPOTENCY_HEADERS.replayed} on the retry`);
      checkEqual(asItem(retry.body, 'the retried POST').id, created.id, 'the id the retry answers');
      checkEqual(retry.headers['location'], first.headers['location'], 'the retry\'s Location');
      checkEqual(retry.headers['etag'], first.headers['etag'], 'the retry\'s ETag');
      // The same key and request on the socket: the transport does not matter.
      const socket = await SocketProbe.open(context);
      const overSocket = await socket.request('POST', COLLECTION, { id: 'retry', headers: { [IDEMPOTENCY_HEADERS.key]: key }, body: { done: false, title } });
      checkEqual(overSocket.status, 201, 'the retry on the socket');
      checkEqual(overSocket.headers[IDEMPOTENCY_HEADERS.replayed], 'true', `${IDEMPOTENCY_HEADERS.replayed} on the socket`);
      checkEqual(asItem(overSocket.body, 'the retry on the socket').id, created.id, 'the id the socket\'s retry answers');
      const all = await http(context, 'GET', titled(title));
      expectStatus(all, 200, 'GET of the records with the title');
      checkEqual(show(asPage(all.body, 'the records with the title').items.map((item) => item.id)), show([created.id]), 'the records created by three requests with one key');
    },
  },
  {
    name: 'the same Idempotency-Key with another body is 422 idempotency-key-reused and writes nothing; a malformed key is 400',
    section: '§4.8',
    group: 'http',
    needs: 'idempotency',
    async run(context) {
      const title = `reused ${context.tag}`;
      const key = `conformance-${context.tag}`;
      expectStatus(await http(context, 'POST', COLLECTION, { headers: { [IDEMPOTENCY_HEADERS.key]: key }, body: { title } }), 201, 'the first POST');
      const other = await http(context, 'POST', COLLECTION, { headers: { [IDEMPOTENCY_HEADERS.key]: key }, body: { title: `${title} other` } });
      expectProblem(other, 422, 'idempotency-key-reused', 'the same key with another body');
      const written = await http(context, 'GET', titled(`${title} other`));
      checkEqual(asPage(written.body, 'the records with the other title').items.length, 0, 'records written by the refused request');
      const malformed = await http(context, 'POST', COLLECTION, { headers: { [IDEMPOTENCY_HEADERS.key]: 'k'.repeat(256) }, body: { title } });
      expectProblem(malformed, 400, 'bad-request', 'a key of 256 characters');
    },
  },
];
