import { SynclineError } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { connectClient, createTestSyncline, lists, request, todos, until } from './support.js';

const merge = { 'content-type': 'application/merge-patch+json' };

describe('live collection', () => {
  it('equals the server state after creates, updates, moves out of the filter and deletes by another client', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const seed = (await request(app, 'POST', '/todos', { body: { title: 'seed', list: list.id, order: 5 } })).body;
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery({ where: { list: list.id, done: false }, order: 'order' });
    await open.ready;
    expect(open.getSnapshot().map((t) => t.title)).toEqual(['seed']);

    const other = connectClient(port);
    const a = await other.resource(todos).create({ title: 'a', list: list.id, order: 1 });
    const b = await other.resource(todos).create({ title: 'b', list: list.id, order: 9 });
    await other.resource(todos).create({ title: 'elsewhere', list: (await other.resource(lists).create({ title: 'M' })).id });
    await other.resource(todos).patch(b.id, { order: 0 });
    await other.resource(todos).patch(seed.id, { done: true });
    await other.resource(todos).delete(a.id);
    await request(app, 'PATCH', `/todos/${seed.id}`, { headers: merge, body: { done: false, title: 'seed again' } });
    other.close();

    const server = (await request(app, 'GET', `/todos?list=${list.id}&done=false&order=order`)).body.items;
    const final = await until(open, (items) => JSON.stringify(items) === JSON.stringify(server));
    expect(final.map((t) => t.title)).toEqual(['b', 'seed again']);
    const before = open.getSnapshot();
    expect(open.getSnapshot()).toBe(before);
    open.close();
  });

  it('holds every match, not only the first page', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    for (let i = 0; i < 5; i++) await request(app, 'POST', '/lists', { body: { title: `l${i}` } });
    await using client = connectClient(port);
    const all = client.resource(lists).liveQuery('order=title&limit=2');
    await all.ready;
    expect(all.getSnapshot().map((l) => l.title)).toEqual(['l0', 'l1', 'l2', 'l3', 'l4']);
    all.close();
  });

  it('shares one subscription among handles and unsubscribes when the last one closes', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await using client = connectClient(port);
    const first = client.resource(lists).live(list.id);
    const second = client.resource(lists).live(list.id);
    await first.ready;
    expect(second.getSnapshot()).toMatchObject({ title: 'L' });
    expect(app.stats().subscriptions).toBe(1);
    first.close();
    first.close();
    expect(app.stats().subscriptions).toBe(1);
    await request(app, 'PATCH', `/lists/${list.id}`, { headers: merge, body: { title: 'L2' } });
    await until(second, (l) => l?.title === 'L2');
    second.close();
    // The UNSUBSCRIBE's answer proves the server ended it; a raw request waits for it in order.
    await client.request({ method: 'GET', resource: '/lists' });
    await expect.poll(() => app.stats().subscriptions).toBe(0);
  });

  it('a live record follows updates and deletes; a missing one is refused', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await using client = connectClient(port);
    const live = client.resource(lists).live(list.id);
    await live.ready;
    await request(app, 'DELETE', `/lists/${list.id}`);
    await until(live, (l) => l === undefined);
    const missing = client.resource(lists).live('nope');
    await expect(missing.ready).rejects.toBeInstanceOf(SynclineError);
    expect(missing.error()).toMatchObject({ code: 'not-found' });
  });

  it('live views need the socket', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport: 'http' });
    expect(() => client.resource(lists).liveQuery()).toThrow(SynclineError);
  });
});
