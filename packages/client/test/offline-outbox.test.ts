import { describe, expect, it, vi } from 'vitest';
import { memoryPersistence, type WriteRejection } from '../src/index.js';
import { drained, offlineClient, offlineSetUp, recordingFetch } from './offline-support/offline-setup.js';
import { request, todos, until, whenOpen } from './support.js';

describe('the offline outbox', () => {
  it('shows writes made while the server is unreachable at once, persists them, and sends them when it is back', async () => {
    const { app, proxy, list, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const persistence = memoryPersistence();
    await using client = offlineClient(proxy.port, { persistence });
    await client.ready;
    await client.resource(todos).get(todo.id);
    proxy.cut();

    const patched = client.resource(todos).patch(todo.id, { done: true });
    const created = client.resource(todos).create({ title: 'Bread', list: list.id });
    expect(client.store.get(uri)).toMatchObject({ dirty: true, data: { title: 'Milk', done: true }, base: { done: false } });
    const createdUri = [...client.store.entries()].find((entry) => entry.uri !== uri)?.uri ?? '';
    expect(client.store.get(createdUri)).toMatchObject({ dirty: true, etag: null, data: { title: 'Bread', list: list.id } });
    expect(client.outbox.size()).toBe(2);
    await vi.waitFor(async () => expect((await persistence.load()).outbox.map((write) => [write.method, write.uri, write.create])).toEqual([['PATCH', uri, false], ['PUT', createdUri, true]]));
    expect((await request(app, 'GET', uri)).body.done).toBe(false);
    // The sender found the server unreachable: "Offline, 2 changes waiting".
    await vi.waitFor(() => expect(client.outbox.reachable()).toBe(false));

    proxy.restore();
    const [done, bread] = await Promise.all([patched, created]);
    expect(client.outbox.reachable()).toBe(true);
    expect(done).toMatchObject({ done: true, version: todo.version + 1 });
    expect(`/todos/${bread.id}`).toBe(createdUri);
    expect((await request(app, 'GET', createdUri)).body).toEqual(bread);
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: done, etag: `"${done.version}"` });
    expect(client.outbox.size()).toBe(0);
    expect((await persistence.load()).outbox).toEqual([]);
  });

  it('over the socket, live views show offline writes at once and the confirmed versions after the reconnect', async () => {
    const { app, proxy, list, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = offlineClient(proxy.port, {}, { transport: 'socket' });
    await client.ready;
    const open = client.resource(todos).liveQuery({ where: { list: list.id, done: false } });
    await until(open, (items) => items.length === 1);
    await whenOpen(client);
    proxy.cut();

    const done = client.resource(todos).patch(todo.id, { done: true });
    const created = client.resource(todos).create({ title: 'Bread', list: list.id });
    expect(open.getSnapshot().map((item) => item.title)).toEqual(['Bread']);
    proxy.restore();
    const [, bread] = await Promise.all([done, created]);
    await until(open, (items) => items.length === 1 && items[0]?.version === bread.version);
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: { done: true } });
    expect((await request(app, 'GET', `/todos?list=${list.id}&done=false`)).body.items).toEqual([bread]);
  });

  it('a new client on the same persistence (a reloaded page) sends the outbox it did not create', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const persistence = memoryPersistence();
    const first = offlineClient(proxy.port, { persistence });
    await first.ready;
    await first.resource(todos).get(todo.id);
    proxy.cut();
    first.resource(todos).patch(todo.id, { title: 'Oat milk' }).catch(() => {});
    await vi.waitFor(async () => expect((await persistence.load()).outbox).toHaveLength(1));
    first.close();

    proxy.restore();
    await using second = offlineClient(proxy.port, { persistence });
    await second.ready;
    expect(second.store.get(uri)).toMatchObject({ dirty: true, data: { title: 'Oat milk' } });
    expect(second.outbox.size()).toBe(1);
    await drained(second);
    expect((await request(app, 'GET', uri)).body).toMatchObject({ title: 'Oat milk', version: todo.version + 1 });
    expect(second.store.get(uri)).toMatchObject({ dirty: false, data: { title: 'Oat milk' } });
  });

  it('a write whose answer was lost is retried with the same idempotency key and applied once', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const persistence = memoryPersistence();
    const { fetch, log } = recordingFetch();
    await using client = offlineClient(proxy.port, { persistence }, { fetch });
    await client.ready;
    await client.resource(todos).get(todo.id);
    const lost = proxy.loseAnswerTo(`PATCH ${uri}`);

    const patched = client.resource(todos).patch(todo.id, { done: true });
    await lost;
    const [write] = (await persistence.load()).outbox;
    expect(write).toMatchObject({ method: 'PATCH', uri, ifMatch: `"${todo.version}"` });
    const record = await patched;
    expect(record).toMatchObject({ done: true, version: todo.version + 1 });
    expect((await request(app, 'GET', uri)).body).toMatchObject({ done: true, version: todo.version + 1 });
    // Sent twice with one key; the second answer came from the server's stored outcome, and
    // since a replayed answer is as old as the first attempt, the record is read again.
    expect(proxy.count(`idempotency-key: ${write?.key}`)).toBe(2);
    // Besides the one GET /_syncline (whether the server offers reconcile) before the first reconcile.
    await vi.waitFor(() => expect(log.filter((line) => !line.startsWith('GET /_syncline'))).toEqual([`GET ${uri} 200`, 'POST /_reconcile 200', `PATCH ${uri} 200`, `GET ${uri} 200`]));
    expect(log.filter((line) => line.startsWith('GET /_syncline'))).toEqual(['GET /_syncline 200']);
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: record });
  });

  it('a write the server refuses is rolled back, rejects with the reason and is emitted', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = offlineClient(proxy.port);
    await client.ready;
    await client.resource(todos).get(todo.id);
    const rejections: WriteRejection[] = [];
    client.on('rejected', (rejection) => rejections.push(rejection));

    const refused = client.resource(todos).patch(todo.id, { title: '' });
    expect(client.store.get(uri)).toMatchObject({ dirty: true, data: { title: '' } });
    await expect(refused).rejects.toMatchObject({ code: 'validation-failed', status: 422 });
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: { title: 'Milk' } });
    expect(rejections).toEqual([expect.objectContaining({ uri, error: expect.objectContaining({ code: 'validation-failed' }) })]);
    expect(client.outbox.size()).toBe(0);
  });
});
