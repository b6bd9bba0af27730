// Every surface decides visibility by the read rule of GET: a record (or a list's todos) the
// caller cannot read is answered exactly as one that does not exist, id aside. A difference
// on any surface would tell a stranger that the record exists.
import { describe, expect, it } from 'vitest';
import { createSyncline, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { LiveClient } from '../support/live-client.js';
import { SseClient } from '../support/sse-client.js';
import { sharingResources, userFromHeader } from './support/sharing-resources.js';

const MISSING = '01a2080b-0000-7000-8000-000000000000';
const json = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

interface Seen {
  readonly status: number;
  readonly headers: string;
  readonly body: string;
}

async function http(syncline: Syncline, user: string, method: string, url: string, body?: unknown): Promise<Seen> {
  const response = await syncline.handle({ method, url, headers: { 'x-user': user, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: json(body) }) });
  return { status: response.status, headers: JSON.stringify(response.headers), body: response.body ?? '' };
}

async function stream(port: number, user: string, path: string): Promise<Seen> {
  await using sse = await SseClient.open(port, path, { 'x-user': user });
  return { status: sse.status, headers: String(sse.response.headers['content-type']), body: sse.status === 200 ? 'a stream' : JSON.stringify(await sse.json()) };
}

describe('a record the caller cannot read is answered as a missing one on every surface', () => {
  it('GET, HEAD, OPTIONS, actions, reconcile, event streams and presence, over HTTP and the socket', async () => {
    const syncline = await createSyncline({ resources: sharingResources('correct').resources, storage: createSqliteStorage({ filename: ':memory:' }), context: userFromHeader, onError: () => {} });
    try {
      const { port } = await syncline.listen(0, '127.0.0.1');
      const list = JSON.parse((await http(syncline, 'ana', 'POST', '/lists', { title: 'Private' })).body).id as string;
      const todo = JSON.parse((await http(syncline, 'ana', 'POST', '/todos', { title: 'Surprise party', list })).body).id as string;
      // ana is there: a leak would show her.
      await using ana = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
      expect((await ana.request('PUT', `/todos/presence?list=${list}`, { body: { state: 'editing', data: { plan: 'Surprise party' } } })).status).toBe(204);
      expect((await ana.request('PUT', `/todos/${todo}/presence`, { body: { state: 'editing' } })).status).toBe(204);
      await using eve = await LiveClient.connect(port, { headers: { 'x-user': 'eve' } });
      const socket = async (method: string, uri: string, body?: unknown): Promise<Seen> => {
        const frame = await eve.request(method, uri, body === undefined ? {} : { body });
        return { status: frame['status'] as number, headers: JSON.stringify(frame['headers']), body: JSON.stringify(frame['body'] ?? null) };
      };
      // Each surface, asked about a hidden id and a missing one: the answers must match once the id is masked.
      const surfaces: Array<[string, (id: string, listId: string) => Promise<Seen>]> = [
        ['GET record', (id) => http(syncline, 'eve', 'GET', `/todos/${id}`)],
        ['HEAD record', (id) => http(syncline, 'eve', 'HEAD', `/todos/${id}`)],
        ['OPTIONS record', (id) => http(syncline, 'eve', 'OPTIONS', `/todos/${id}`)],
        ['OPTIONS action', (id) => http(syncline, 'eve', 'OPTIONS', `/todos/${id}/toggle`)],
        ['action over HTTP', (id) => http(syncline, 'eve', 'POST', `/todos/${id}/toggle`, {})],
        ['action allowed to the owner only', (id) => http(syncline, 'eve', 'POST', `/todos/${id}/purge`, {})],
        ['action on the socket', (id) => socket('POST', `/todos/${id}/toggle`, {})],
        ['reconcile', (id) => http(syncline, 'eve', 'POST', '/_reconcile', { entries: [{ uri: `/todos/${id}`, etag: '"2"' }] }).then((seen) => ({ ...seen, headers: '', body: seen.body.replace(/"seq":\d+/, '') }))],
        ['GET of the list\'s todos', (_id, listId) => http(syncline, 'eve', 'GET', `/todos?list=${listId}`).then((seen) => ({ ...seen, headers: '' }))],
        ['event stream of a record', (id) => stream(port, 'eve', `/todos/${id}`)],
        ['/live/events of a record', (id) => stream(port, 'eve', `/live/events?subscribe=${encodeURIComponent(`/todos/${id}`)}`)],
        ['event stream of the list\'s todos presence', (_id, listId) => stream(port, 'eve', `/todos/presence?list=${listId}`)],
        ['record presence over HTTP', (id) => http(syncline, 'eve', 'GET', `/todos/${id}/presence`)],
        ['record presence on the socket', (id) => socket('SUBSCRIBE', `/todos/${id}/presence`)],
        ['OPTIONS of record presence', (id) => socket('OPTIONS', `/todos/${id}/presence`)],
        ['the list\'s todos presence over HTTP', (_id, listId) => http(syncline, 'eve', 'GET', `/todos/presence?list=${listId}`)],
        ['joining the list\'s todos presence', (_id, listId) => socket('PUT', `/todos/presence?list=${listId}`, { state: 'viewing' })],
        ['watching the list\'s todos presence', (_id, listId) => socket('SUBSCRIBE', `/todos/presence?list=${listId}`)],
      ];
      for (const [surface, ask] of surfaces) {
        const mask = (seen: Seen, ids: readonly string[]): Seen => {
          let text = JSON.stringify(seen);
          for (const id of ids) text = text.split(id).join('<id>');
          return JSON.parse(text) as Seen;
        };
        const hidden = mask(await ask(todo, list), [todo, list]);
        const missing = mask(await ask(MISSING, MISSING), [MISSING]);
        expect(hidden, surface).toEqual(missing);
        expect(JSON.stringify(hidden), surface).not.toContain('Surprise party');
      }
      // The todo is unchanged: no refused action ran.
      expect(JSON.parse((await http(syncline, 'ana', 'GET', `/todos/${todo}`)).body)).toMatchObject({ title: 'Surprise party', done: false });
    } finally {
      await syncline.close();
    }
  });
});
