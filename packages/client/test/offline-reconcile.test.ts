import { describe, expect, it, vi } from 'vitest';
import { drained, offlineClient, offlineSetUp, recordingFetch } from './offline-support/offline-setup.js';
import { request, todos } from './support.js';

const mergePatch = { 'content-type': 'application/merge-patch+json' };

describe('reconciliation', () => {
  it('a client back from offline settles all five outcomes with one /_reconcile round trip', async () => {
    const { app, proxy, list } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const make = async (title: string) => (await request(app, 'POST', '/todos', { body: { title, list: list.id } })).body;
    const [ok, conflict, noop, redownload, gone] = [await make('ok'), await make('conflict'), await make('noop'), await make('redownload'), await make('gone')];
    const { fetch, log, failed } = recordingFetch();
    await using client = offlineClient(proxy.port, {}, { fetch });
    await client.ready;
    for (const todo of [ok, conflict, noop, redownload, gone]) await client.resource(todos).get(todo.id);

    proxy.cut();
    const api = client.resource(todos);
    const writes = [api.create({ title: 'create', list: list.id }), api.patch(ok.id, { done: true }), api.patch(conflict.id, { title: 'conflict, edited here' })];
    await vi.waitFor(() => expect(failed.length).toBeGreaterThan(0));
    // The client has tried and found the server unreachable; meanwhile on the server: another field of one, a new title for another, one deleted.
    await request(app, 'PATCH', `/todos/${conflict.id}`, { headers: mergePatch, body: { done: true } });
    const renamed = (await request(app, 'PATCH', `/todos/${redownload.id}`, { headers: mergePatch, body: { title: 'redownloaded' } })).body;
    await request(app, 'DELETE', `/todos/${gone.id}`);
    log.length = 0;

    proxy.restore();
    const [created] = await Promise.all(writes);
    await drained(client);
    // Whether the server offers reconcile is asked once per client, before its first reconcile
    // (here, or while the network was cut, when it failed and is asked again).
    expect(log.filter((line) => line.startsWith('GET /_syncline')).length).toBeLessThanOrEqual(1);
    expect(log.filter((line) => !line.startsWith('GET /_syncline'))).toEqual([
      'POST /_reconcile 200',
      `PUT /todos/${created?.id} 201`,
      `PATCH /todos/${ok.id} 200`,
      `PUT /todos/${conflict.id} 200`,
    ]);
    const server = async (id: string) => (await request(app, 'GET', `/todos/${id}`)).body;
    expect(await server(ok.id)).toMatchObject({ title: 'ok', done: true });
    // A clean merge: the local title and the server's done, written back over the server's version.
    expect(await server(conflict.id)).toMatchObject({ title: 'conflict, edited here', done: true });
    expect(client.store.get(`/todos/${noop.id}`)).toMatchObject({ dirty: false, data: noop });
    expect(client.store.get(`/todos/${redownload.id}`)).toMatchObject({ dirty: false, data: renamed, etag: `"${renamed.version}"` });
    expect(client.store.get(`/todos/${gone.id}`)).toBeUndefined();
  });
});
