import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

describe('live subscriptions', () => {
  it('a record subscription answers the snapshot and position, then pushes each change', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const list = await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const uri = `/lists/${list.body.id}`;
    const answer = await client.request('SUBSCRIBE', uri, { id: 's1' });
    expect(answer).toMatchObject({ status: 200, body: list.body, headers: { etag: list.headers['etag'], 'syncline-seq': '1' } });

    const updated = await request(app, 'PATCH', uri, { headers: { 'content-type': 'application/merge-patch+json' }, body: { title: 'B' } });
    await request(app, 'DELETE', uri);
    const events = await client.eventsFor('s1', 2);
    expect(events[0]).toEqual({ event: 'change', subscription: 's1', seq: 2, op: 'update', resource: uri, etag: updated.headers['etag'], body: updated.body });
    expect(events[1]).toEqual({ event: 'change', subscription: 's1', seq: 3, op: 'delete', resource: uri, etag: null, body: null });
  });

  it('a filtered collection pushes enter, update and leave as records move in and out of the filter', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const other = await request(app, 'POST', '/lists', { body: { title: 'O' } });
    const answer = await client.request('SUBSCRIBE', `/todos?list=${list.body.id}&done=false`, { id: 'open' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ items: [], next: null });

    const todo = await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.body.id } });
    await request(app, 'POST', '/todos', { body: { title: 'Elsewhere', list: other.body.id } });
    const uri = `/todos/${todo.body.id}`;
    const merge = { 'content-type': 'application/merge-patch+json' };
    await request(app, 'PATCH', uri, { headers: merge, body: { title: 'Oat milk' } });
    await request(app, 'PATCH', uri, { headers: merge, body: { done: true } });
    await request(app, 'PATCH', uri, { headers: merge, body: { done: false } });
    await request(app, 'DELETE', uri);

    const events = await client.eventsFor('open', 5);
    expect(events.map((e) => e['op'])).toEqual(['enter', 'update', 'leave', 'enter', 'leave']);
    expect(events.map((e) => e['body']?.title ?? null)).toEqual(['Milk', 'Oat milk', null, 'Oat milk', null]);
    expect(events.every((e) => e['resource'] === uri)).toBe(true);
    const seqs = events.map((e) => e['seq'] as number);
    expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    await app.flush();
    expect(client.events('open')).toHaveLength(5);
  });

  it('the same change reaches every subscriber of a collection, and only theirs', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const clients = await Promise.all(Array.from({ length: 5 }, () => LiveClient.connect(port)));
    try {
      for (const client of clients) expect((await client.request('SUBSCRIBE', '/lists', { id: 'all' })).status).toBe(200);
      expect(app.stats()).toMatchObject({ connections: 5, subscriptions: 5, groups: 1 });
      const created = await request(app, 'POST', '/lists', { body: { title: 'Shared' } });
      for (const client of clients) {
        const [event] = await client.eventsFor('all', 1);
        expect(event).toMatchObject({ op: 'enter', seq: created.body.version, body: created.body });
      }
    } finally {
      await Promise.all(clients.map((client) => client[Symbol.asyncDispose]()));
    }
  });

  it('UNSUBSCRIBE ends the pushes; an unknown subscription is 404', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 7 });
    await request(app, 'POST', '/lists', { body: { title: 'one' } });
    await client.eventsFor(7, 1);
    const ended = await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': '7' } });
    expect(ended.status).toBe(204);
    expect(app.stats().subscriptions).toBe(0);
    await request(app, 'POST', '/lists', { body: { title: 'two' } });
    await app.flush();
    await client.request('GET', '/lists');
    expect(client.events(7)).toHaveLength(1);
    expect((await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': '7' } })).status).toBe(404);
  });

  it('a subscription id in use is refused with 409; a closed socket frees its subscriptions', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'x' });
    expect((await client.request('SUBSCRIBE', '/todos', { id: 'x' })).status).toBe(409);
    await client[Symbol.asyncDispose]();
    await expect.poll(() => app.stats()).toMatchObject({ connections: 0, subscriptions: 0, groups: 0 });
  });

  it('subscribing to a record the caller may not read is 404, and its changes never reach them', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using ana = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
    await using bob = await LiveClient.connect(port, { headers: { 'x-user': 'bob' } });
    const note = await ana.request('POST', '/notes', { body: { text: 'secret', owner: 'ana' } });
    expect((await bob.request('SUBSCRIBE', note.headers['location'], { id: 'peek' })).status).toBe(404);
    await ana.request('SUBSCRIBE', '/notes', { id: 'mine' });
    await bob.request('SUBSCRIBE', '/notes', { id: 'mine' });
    await ana.request('PATCH', note.headers['location'], { body: { text: 'still secret' } });
    await ana.eventsFor('mine', 1);
    await app.flush();
    expect(bob.events('mine')).toHaveLength(0);
    expect(bob.events('peek')).toHaveLength(0);
  });
});
