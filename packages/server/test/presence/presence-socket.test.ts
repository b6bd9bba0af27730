import { SUBPROTOCOL } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createTestSyncline } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

type Frame = Awaited<ReturnType<LiveClient['request']>>;

async function serverWithList(options: Parameters<typeof createTestSyncline>[0] = {}) {
  const syncline = await createTestSyncline(options);
  const { port } = await syncline.listen(0, '127.0.0.1');
  const created = await syncline.handle({ method: 'POST', url: '/lists', headers: { 'content-type': 'application/json' }, body: new TextEncoder().encode('{"title":"Groceries"}') });
  const list = JSON.parse(created.body ?? '{}') as { id: string };
  return { syncline, port, list: `/lists/${list.id}` };
}

const as = (user: string) => ({ headers: { 'x-user': user } });
const presenceEvents = (client: LiveClient, subscription: string): Frame[] => client.frames.filter((frame) => frame['event'] === 'presence' && frame['subscription'] === subscription);
async function nthEvent(client: LiveClient, subscription: string, n: number): Promise<Frame> {
  await client.waitFor(() => presenceEvents(client, subscription).length >= n);
  return presenceEvents(client, subscription)[n - 1] as Frame;
}

describe('presence over the socket', () => {
  it('join, update and leave reach a subscriber, after an answer with the current members', async () => {
    const { syncline, port, list } = await serverWithList();
    await using _server = syncline;
    await using ana = await LiveClient.connect(port, as('ana'));
    await using bob = await LiveClient.connect(port, as('bob'));
    expect((await ana.request('PUT', `${list}/presence`, { body: { state: 'viewing' } })).status).toBe(204);

    const answer = await bob.request('SUBSCRIBE', `${list}/presence`, { id: 'p1' });
    expect(answer.status).toBe(200);
    expect(answer['body']).toEqual({ members: [{ user: 'ana', state: 'viewing', data: {} }] });

    await ana.request('PUT', `${list}/presence`, { body: { state: 'editing', data: { field: 'title' } } });
    expect(await nthEvent(bob, 'p1', 1)).toEqual({ event: 'presence', subscription: 'p1', resource: `${list}/presence`, op: 'update', member: { user: 'ana', state: 'editing', data: { field: 'title' } } });

    await bob.request('PUT', `${list}/presence`, { body: { state: 'viewing' } });
    expect(await nthEvent(bob, 'p1', 2)).toMatchObject({ op: 'join', member: { user: 'bob', state: 'viewing' } });

    expect((await ana.request('DELETE', `${list}/presence`)).status).toBe(204);
    expect(await nthEvent(bob, 'p1', 3)).toMatchObject({ op: 'leave', member: { user: 'ana', state: 'editing' } });
    // Leaving where one is not present is not an error.
    expect((await ana.request('DELETE', `${list}/presence`)).status).toBe(204);

    expect((await bob.request('UNSUBSCRIBE', '/', { headers: { 'syncline-subscription': 'p1' } })).status).toBe(204);
    await ana.request('PUT', `${list}/presence`, { body: { state: 'viewing' } });
    const members = await bob.request('GET', `${list}/presence`);
    expect(members['body']['members']).toHaveLength(2);
    expect(presenceEvents(bob, 'p1')).toHaveLength(3);
  });

  it('two tabs of one user count once: editing beats viewing, one tab leaving updates, the last one leaves', async () => {
    const { syncline, port, list } = await serverWithList();
    await using _server = syncline;
    await using tab1 = await LiveClient.connect(port, as('ana'));
    await using tab2 = await LiveClient.connect(port, as('ana'));
    await using bob = await LiveClient.connect(port, as('bob'));
    await bob.request('SUBSCRIBE', `${list}/presence`, { id: 'p' });

    await tab1.request('PUT', `${list}/presence`, { body: { state: 'viewing' } });
    await tab2.request('PUT', `${list}/presence`, { body: { state: 'editing', data: { field: 'title' } } });
    await tab1.request('PUT', `${list}/presence`, { body: { state: 'viewing', data: { scroll: 3 } } });
    expect((await bob.request('GET', `${list}/presence`))['body']).toEqual({ members: [{ user: 'ana', state: 'editing', data: { field: 'title' } }] });

    await tab2.request('DELETE', `${list}/presence`);
    expect(await nthEvent(bob, 'p', 3)).toMatchObject({ op: 'update', member: { user: 'ana', state: 'viewing', data: { scroll: 3 } } });
    tab1.socket.close();
    expect(await nthEvent(bob, 'p', 4)).toMatchObject({ op: 'leave', member: { user: 'ana' } });
    // join, then the update to editing; tab1's second viewing changed nothing anyone sees.
    expect(presenceEvents(bob, 'p').map((event) => event['op'])).toEqual(['join', 'update', 'update', 'leave']);
  });

  it('anonymous connections are members of their own, told apart by an opaque connection id', async () => {
    const { syncline, port, list } = await serverWithList();
    await using _server = syncline;
    await using one = await LiveClient.connect(port);
    await using two = await LiveClient.connect(port);
    await one.request('PUT', `${list}/presence`, { body: { state: 'viewing' } });
    await two.request('PUT', `${list}/presence`, { body: { state: 'viewing' } });
    const members = (await one.request('GET', `${list}/presence`))['body']['members'] as Frame[];
    expect(members).toHaveLength(2);
    expect(members.every((member) => member['user'] === null && typeof member['connection'] === 'string')).toBe(true);
  });

  it('a collection URI has presence too, one set for every spelling of its filter', async () => {
    const { syncline, port, list } = await serverWithList();
    await using _server = syncline;
    const id = list.split('/')[2];
    await using ana = await LiveClient.connect(port, as('ana'));
    await ana.request('PUT', `/todos/presence?list=${id}&done=false&order=-title`, { body: { state: 'viewing' } });
    const answer = await ana.request('GET', `/todos/presence?done=false&list=${id}`);
    expect(answer['body']['members']).toEqual([{ user: 'ana', state: 'viewing', data: {} }]);
    expect((await ana.request('GET', '/todos/presence?list=other'))['body']['members']).toEqual([]);
    expect((await ana.request('GET', '/todos/presence?nope=1')).status).toBe(400);
  });

  it('bad input is answered with a documented error and changes nothing', async () => {
    const { syncline, port, list } = await serverWithList({ limits: { presenceMaxDataBytes: 64, maxPresencePerConnection: 1 } });
    await using _server = syncline;
    await using ana = await LiveClient.connect(port, as('ana'));
    const uri = `${list}/presence`;
    const wrongType = await ana.request('PUT', uri, { body: { state: 7 } });
    expect(wrongType.status).toBe(422);
    expect(wrongType['body']).toMatchObject({ code: 'validation-failed', instance: uri, errors: [{ path: ['state'] }] });
    expect((await ana.request('PUT', uri, { body: { state: 'Editing!' } }))['body']['code']).toBe('validation-failed');
    expect((await ana.request('PUT', uri, { body: { state: 'editing', data: [1] } }))['body']['code']).toBe('validation-failed');
    expect((await ana.request('PUT', uri, { body: { state: 'editing', extra: 1 } }))['body']['code']).toBe('validation-failed');
    expect((await ana.request('PUT', uri))['body']['code']).toBe('validation-failed');
    const big = await ana.request('PUT', uri, { body: { state: 'editing', data: { text: 'x'.repeat(100) } } });
    expect(big.status).toBe(413);
    expect(big['body']['code']).toBe('payload-too-large');
    expect((await ana.request('PUT', '/nothing/presence', { body: { state: 'viewing' } })).status).toBe(404);
    expect((await ana.request('PUT', '/lists/no-such-list/presence', { body: { state: 'viewing' } })).status).toBe(404);
    const patch = await ana.request('PATCH', uri, { body: {} });
    expect(patch.status).toBe(405);
    expect(patch['headers']['allow']).toBe('GET, HEAD, PUT, DELETE, OPTIONS');
    expect((await ana.request('GET', uri))['body']['members']).toEqual([]);
    expect((await ana.request('PUT', uri, { body: { state: 'viewing' } })).status).toBe(204);
    expect((await ana.request('PUT', '/todos/presence', { body: { state: 'viewing' } }))['body']['code']).toBe('rate-limited');
  });

  it('a socket that stops answering pings is removed after the heartbeat timeout', async () => {
    const clock = createManualClock();
    const { syncline, port, list } = await serverWithList({ clock, limits: { heartbeatMs: 25_000 } });
    await using _server = syncline;
    await using bob = await LiveClient.connect(port, as('bob'));
    await bob.request('SUBSCRIBE', `${list}/presence`, { id: 'p' });
    // A client whose process freezes once it has announced: the socket stays open but answers no more pings.
    let answering = true;
    const frozen = new WebSocket(`ws://127.0.0.1:${port}/live`, [SUBPROTOCOL], { headers: { 'x-user': 'ana' }, autoPong: false });
    frozen.on('ping', () => (answering ? frozen.pong() : undefined));
    const answered = new Promise<void>((resolve) => frozen.on('message', (data) => (JSON.parse(String(data))['id'] === 'a' ? resolve() : undefined)));
    await new Promise((resolve) => frozen.once('open', resolve));
    frozen.send(JSON.stringify({ id: 'a', method: 'PUT', resource: `${list}/presence`, body: { state: 'editing' } }));
    await answered;
    answering = false;
    expect(await nthEvent(bob, 'p', 1)).toMatchObject({ op: 'join', member: { user: 'ana' } });
    // Two beats: the first pings both sockets, and bob's pong is in before his request is answered.
    await clock.advance(25_000);
    await bob.waitFor((f) => f['event'] === 'heartbeat');
    await bob.request('GET', list);
    expect(frozen.readyState).toBe(WebSocket.OPEN);
    await clock.advance(25_000);
    expect(await nthEvent(bob, 'p', 2)).toMatchObject({ op: 'leave', member: { user: 'ana', state: 'editing' } });
    expect(frozen.readyState).toBe(WebSocket.CLOSED);
  });
});
