// A collection's presence is decided by the same read rule as GET of the collection: the
// todos of a list inherit its owner and members, so the presence at `/todos?list=<id>` is
// for the list's owner and members, and hidden (404, as a missing list's) from the others.
import { describe, expect, it } from 'vitest';
import { createSyncline, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { sharingResources, userFromHeader } from '../authorization/support/sharing-resources.js';
import { LiveClient } from '../support/live-client.js';

type Frame = Awaited<ReturnType<LiveClient['request']>>;
const as = (user: string) => ({ headers: { 'x-user': user } });
const json = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));
const MISSING_LIST = '01a2080b-0000-7000-8000-000000000000';

async function sharingServer(): Promise<Syncline & AsyncDisposable> {
  const syncline = await createSyncline({ resources: sharingResources('correct').resources, storage: createSqliteStorage({ filename: ':memory:' }), context: userFromHeader, onError: () => {} });
  return Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
}

async function call(syncline: Syncline, user: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any; raw: string }> {
  const headers: Record<string, string> = { 'x-user': user, 'content-type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' };
  const response = await syncline.handle({ method, url, headers, ...(body === undefined ? {} : { body: json(body) }) });
  return { status: response.status, body: response.body ? JSON.parse(response.body) : undefined, raw: response.body ?? '' };
}

const presenceEvents = (client: LiveClient, subscription: string) => client.frames.filter((frame: Frame) => frame['event'] === 'presence' && frame['subscription'] === subscription);

