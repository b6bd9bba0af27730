import { describe, expect, it } from 'vitest';
import { createTestSyncline } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createSignedInSyncline } from '../support/signed-in.js';

type Frame = Awaited<ReturnType<LiveClient['request']>>;
const as = (user: string) => ({ headers: { 'x-user': user } });
const json = (body: unknown) => new TextEncoder().encode(JSON.stringify(body));

async function noteOf(syncline: Awaited<ReturnType<typeof createTestSyncline>>, owner: string): Promise<string> {
  const created = await syncline.handle({ method: 'POST', url: '/notes', headers: { 'content-type': 'application/json', 'x-user': owner }, body: json({ text: 'plan', owner }) });
  return `/notes/${(JSON.parse(created.body ?? '{}') as { id: string }).id}`;
}

describe('who may see and join presence', () => {
  it('a user who may not read a record sees nobody there and cannot announce: 404, as for GET', async () => {
    const syncline = await createTestSyncline();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    const note = await noteOf(syncline, 'ana');
    await using ana = await LiveClient.connect(port, as('ana'));
    await using eve = await LiveClient.connect(port, as('eve'));
    expect((await ana.request('PUT', `${note}/presence`, { body: { state: 'editing' } })).status).toBe(204);

    const subscribe = await eve.request('SUBSCRIBE', `${note}/presence`, { id: 'p' });
    expect(subscribe.status).toBe(404);
    expect(subscribe['body']).toMatchObject({ code: 'not-found', instance: `${note}/presence` });
    expect((await eve.request('GET', `${note}/presence`)).status).toBe(404);
    expect((await eve.request('PUT', `${note}/presence`, { body: { state: 'viewing' } })).status).toBe(404);
    // The refused subscription is not open: its id is free, and no event reaches it.
    await ana.request('PUT', `${note}/presence`, { body: { state: 'viewing' } });
    expect((await ana.request('GET', `${note}/presence`))['body']['members']).toEqual([{ user: 'ana', state: 'viewing', data: {} }]);
    expect(eve.frames.some((frame: Frame) => frame['event'] === 'presence')).toBe(false);
    const http = await syncline.handle({ method: 'GET', url: `${note}/presence`, headers: { 'x-user': 'eve' } });
    expect(http.status).toBe(404);
  });

  it('a record that leaves a caller\'s sight takes the caller out of its presence, and its subscription sees everyone leave', async () => {
    const syncline = await createTestSyncline();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    const note = await noteOf(syncline, 'ana');
    await using editing = await LiveClient.connect(port, as('ana'));
    await using watching = await LiveClient.connect(port, as('ana'));
    await editing.request('PUT', `${note}/presence`, { body: { state: 'editing' } });
    await watching.request('SUBSCRIBE', `${note}/presence`, { id: 7 });
    const events = () => watching.frames.filter((frame: Frame) => frame['event'] === 'presence');

    // Handed to eve: ana may no longer read it.
    const patch = await syncline.handle({ method: 'PATCH', url: note, headers: { 'content-type': 'application/merge-patch+json', 'x-user': 'ana' }, body: json({ owner: 'eve' }) });
    expect(patch.status).toBe(200);
    await syncline.flush();
    await watching.waitFor(() => events().length === 1);
    expect(events()[0]).toMatchObject({ subscription: 7, op: 'leave', member: { user: 'ana', state: 'editing' } });
    await using eve = await LiveClient.connect(port, as('eve'));
    expect((await eve.request('GET', `${note}/presence`))['body']['members']).toEqual([]);
    await eve.request('PUT', `${note}/presence`, { body: { state: 'viewing' } });
    expect((await watching.request('GET', `${note}/presence`)).status).toBe(404);
    expect(events()).toHaveLength(1);
    expect((await watching.request('UNSUBSCRIBE', '/', { headers: { 'syncline-subscription': '7' } })).status).toBe(204);

    // A deleted record has nobody present.
    await syncline.handle({ method: 'DELETE', url: note, headers: { 'x-user': 'eve' } });
    await syncline.flush();
    await expect.poll(async () => (await eve.request('GET', `${note}/presence`)).status).toBe(404);
    await using later = await LiveClient.connect(port, as('eve'));
    expect((await later.request('PUT', `${note}/presence`, { body: { state: 'viewing' } })).status).toBe(404);
  });

  it('a collection under a narrowing read rule shows presence only where the query decides the caller reads all of it', async () => {
    const syncline = await createTestSyncline();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    await using ana = await LiveClient.connect(port, as('ana'));
    // notes are read by their owner: `owner=ana` pins the rule's one field, so ana reads every note of that set.
    expect((await ana.request('PUT', '/notes/presence?owner=ana', { body: { state: 'viewing' } })).status).toBe(204);
    expect((await ana.request('GET', '/notes/presence?owner=ana'))['body']).toEqual({ members: [{ user: 'ana', state: 'viewing', data: {} }] });
    // eve queries the same set and gets an empty page; its presence is hidden from her as a missing record is.
    const eves = await syncline.handle({ method: 'GET', url: '/notes/presence?owner=ana', headers: { 'x-user': 'eve' } });
    expect(eves.status).toBe(404);
    expect(JSON.parse(eves.body ?? '{}')).toMatchObject({ code: 'not-found', instance: '/notes/presence' });
    // Nothing pins the owner: who is there could be anyone's, so nobody sees or joins it.
    expect((await syncline.handle({ method: 'GET', url: '/notes/presence', headers: { 'x-user': 'eve' } })).status).toBe(404);
    expect((await ana.request('PUT', '/notes/presence', { body: { state: 'viewing' } })).status).toBe(404);
    expect((await ana.request('SUBSCRIBE', '/notes/presence', { id: 'n' })).status).toBe(404);
  });

  it('on a resource for signed-in users, an anonymous caller is refused with 401', async () => {
    const syncline = await createSignedInSyncline();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    await using anonymous = await LiveClient.connect(port);
    expect((await anonymous.request('PUT', '/notes/presence', { body: { state: 'viewing' } }))['body']['code']).toBe('unauthenticated');
    expect((await anonymous.request('SUBSCRIBE', '/notes/presence', { id: 'p' })).status).toBe(401);
    expect((await syncline.handle({ method: 'GET', url: '/notes/presence', headers: {} })).status).toBe(401);
  });
});

