import 'fake-indexeddb/auto';
import { uuidv7 } from '@syncline/schema';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it, vi } from 'vitest';
import { indexedDbPersistence, memoryPersistence, UnsentWritesError } from '../src/index.js';
import { createFakeLocks } from './offline-support/fake-locks.js';
import { offlineClient, offlineSetUp } from './offline-support/offline-setup.js';
import { request, todos } from './support.js';
import { createManualClock } from '@syncline/server/testing';

const names = async (factory: IDBFactory): Promise<(string | undefined)[]> => (await factory.databases()).map((database) => database.name);

describe('destroying a replica (signing out)', () => {
  it('sends the writes waiting first, then deletes the replica and outbox: the server has them, the browser nothing', async () => {
    const { app, proxy, list, todo } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const factory = new IDBFactory();
    const persistence = indexedDbPersistence({ name: 'syncline:ana', indexedDB: factory });
    const client = offlineClient(proxy.port, { persistence });
    await client.resource(todos).get(todo.id);
    proxy.cut();
    const edit = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    const created = client.resource(todos).create({ title: 'Bread', list: list.id });
    await vi.waitFor(() => expect(client.outbox.size()).toBe(2));
    proxy.restore();

    await client.destroy();
    await expect(edit).resolves.toMatchObject({ title: 'Oat milk' });
    await expect(created).resolves.toMatchObject({ title: 'Bread' });
    expect((await request(app, 'GET', `/todos?list=${list.id}&order=title`)).body.items.map((item: { title: string }) => item.title)).toEqual(['Bread', 'Oat milk']);
    expect(await names(factory)).not.toContain('syncline:ana');
    expect([...client.store.entries()]).toEqual([]);
    expect(client.state().kind).toBe('closed');
  });

  it('refuses, naming the writes that would be lost, when they cannot be sent; deletes nothing; discard then deletes them unsent', async () => {
    const { app, proxy, list, todo } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const persistence = memoryPersistence();
    const clock = createManualClock();
    await using client = offlineClient(proxy.port, { persistence }, { clock });
    await client.resource(todos).get(todo.id);
    proxy.cut();
    const edits = [client.resource(todos).patch(todo.id, { title: 'Oat milk' }), client.resource(todos).create({ title: 'Bread', list: list.id })];
    edits.forEach((edit) => edit.catch(() => undefined));
    await vi.waitFor(() => expect(client.outbox.size()).toBe(2));

    let refusal: unknown;
    const refused = client.destroy({ timeoutMs: 5_000 }).catch((error: unknown) => (refusal = error));
    await clock.advance(4_999);
    expect(refusal).toBeUndefined();
    await clock.advance(1);
    await refused;
    expect(refusal).toBeInstanceOf(UnsentWritesError);
    expect(refusal).toMatchObject({ code: 'conflict', waiting: 2, conflicts: 0 });
    expect((refusal as Error).message).toBe("The replica was not deleted: 2 writes not sent within 5000 ms would be lost. Call destroy({ pending: 'discard' }) to delete them anyway.");
    // Nothing deleted, and the client goes on: the writes still wait, in memory and persisted.
    expect((await persistence.load()).outbox).toHaveLength(2);
    expect(client.store.get(`/todos/${todo.id}`)).toMatchObject({ dirty: true, data: { title: 'Oat milk' } });

    await client.destroy({ pending: 'discard' });
    for (const edit of edits) await expect(edit).rejects.toMatchObject({ code: 'unavailable' });
    expect(await persistence.load()).toEqual({ entries: [], outbox: [], conflicts: [] });
    proxy.restore();
    expect((await request(app, 'GET', `/todos/${todo.id}`)).body).toMatchObject({ title: 'Milk' });
    expect((await request(app, 'GET', `/todos?list=${list.id}`)).body.items).toHaveLength(1);
  });

  it('tells the other tabs of the replica: they close, empty their store, say so, and never open the database again', async () => {
    const { app, proxy, todo } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const factory = new IDBFactory();
    const locks = createFakeLocks();
    const channel = `syncline:${uuidv7()}`;
    const tab = () => offlineClient(proxy.port, { persistence: indexedDbPersistence({ name: 'syncline:ana', indexedDB: factory }), tabs: { locks, channel: new BroadcastChannel(channel) } });
    const first = tab();
    const second = tab();
    await Promise.all([first.ready, second.ready]);
    await first.resource(todos).get(todo.id);
    await second.resource(todos).get(todo.id);
    const destroyed = new Promise<void>((resolve) => second.on('destroyed', resolve));

    await first.destroy();
    await destroyed;
    expect(second.state().kind).toBe('closed');
    expect([...second.store.entries()]).toEqual([]);
    // A write in the other tab now fails instead of creating the database again.
    await expect(second.resource(todos).patch(todo.id, { title: 'Late' })).rejects.toBeDefined();
    expect(await names(factory)).not.toContain('syncline:ana');
  });
});