describe("presence of a list's todos", () => {
  it('is hidden from a user who cannot read the list, byte for byte as for a list that does not exist, on HTTP and the socket', async () => {
    const syncline = await sharingServer();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    const list = (await call(syncline, 'ana', 'POST', '/lists', { title: 'Groceries' })).body.id as string;
    await using ana = await LiveClient.connect(port, as('ana'));
    expect((await ana.request('PUT', `/todos/presence?list=${list}`, { body: { state: 'editing', data: { todo: 'secret plans' } } })).status).toBe(204);

    // eve's GET of the todos answers an empty page; their presence answers as a missing list's does.
    expect((await call(syncline, 'eve', 'GET', `/todos?list=${list}`)).body).toEqual({ items: [], next: null });
    const hidden = await call(syncline, 'eve', 'GET', `/todos/presence?list=${list}`);
    const missing = await call(syncline, 'eve', 'GET', `/todos/presence?list=${MISSING_LIST}`);
    expect(hidden.status).toBe(404);
    expect(hidden.raw).toBe(missing.raw);
    expect(hidden.raw).not.toContain('secret plans');
    expect((await call(syncline, 'eve', 'HEAD', `/todos/presence?list=${list}`)).status).toBe(404);

    await using eve = await LiveClient.connect(port, as('eve'));
    for (const method of ['GET', 'SUBSCRIBE', 'PUT'] as const) {
      const frame = await eve.request(method, `/todos/presence?list=${list}`, method === 'PUT' ? { body: { state: 'viewing' } } : { id: `${method}-hidden` });
      const other = await eve.request(method, `/todos/presence?list=${MISSING_LIST}`, method === 'PUT' ? { body: { state: 'viewing' } } : { id: `${method}-missing` });
      expect(frame.status, method).toBe(404);
      expect(JSON.stringify(frame['body'])).toBe(JSON.stringify(other['body']));
    }
    // eve never got in: ana alone is there, and no presence event reached eve.
    expect((await ana.request('GET', `/todos/presence?list=${list}`))['body']['members']).toEqual([{ user: 'ana', state: 'editing', data: { todo: 'secret plans' } }]);
    expect(eve.frames.some((frame: Frame) => frame['event'] === 'presence')).toBe(false);
    // The todos of every list at once, or of no list: no query decides that eve reads them all.
    expect((await ana.request('GET', '/todos/presence')).status).toBe(404);

    // Shared with bob: he reads the list, so he sees and joins its todos' presence.
    expect((await call(syncline, 'ana', 'PATCH', `/lists/${list}`, { members: ['bob'] })).status).toBe(200);
    await using bob = await LiveClient.connect(port, as('bob'));
    expect((await bob.request('PUT', `/todos/presence?list=${list}&done=false`, { body: { state: 'viewing' } })).status).toBe(204);
    expect((await call(syncline, 'bob', 'GET', `/todos/presence?list=${list}`)).body.members).toEqual([{ user: 'ana', state: 'editing', data: { todo: 'secret plans' } }]);
  });

  it('a member taken off the list stops hearing its presence and leaves it; a deleted list ends everyone\'s', async () => {
    const syncline = await sharingServer();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    const list = (await call(syncline, 'ana', 'POST', '/lists', { title: 'Trip' })).body.id as string;
    await call(syncline, 'ana', 'PATCH', `/lists/${list}`, { members: ['bob'] });
    const uri = `/todos/presence?list=${list}`;
    await using ana = await LiveClient.connect(port, as('ana'));
    await using bob = await LiveClient.connect(port, as('bob'));
    await ana.request('SUBSCRIBE', uri, { id: 'a' });
    await bob.request('SUBSCRIBE', uri, { id: 'b' });
    await bob.request('PUT', uri, { body: { state: 'viewing' } });
    await ana.request('PUT', uri, { body: { state: 'viewing' } });
    await bob.waitFor(() => presenceEvents(bob, 'b').length === 2);

    // ana takes bob off the list: his subscription sees everyone leave, his entry goes.
    expect((await call(syncline, 'ana', 'PATCH', `/lists/${list}`, { members: [] })).status).toBe(200);
    await syncline.flush();
    await bob.waitFor(() => presenceEvents(bob, 'b').length === 4);
    expect(presenceEvents(bob, 'b').slice(2).map((event: Frame) => [event['op'], event['member']['user']]).sort()).toEqual([['leave', 'ana'], ['leave', 'bob']]);
    await ana.waitFor(() => presenceEvents(ana, 'a').some((event: Frame) => event['op'] === 'leave' && event['member']['user'] === 'bob'));
    expect((await ana.request('GET', uri))['body']['members']).toEqual([{ user: 'ana', state: 'viewing', data: {} }]);

    // Then nothing more reaches him, though ana's presence there changes.
    await ana.request('PUT', uri, { body: { state: 'editing', data: { todo: 'passport' } } });
    await ana.waitFor(() => presenceEvents(ana, 'a').some((event: Frame) => event['op'] === 'update'));
    await bob.request('OPTIONS', '/lists');
    expect(presenceEvents(bob, 'b')).toHaveLength(4);
    expect(JSON.stringify(bob.frames)).not.toContain('passport');
    expect((await bob.request('GET', uri)).status).toBe(404);

    // The list is deleted: its owner's subscription sees everyone leave too.
    expect((await call(syncline, 'ana', 'DELETE', `/lists/${list}`)).status).toBe(204);
    await syncline.flush();
    await ana.waitFor(() => presenceEvents(ana, 'a').at(-1)?.['op'] === 'leave');
    expect((await ana.request('GET', uri)).status).toBe(404);
  });

  it('a revoked subscription stays silent when its caller is shared again, joins and is taken off again', async () => {
    const syncline = await sharingServer();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    const list = (await call(syncline, 'ana', 'POST', '/lists', { title: 'Trip' })).body.id as string;
    const share = async (members: string[]) => {
      expect((await call(syncline, 'ana', 'PATCH', `/lists/${list}`, { members })).status).toBe(200);
      await syncline.flush();
    };
    await share(['bob']);
    const uri = `/todos/presence?list=${list}`;
    await using ana = await LiveClient.connect(port, as('ana'));
    await using bob = await LiveClient.connect(port, as('bob'));
    await bob.request('SUBSCRIBE', uri, { id: 'b' });
    await ana.request('PUT', uri, { body: { state: 'viewing' } });
    await bob.waitFor(() => presenceEvents(bob, 'b').length === 1);

    await share([]);
    await bob.waitFor(() => presenceEvents(bob, 'b').length === 2);
    // Shared again, bob joins (a new right to the target); taken off again, his old subscription hears nothing.
    await share(['bob']);
    expect((await bob.request('PUT', uri, { body: { state: 'viewing' } })).status).toBe(204);
    await share([]);
    await bob.request('OPTIONS', '/lists');
    expect(presenceEvents(bob, 'b').map((event: Frame) => [event['op'], event['member']['user']])).toEqual([['join', 'ana'], ['leave', 'ana']]);
    expect((await bob.request('GET', uri)).status).toBe(404);
  });
});
