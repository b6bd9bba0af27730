import { describe, expect, it } from 'vitest';
import { ConflictError, type ConflictPolicy } from '../src/index.js';
import { drained, nextEvent, offlineClient, offlineSetUp, recordingFetch } from './offline-support/offline-setup.js';
import { request, todos } from './support.js';

const mergePatch = { 'content-type': 'application/merge-patch+json' };

/** A client that loaded the todo, then edits it offline while the server changes it too. */
async function conflictSetUp(policies: Record<string, ConflictPolicy> = {}, before?: (request: string) => Promise<void>) {
  const setup = await offlineSetUp();
  const { fetch, log } = recordingFetch(before);
  const client = offlineClient(setup.proxy.port, { policies }, { fetch });
  await client.ready;
  await client.resource(todos).get(setup.todo.id);
  setup.proxy.cut();
  const serverPatch = async (body: Record<string, unknown>) => (await request(setup.app, 'PATCH', setup.uri, { headers: mergePatch, body })).body;
  const onServer = async () => (await request(setup.app, 'GET', setup.uri)).body;
  return { ...setup, client, log, serverPatch, onServer };
}

describe('conflict policies', () => {
  it('server wins: the local edit is dropped, the call rejects with both versions, the server version shows', async () => {
    const { app, proxy, client, todo, uri, serverPatch, onServer } = await conflictSetUp({ todos: 'server-wins' });
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    const theirs = await serverPatch({ title: 'Soy milk' });
    proxy.restore();
    const error = await local.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ uri, local: { title: 'Oat milk' }, server: theirs });
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: theirs });
    expect(await onServer()).toEqual(theirs);
  });

  it('client wins (asked for on the call): the local version is written over the server version', async () => {
    const { app, proxy, client, todo, uri, serverPatch, onServer } = await conflictSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).patch(todo.id, { title: 'Oat milk' }, { conflict: 'client-wins' });
    await serverPatch({ title: 'Soy milk', done: true });
    proxy.restore();
    const written = await local;
    expect(written).toMatchObject({ title: 'Oat milk', done: false });
    expect(await onServer()).toEqual(written);
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: written });
  });

  it('merge, clean: fields changed on one side each are both kept', async () => {
    const { app, proxy, client, todo, serverPatch, onServer } = await conflictSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    await serverPatch({ done: true });
    proxy.restore();
    expect(await local).toMatchObject({ title: 'Oat milk', done: true });
    expect(await onServer()).toMatchObject({ title: 'Oat milk', done: true });
  });

  it('merge, held: the same field changed on both sides is kept for the user, shown merged, and resolved', async () => {
    const { app, proxy, client, todo, uri, serverPatch, onServer } = await conflictSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).patch(todo.id, { title: 'Oat milk', order: 5 });
    const theirs = await serverPatch({ title: 'Soy milk', done: true });
    const emitted = nextEvent(client, 'conflict');
    proxy.restore();
    await expect(local).rejects.toBeInstanceOf(ConflictError);
    expect(await emitted).toMatchObject({ uri, local: { title: 'Oat milk' }, server: theirs });
    expect(client.conflicts()).toEqual([expect.objectContaining({ uri, fields: ['title'], server: theirs, serverEtag: `"${theirs.version}"`, local: expect.objectContaining({ title: 'Oat milk', order: 5 }) })]);
    // The server's version with the local change that merged cleanly; nothing sent meanwhile.
    expect(client.store.get(uri)?.data).toMatchObject({ title: 'Soy milk', done: true, order: 5 });
    expect(client.outbox.size()).toBe(0);
    expect(await onServer()).toEqual(theirs);

    const resolved = await client.resolve(uri, { ...client.store.get(uri)?.data, title: 'Oat milk' });
    expect(resolved).toMatchObject({ title: 'Oat milk', done: true, order: 5 });
    expect(await onServer()).toEqual(resolved);
    expect(client.conflicts()).toEqual([]);
    await expect(client.resolve(uri, 'server')).rejects.toMatchObject({ code: 'not-found' });
  });

  it('edit against delete: held by merge (resolved with the server: gone), re-created by client-wins', async () => {
    const { app, proxy, client, todo, uri, list } = await conflictSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    await request(app, 'DELETE', uri);
    proxy.restore();
    await expect(local).rejects.toBeInstanceOf(ConflictError);
    expect(client.conflicts()).toEqual([expect.objectContaining({ uri, server: null, serverEtag: null, local: expect.objectContaining({ title: 'Oat milk' }) })]);
    expect(await client.resolve(uri, 'server')).toBeNull();
    expect(client.store.get(uri)).toBeUndefined();

    // The same with client-wins on the call: the local version comes back at the same URI.
    const second = (await request(app, 'POST', '/todos', { body: { title: 'Bread', list: list.id } })).body;
    await client.resource(todos).get(second.id);
    proxy.cut();
    const kept = client.resource(todos).patch(second.id, { done: true }, { conflict: 'client-wins' });
    await request(app, 'DELETE', `/todos/${second.id}`);
    proxy.restore();
    expect(await kept).toMatchObject({ id: second.id, title: 'Bread', done: true });
    expect((await request(app, 'GET', `/todos/${second.id}`)).body).toMatchObject({ title: 'Bread', done: true });
  });

  it('delete against edit: server-wins brings the edited record back', async () => {
    const { app, proxy, client, todo, uri, serverPatch } = await conflictSetUp({ todos: 'server-wins' });
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).delete(todo.id);
    expect(client.store.get(uri)?.data).toBeNull();
    const theirs = await serverPatch({ done: true });
    proxy.restore();
    await expect(local).rejects.toBeInstanceOf(ConflictError);
    expect(client.store.get(uri)).toMatchObject({ dirty: false, data: theirs });
  });

  it('a third writer during a merge write-back causes a second merge, never an overwrite', async () => {
    let third: Record<string, unknown> | undefined;
    let app: Awaited<ReturnType<typeof offlineSetUp>>['app'] | undefined;
    let uri = '';
    const { client, proxy, log, todo, serverPatch, onServer, ...setup } = await conflictSetUp({}, async (sent) => {
      // Just before the first write-back leaves, someone else changes another field.
      if (app && third === undefined && sent === `PUT ${uri}`) third = (await request(app, 'PATCH', uri, { headers: mergePatch, body: { order: 7 } })).body;
    });
    ({ app, uri } = setup);
    await using _app = app;
    await using _proxy = proxy;
    await using _client = client;
    const local = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    await serverPatch({ done: true });
    log.length = 0;
    proxy.restore();
    expect(await local).toMatchObject({ title: 'Oat milk', done: true, order: 7 });
    await drained(client);
    expect(third).toMatchObject({ order: 7 });
    // The first write-back met the third writer's version: read again, merged again, written once.
    expect(log.slice(-3)).toEqual([`PUT ${uri} 412`, `GET ${uri} 200`, `PUT ${uri} 200`]);
    expect(log.filter((line) => line.startsWith('PUT')).length).toBe(2);
    expect(await onServer()).toMatchObject({ title: 'Oat milk', done: true, order: 7 });
  });
});