describe('presence over HTTP', () => {
  it('GET answers the current members as JSON; PUT and DELETE need a socket (405)', async () => {
    const syncline = await createTestSyncline();
    await using _server = syncline;
    const { port } = await syncline.listen(0, '127.0.0.1');
    const list = JSON.parse((await syncline.handle({ method: 'POST', url: '/lists', headers: { 'content-type': 'application/json' }, body: json({ title: 'L' }) })).body ?? '{}') as { id: string };
    await using ana = await LiveClient.connect(port, as('ana'));
    await ana.request('PUT', `/lists/${list.id}/presence`, { body: { state: 'editing', data: { field: 'title' } } });

    const response = await fetch(`http://127.0.0.1:${port}/lists/${list.id}/presence`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(await response.json()).toEqual({ members: [{ user: 'ana', state: 'editing', data: { field: 'title' } }] });

    const head = await syncline.handle({ method: 'HEAD', url: `/lists/${list.id}/presence`, headers: {} });
    expect(head.status).toBe(200);
    expect(head.body).toBeUndefined();
    const put = await syncline.handle({ method: 'PUT', url: `/lists/${list.id}/presence`, headers: { 'content-type': 'application/json' }, body: json({ state: 'viewing' }) });
    expect(put.status).toBe(405);
    expect(put.headers['allow']).toBe('GET, HEAD, OPTIONS');
    expect(JSON.parse(put.body ?? '{}')).toMatchObject({ code: 'method-not-allowed', instance: `/lists/${list.id}/presence` });
    expect((await syncline.handle({ method: 'DELETE', url: `/lists/${list.id}/presence`, headers: {} })).status).toBe(405);
    expect((await syncline.handle({ method: 'OPTIONS', url: `/lists/${list.id}/presence`, headers: {} })).headers['allow']).toBe('GET, HEAD, OPTIONS');
    expect((await syncline.handle({ method: 'GET', url: `/lists/${list.id}/presence`, headers: { accept: 'text/csv' } })).status).toBe(406);
    expect((await syncline.handle({ method: 'GET', url: '/nothing/presence', headers: {} })).status).toBe(404);

    ana.socket.close();
    await ana.closed;
    await expect.poll(async () => JSON.parse((await syncline.handle({ method: 'GET', url: `/lists/${list.id}/presence`, headers: {} })).body ?? '{}')).toEqual({ members: [] });
  });
});
