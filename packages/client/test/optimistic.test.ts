import { SynclineError } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { ConflictError } from '../src/index.js';
import { connectClient, createTestSyncline, request, todos, until } from './support.js';

const merge = { 'content-type': 'application/merge-patch+json' };

async function setUp() {
  const app = await createTestSyncline();
  const { port } = await app.listen(0, '127.0.0.1');
  const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body;
  const todo = (await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
  return { app, port, list, todo };
}

describe('optimistic writes', () => {
  it('show at once, dirty, then confirmed with the server version and etag', async () => {
    const { app, port, list, todo } = await setUp();
    await using _app = app;
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery({ where: { list: list.id, done: false } });
    await open.ready;
    const uri = `/todos/${todo.id}`;

    const pending = client.resource(todos).patch(todo.id, { done: true, title: 'Oat milk' });
    // Synchronously: the store and the live query already show the edit.
    expect(client.store.get(uri)).toMatchObject({ dirty: true, data: { title: 'Oat milk', done: true }, base: { title: 'Milk' }, etag: `"${todo.version}"` });
    expect(open.getSnapshot()).toEqual([]);

    const confirmed = await pending;
    expect(confirmed.version).toBeGreaterThan(todo.version);
    expect(client.store.get(uri)).toEqual({ uri, dirty: false, etag: `"${confirmed.version}"`, data: confirmed, base: confirmed });
    expect((await request(app, 'GET', uri)).body).toEqual(confirmed);
    expect(open.getSnapshot()).toEqual([]);
  });

  it('a refused write is rolled back and rejects with the reason', async () => {
    const { app, port, list, todo } = await setUp();
    await using _app = app;
    await using client = connectClient(port);
    const live = client.resource(todos).live(todo.id);
    await live.ready;
    const seen: Array<string | undefined> = [];
    live.subscribe(() => seen.push(live.getSnapshot()?.title));

    const error = await client.resource(todos).update(todo.id, { title: '', list: list.id }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SynclineError);
    expect(error).toMatchObject({ code: 'validation-failed', status: 422 });
    expect(seen).toEqual(['', 'Milk']);
    expect(client.store.get(`/todos/${todo.id}`)).toMatchObject({ dirty: false, data: { title: 'Milk' } });
  });

  it('a 412 is a conflict carrying the local and the server version, also emitted on the client', async () => {
    const { app, port, todo } = await setUp();
    await using _app = app;
    await using client = connectClient(port, { transport: 'http' });
    await client.resource(todos).get(todo.id);
    // Someone else writes first: the replica's etag is now stale.
    const theirs = (await request(app, 'PATCH', `/todos/${todo.id}`, { headers: merge, body: { title: 'Soy milk' } })).body;
    const emitted: ConflictError[] = [];
    client.on('conflict', (conflict) => emitted.push(conflict));

    const error = await client.resource(todos).patch(todo.id, { title: 'Oat milk' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    const conflict = error as ConflictError;
    expect(conflict).toMatchObject({ code: 'precondition-failed', status: 412, uri: `/todos/${todo.id}`, serverEtag: `"${theirs.version}"` });
    expect(conflict.local).toMatchObject({ title: 'Oat milk', version: todo.version });
    expect(conflict.server).toEqual(theirs);
    expect(emitted).toEqual([conflict]);
    // The replica follows the server now; the attempted version lives on in the error.
    expect(client.store.get(`/todos/${todo.id}`)).toMatchObject({ dirty: false, data: theirs });
  });

  it('an optimistic delete leaves the live query at once and is confirmed', async () => {
    const { app, port, list, todo } = await setUp();
    await using _app = app;
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery({ where: { list: list.id } });
    await until(open, (items) => items.length === 1);
    const pending = client.resource(todos).delete(todo.id);
    expect(open.getSnapshot()).toEqual([]);
    await pending;
    expect((await request(app, 'GET', `/todos/${todo.id}`)).status).toBe(404);
    expect(open.getSnapshot()).toEqual([]);
  });
});
