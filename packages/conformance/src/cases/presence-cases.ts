import { presenceSetSchema, presenceUri, type PresenceAnnounce } from '@syncline/protocol';
import { check, checkEqual, parseAs, show } from '../check.js';
import type { CaseContext, ConformanceCase } from '../case-runner.js';
import { expectProblem, expectProblemBody, expectStatus, http } from '../http-probe.js';
import { SocketProbe } from '../socket-probe.js';
import { COLLECTION, createItem } from './items.js';

/** Announces `body` at `uri` on `socket` and checks the 204 (§11.1). */
async function announce(socket: SocketProbe, id: string, uri: string, body: PresenceAnnounce): Promise<void> {
  const answer = await socket.request('PUT', uri, { id, body });
  checkEqual(answer.status, 204, `PUT ${uri} ${show(body)}`);
}

/** A fixture record's presence URI, for a record only this case knows. */
async function freshPresence(context: CaseContext): Promise<string> {
  const item = await createItem(context, `presence ${context.tag}`);
  return presenceUri(`${COLLECTION}/${item.id}`);
}

/** Presence (§11). */
export const presenceCases: readonly ConformanceCase[] = [
  {
    name: 'a presence SUBSCRIBE answers the members; another connection\'s PUT, PUT and DELETE arrive as join, update and leave',
    section: '§11.1, §11.2',
    group: 'socket',
    needs: 'presence',
    async run(context) {
      const uri = await freshPresence(context);
      const watcher = await SocketProbe.open(context);
      const subscribed = await watcher.request('SUBSCRIBE', uri, { id: 'p1' });
      checkEqual(subscribed.status, 200, `SUBSCRIBE ${uri}`);
      checkEqual(show(parseAs(presenceSetSchema, subscribed.body, 'the presence SUBSCRIBE answer').members), show([]), 'the members of a record nobody announced at');
      const member = await SocketProbe.open(context);
      await announce(member, 'a1', uri, { state: 'viewing' });
      await announce(member, 'a2', uri, { state: 'editing', data: { field: 'title' } });
      const gone = await member.request('DELETE', uri, { id: 'a3' });
      checkEqual(gone.status, 204, `DELETE ${uri}`);
      const events = await watcher.presenceEventsFor('p1', 3);
      checkEqual(show(events.map((event) => [event.op, event.resource, event.member.user, event.member.state, event.member.data])), show([
        ['join', uri, null, 'viewing', {}],
        ['update', uri, null, 'editing', { field: 'title' }],
        ['leave', uri, null, 'editing', { field: 'title' }],
      ]), 'the presence events (op, resource, user, state, data)');
      const connection = events[0]?.member.connection;
      check(typeof connection === 'string' && connection !== '', `an anonymous member has no connection id: ${show(events[0])}`);
      check(events.every((event) => event.member.connection === connection), `the member's connection id changed: ${show(events.map((event) => event.member.connection))}`);
    },
  },
  {
    name: 'a presence announcement that is not {"state": <word>, "data"?: <object>} is 422 validation-failed',
    section: '§11.1',
    group: 'socket',
    needs: 'presence',
    async run(context) {
      const uri = await freshPresence(context);
      const socket = await SocketProbe.open(context);
      for (const [id, body] of [['n1', { state: 7 }], ['n2', { state: 'Editing!' }], ['n3', { state: 'viewing', data: [] }], ['n4', { state: 'viewing', mood: 'happy' }]] as const) {
        const answer = await socket.request('PUT', uri, { id, body });
        checkEqual(answer.status, 422, `PUT ${uri} ${show(body)}`);
        expectProblemBody(answer.body, 422, 'validation-failed', `the announcement ${show(body)}`);
      }
    },
  },
  {
    name: 'GET <uri>/presence over HTTP answers {"members"} with Cache-Control: no-cache; PUT is 405 with Allow; a missing record\'s presence is 404',
    section: '§11.3',
    group: 'http',
    needs: 'presence',
    async run(context) {
      const uri = await freshPresence(context);
      const member = await SocketProbe.open(context);
      await announce(member, 'a1', uri, { state: 'viewing', data: { page: 1 } });
      const answer = await http(context, 'GET', uri);
      expectStatus(answer, 200, `GET ${uri}`);
      check((answer.headers['cache-control'] ?? '').includes('no-cache'), `cache-control is ${show(answer.headers['cache-control'])}`);
      const { members } = parseAs(presenceSetSchema, answer.body, `GET ${uri}`);
      checkEqual(show(members.map((entry) => [entry.user, entry.state, entry.data])), show([[null, 'viewing', { page: 1 }]]), 'the members (user, state, data)');
      const put = await http(context, 'PUT', uri, { body: { state: 'viewing' } });
      expectProblem(put, 405, 'method-not-allowed', `PUT ${uri} over HTTP`);
      checkEqual(put.headers['allow'], 'GET, HEAD, OPTIONS', 'Allow');
      const missing = presenceUri(`${COLLECTION}/01a2080b-10ae-717b-91b6-aea2c22c619f`);
      expectProblem(await http(context, 'GET', missing), 404, 'not-found', `GET ${missing}`);
    },
  },
];

