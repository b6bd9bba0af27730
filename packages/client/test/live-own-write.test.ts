import { describe, expect, it } from 'vitest';
import { connectClient, createTestSyncline, request, todos, until } from './support.js';

describe('an invalid live query', () => {
  it('rejects the view\'s ready with invalid-query instead of throwing from liveQuery', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery('colour=red');
    await expect(open.ready).rejects.toMatchObject({ code: 'invalid-query' });
    expect(open.error()).toMatchObject({ code: 'invalid-query' });
    expect(open.getSnapshot()).toEqual([]);
    open.close();
  });
});

describe('live views and the client\'s own writes', () => {
  it('a patch shows once optimistically and once confirmed: the pushed change of the same version adds no snapshot', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const todo = (await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
    await using client = connectClient(port);
    const live = client.resource(todos).live(todo.id);
    const open = client.resource(todos).liveQuery({ where: { list: list.id } });
    await Promise.all([live.ready, open.ready]);
    const record: unknown[] = [];
    const query: unknown[] = [];
    live.subscribe(() => record.push(live.getSnapshot()));
    open.subscribe(() => query.push(open.getSnapshot()));

    const confirmed = await client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    // The server pushes the change to this client's subscriptions too; wait until it has arrived.
    const marker = await request(app, 'POST', '/todos', { body: { title: 'Marker', list: list.id } });
    await until(open, (items) => items.some((item) => item.id === marker.body.id));

    expect(record.map((snapshot) => (snapshot as { version: number }).version)).toEqual([todo.version, confirmed.version]);
    expect(query.length).toBe(3);
  });
});
