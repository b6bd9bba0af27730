import { helloEventSchema, PROTOCOL_MAJOR, protocolMajor, SUBPROTOCOL } from '@syncline/protocol';
import { check, checkEqual, pause, recordEtag, show } from '../check.js';
import type { ConformanceCase } from '../case-runner.js';
import { expectProblemBody } from '../http-probe.js';
import { SocketProbe, upgradeStatus } from '../socket-probe.js';
import { asItem, asPage, COLLECTION, createItem, patchItem, titled } from './items.js';

/** How long a case listens for an event that must not come, after a later event on the same socket arrived. */
const QUIET_MS = 200;

/** The socket: handshake, requests, subscriptions, resume, errors and limits (§1–§3, §5–§7, §9). */
export const socketCases: readonly ConformanceCase[] = [
  {
    name: 'the handshake selects syncline.1, and hello is the first frame',
    section: '§1, §2.3',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      checkEqual(socket.socket.protocol, SUBPROTOCOL, 'the selected subprotocol');
      const first = await socket.waitFor(() => true, 'the first frame');
      const hello = helloEventSchema.safeParse(first);
      check(hello.success, `the first frame is not hello: ${show(first)}`);
      // §1: the version this connection speaks shares the offered major, inside the server's range.
      checkEqual(protocolMajor(hello.data.protocol.version), PROTOCOL_MAJOR, 'the major of hello.protocol.version');
      check(protocolMajor(hello.data.protocol.min)! <= PROTOCOL_MAJOR && PROTOCOL_MAJOR <= protocolMajor(hello.data.protocol.max)!, `hello.protocol's range ${show(hello.data.protocol)} holds major ${PROTOCOL_MAJOR}`);
    },
  },
  {
    name: 'a handshake offering other subprotocols but not syncline.1 is refused with HTTP 400',
    section: '§1',
    group: 'socket',
    async run(context) {
      checkEqual(await upgradeStatus(context, ['chat.v2']), 400, 'the upgrade status');
    },
  },
  {
    name: 'responses carry their request ids, compared by string form; a socket request answers as HTTP does',
    section: '§3, §5',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      const item = await createItem(context, `ids ${context.tag}`);
      const from = socket.frames.length;
      socket.send({ id: 7, method: 'GET', resource: `${COLLECTION}/${item.id}` });
      socket.send({ id: 'create', method: 'POST', resource: COLLECTION, body: { title: `socket ${context.tag}` } });
      const read = await socket.responseTo(7, from);
      checkEqual(read.id, 7, 'the id of the GET\'s response (an integer stays an integer)');
      checkEqual(read.status, 200, 'GET status');
      checkEqual(read.headers['etag'], recordEtag(item.version), 'GET etag');
      checkEqual(asItem(read.body, 'the GET body').id, item.id, 'the record read');
      const created = await socket.responseTo('create', from);
      checkEqual(created.status, 201, 'POST status');
      const record = asItem(created.body, 'the POST body');
      checkEqual(created.headers['location'], `${COLLECTION}/${record.id}`, 'location');
      checkEqual(created.headers['etag'], recordEtag(record.version), 'etag');
    },
  },
  {
    name: 'an id in use by a live subscription is refused with 409 conflict, and the request is not run',
    section: '§3',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      const subscribed = await socket.request('SUBSCRIBE', titled(`busy ${context.tag}`), { id: 'busy' });
      checkEqual(subscribed.status, 200, 'SUBSCRIBE status');
      const reused = await socket.request('POST', COLLECTION, { id: 'busy', body: { title: `busy ${context.tag}` } });
      checkEqual(reused.status, 409, 'the status of a request reusing a subscription id');
      expectProblemBody(reused.body, 409, 'conflict', 'the reused id');
      await pause(QUIET_MS);
      check(socket.changes('busy').length === 0, `the refused POST ran: ${show(socket.changes('busy'))}`);
    },
  },
  {
    name: 'SUBSCRIBE on a collection answers the GET snapshot, then enter, update and leave with increasing seq',
    section: '§2.5, §6.1, §7',
    group: 'socket',
    async run(context) {
      const title = `live ${context.tag}`;
      const before = await createItem(context, title);
      const socket = await SocketProbe.open(context);
      const answer = await socket.request('SUBSCRIBE', titled(title), { id: 's1' });
      checkEqual(answer.status, 200, 'SUBSCRIBE status');
      const seq = Number(answer.headers['syncline-seq']);
      check(Number.isSafeInteger(seq) && seq >= before.version, `syncline-seq ${show(answer.headers['syncline-seq'])} is not at or after ${before.version}`);
      check(answer.headers['etag'] !== undefined, 'the SUBSCRIBE answer has no etag');
      const { items } = asPage(answer.body, 'the SUBSCRIBE answer');
      checkEqual(JSON.stringify(items.map((item) => item.id)), JSON.stringify([before.id]), 'the snapshot\'s ids');
      const added = await createItem(context, title);
      const changed = await patchItem(context, added.id, { done: true });
      await patchItem(context, before.id, { title: `gone ${context.tag}` });
      const events = await socket.changesFor('s1', 3);
      checkEqual(JSON.stringify(events.map((event) => [event.op, event.resource])), JSON.stringify([['enter', `${COLLECTION}/${added.id}`], ['update', `${COLLECTION}/${added.id}`], ['leave', `${COLLECTION}/${before.id}`]]), 'the ops and resources');
      for (const [index, event] of events.entries()) {
        check(event.seq > (events[index - 1]?.seq ?? seq), `seq does not increase past the snapshot: ${show(events.map((e) => e.seq))} after ${seq}`);
      }
      checkEqual(events[1]?.etag, recordEtag(changed.version), 'the update\'s etag');
      checkEqual(events[1]?.seq, changed.version, 'the update\'s seq (the record\'s version)');
      checkEqual(JSON.stringify(events[1]?.body), JSON.stringify(changed), 'the update\'s whole representation');
      check(events[2]?.etag === null && events[2]?.body === null, `leave carries a body or an etag: ${show(events[2])}`);
    },
  },
  {
    name: 'SUBSCRIBE on a record follows it through update and delete; a missing record is 404 and opens nothing',
    section: '§2.5, §6.1',
    group: 'socket',
    async run(context) {
      const item = await createItem(context, `record ${context.tag}`);
      const socket = await SocketProbe.open(context);
      const missing = await socket.request('SUBSCRIBE', `${COLLECTION}/missing-${context.tag}`, { id: 'gone' });
      checkEqual(missing.status, 404, 'SUBSCRIBE of a missing record');
      expectProblemBody(missing.body, 404, 'not-found', 'SUBSCRIBE of a missing record');
      const answer = await socket.request('SUBSCRIBE', `${COLLECTION}/${item.id}`, { id: 'r' });
      checkEqual(answer.status, 200, 'SUBSCRIBE status');
      checkEqual(answer.headers['etag'], recordEtag(item.version), 'the snapshot\'s etag');
      await patchItem(context, item.id, { done: true });
      await fetch(`${context.baseUrl}${COLLECTION}/${item.id}`, { method: 'DELETE' });
      const events = await socket.changesFor('r', 2);
      checkEqual(JSON.stringify(events.map((event) => event.op)), JSON.stringify(['update', 'delete']), 'the ops');
      check(events[1]?.body === null && events[1]?.etag === null, `delete carries a body: ${show(events[1])}`);
      const reused = await socket.request('GET', COLLECTION + '?limit=1', { id: 'gone' });
      checkEqual(reused.status, 200, 'a request reusing the id of the failed SUBSCRIBE (it was freed)');
    },
  },
  {
    name: 'UNSUBSCRIBE answers 204 and no event follows; without the header it is 400, for an unknown id 404',
    section: '§6.3',
    group: 'socket',
    async run(context) {
      const title = `unsub ${context.tag}`;
      const socket = await SocketProbe.open(context);
      await socket.request('SUBSCRIBE', titled(title), { id: 'old' });
      await socket.request('SUBSCRIBE', COLLECTION + `?title=${encodeURIComponent(title)}&done=false`, { id: 'witness' });
      const answer = await socket.request('UNSUBSCRIBE', COLLECTION, { id: 'u1', headers: { 'syncline-subscription': 'old' } });
      checkEqual(answer.status, 204, 'UNSUBSCRIBE status');
      check(answer.body === undefined, `the 204 has a body: ${show(answer.body)}`);
      await createItem(context, title);
      await socket.changesFor('witness', 1);
      await pause(QUIET_MS);
      checkEqual(socket.changes('old').length, 0, 'events after UNSUBSCRIBE');
      checkEqual((await socket.request('UNSUBSCRIBE', COLLECTION, { id: 'u2' })).status, 400, 'UNSUBSCRIBE without syncline-subscription');
      checkEqual((await socket.request('UNSUBSCRIBE', COLLECTION, { id: 'u3', headers: { 'syncline-subscription': 'old' } })).status, 404, 'UNSUBSCRIBE of an ended subscription');
    },
  },
  {
    name: 'resuming with last-event-id answers resumed with no body, then exactly the missed changes',
    section: '§6.2, §7',
    group: 'socket',
    async run(context) {
      const title = `resume ${context.tag}`;
      const first = await SocketProbe.open(context);
      await first.request('SUBSCRIBE', titled(title), { id: 's' });
      const a = await createItem(context, title);
      const [seen] = await first.changesFor('s', 1);
      await first.close();
      const changed = await patchItem(context, a.id, { done: true });
      const b = await createItem(context, title);
      const second = await SocketProbe.open(context);
      const answer = await second.request('SUBSCRIBE', titled(title), { id: 's', headers: { 'last-event-id': String(seen?.seq) } });
      checkEqual(answer.status, 200, 'status');
      checkEqual(answer.headers['syncline-resume'], 'resumed', 'syncline-resume');
      checkEqual(answer.headers['syncline-seq'], String(seen?.seq), 'syncline-seq (the given position)');
      check(answer.body === undefined, `a resumed answer has a body: ${show(answer.body)}`);
      const missed = await second.changesFor('s', 2);
      checkEqual(JSON.stringify(missed.map((event) => [event.op, event.seq])), JSON.stringify([['update', changed.version], ['enter', b.version]]), 'the missed changes');
      await pause(QUIET_MS);
      checkEqual(second.changes('s').length, 2, 'changes after the resume (a repeat?)');
    },
  },
  {
    name: 'a last-event-id that is not a non-negative integer is 400 bad-request',
    section: '§6.2',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      const answer = await socket.request('SUBSCRIBE', COLLECTION, { id: 'bad', headers: { 'last-event-id': 'yesterday' } });
      checkEqual(answer.status, 400, 'status');
      expectProblemBody(answer.body, 400, 'bad-request', 'last-event-id "yesterday"');
    },
  },
  {
    name: 'a frame that is not JSON gets an error event invalid-json; a binary frame, invalid-frame; the socket stays open',
    section: '§1, §2.6',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      socket.send('not json');
      await socket.waitFor(() => socket.errorEvents().length >= 1, 'an error event');
      expectProblemBody(socket.errorEvents()[0]?.body, 400, 'invalid-json', 'the error event for a text frame that is not JSON');
      socket.send(new TextEncoder().encode('{"id":1,"method":"GET","resource":"/"}'));
      await socket.waitFor(() => socket.errorEvents().length >= 2, 'a second error event');
      expectProblemBody(socket.errorEvents()[1]?.body, 400, 'invalid-frame', 'the error event for a binary frame');
      checkEqual((await socket.request('GET', `${COLLECTION}?limit=1`, { id: 'after' })).status, 200, 'a request after the errors');
    },
  },
  {
    name: 'a JSON frame with a valid id that is not a valid request is answered with that id, 400 invalid-frame',
    section: '§2.6',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      const answer = await socket.request('FETCH', COLLECTION, { id: 'odd' });
      checkEqual(answer.status, 400, 'status');
      const problem = expectProblemBody(answer.body, 400, 'invalid-frame', 'method FETCH');
      check((problem.errors ?? []).some((error) => error.path[0] === 'method'), `errors do not name "method": ${show(problem.errors)}`);
    },
  },
  {
    name: 'after 10 malformed frames in a row, the next one closes the socket with 4400',
    section: '§9',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      for (let i = 0; i < 10; i++) socket.send(`bad ${i}`);
      await socket.waitFor(() => socket.errorEvents().length === 10, '10 error events');
      socket.send('bad 10');
      checkEqual((await socket.waitClosed('close 4400')).code, 4400, 'the close code');
    },
  },
  {
    name: 'a frame over 1 MiB closes the socket with 1009',
    section: '§9',
    group: 'socket',
    async run(context) {
      const socket = await SocketProbe.open(context);
      socket.send({ id: 'big', method: 'POST', resource: COLLECTION, body: { title: 'x'.repeat(1024 * 1024) } });
      checkEqual((await socket.waitClosed('close 1009')).code, 1009, 'the close code');
    },
  },
];
