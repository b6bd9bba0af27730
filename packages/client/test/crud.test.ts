import { SynclineError } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { connectClient, createTestSyncline, lists, todos } from './support.js';
import { createManualClock } from '@syncline/server/testing';

describe.each(['socket', 'http'] as const)('typed CRUD over %s', (transport) => {
  it('creates, reads, lists, replaces, patches and deletes', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport });
    const list = await client.resource(lists).create({ title: 'Groceries' });
    const api = client.resource(todos);

    const milk = await api.create({ title: 'Milk', list: list.id });
    expect(milk).toMatchObject({ title: 'Milk', done: false, order: 0, list: list.id, version: expect.any(Number) });
    expect(await api.get(milk.id)).toEqual(milk);
    const bread = await api.create({ title: 'Bread', list: list.id, order: 1 });

    const page = await api.list({ where: { list: list.id }, order: 'order' });
    expect(page.items.map((t) => t.title)).toEqual(['Milk', 'Bread']);
    expect(page.next).toBeNull();
    expect((await api.list(`list=${list.id}&order=-order&limit=1`)).next).toEqual(expect.stringContaining('after='));

    const replaced = await api.update(milk.id, { title: 'Oat milk', list: list.id, done: true, order: 2 });
    expect(replaced).toMatchObject({ title: 'Oat milk', done: true, order: 2 });
    expect(client.store.get(`/todos/${milk.id}`)).toMatchObject({ etag: `"${replaced.version}"`, dirty: false, data: replaced });

    const patched = await api.patch(bread.id, { done: true });
    expect(patched).toMatchObject({ title: 'Bread', done: true });

    await api.delete(milk.id);
    const missing = await api.get(milk.id).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(SynclineError);
    expect(missing).toMatchObject({ code: 'not-found', status: 404 });
    expect(client.store.get(`/todos/${milk.id}`)?.data).toBeNull();
  });

  it('answers errors as SynclineError from the problem body', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport });
    const error = await client.resource(lists).create({ title: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynclineError);
    expect(error).toMatchObject({ code: 'validation-failed', status: 422 });
  });
});

describe('requests over the socket', () => {
  it('multiplexes many requests in flight and answers each by id', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    const titles = Array.from({ length: 40 }, (_, i) => `list ${i}`);
    const created = await Promise.all(titles.map((title) => client.resource(lists).create({ title })));
    expect(created.map((l) => l.title)).toEqual(titles);
  });

  it('queues requests made before the socket is open, and times out when it never opens', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    expect(client.state().kind).toBe('connecting');
    expect((await client.resource(lists).create({ title: 'early' })).title).toBe('early');

    // Nothing listens on this path's port once the server is gone.
    await app.close();
    // On the socket only, and no second attempt within the timeout: the request waits for the socket, then gives up.
    const clock = createManualClock();
    await using orphan = connectClient(port, { transport: 'socket', requestTimeoutMs: 10_000, minDelayMs: 60_000, maxDelayMs: 60_000, random: () => 1, clock });
    let error: unknown;
    const answered = orphan.resource(lists).list().catch((e: unknown) => (error = e));
    await clock.advance(9_999);
    expect(error).toBeUndefined();
    await clock.advance(1);
    await answered;
    expect(error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('within 10000 ms') });
  });
});
