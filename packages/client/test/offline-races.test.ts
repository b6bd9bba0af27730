import { describe, expect, it, vi } from 'vitest';
import { memoryPersistence, type ReplicaPersistence } from '../src/index.js';
import { drained, nextEvent, offlineClient, offlineSetUp } from './offline-support/offline-setup.js';
import { request, todos } from './support.js';

/** A persistence whose second `load` (the refresh that starts the sender) waits until `release`. */
function heldSecondLoad(): { persistence: ReplicaPersistence; loading: Promise<void>; release: () => void } {
  const inner = memoryPersistence();
  let loads = 0;
  let started = (): void => {};
  let release = (): void => {};
  const loading = new Promise<void>((resolve) => (started = resolve));
  const gate = new Promise<void>((resolve) => (release = resolve));
  const persistence: ReplicaPersistence = {
    async load() {
      if (++loads === 2) {
        started();
        await gate;
      }
      return inner.load();
    },
    commit: (batch) => inner.commit(batch),
    close: () => inner.close(),
    destroy: () => inner.destroy(),
  };
  return { persistence, loading, release };
}

describe('offline writes racing the replica’s own work', () => {
  it('a write made while a refresh reads persistence is kept in memory, sent and settled', async () => {
    const { app, proxy, list } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const { persistence, loading, release } = heldSecondLoad();
    await using client = offlineClient(proxy.port, { persistence });
    await client.ready;
    await loading;

    let settled = false;
    const created = client.resource(todos).create({ title: 'Bread', list: list.id });
    void created.then(() => (settled = true));
    release();
    await vi.waitFor(() => expect(settled).toBe(true), { timeout: 3000 });
    const bread = await created;
    expect((await request(app, 'GET', `/todos/${bread.id}`)).body).toEqual(bread);
    await drained(client);
    expect((await persistence.load()).outbox).toEqual([]);
  });
});

describe('a write replaced by a later local delete', () => {
  it('settles the edit with not-found and the delete with success when one write-back carries both', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = offlineClient(proxy.port, { policy: 'client-wins' });
    await client.ready;
    await client.resource(todos).get(todo.id);
    proxy.cut();
    const edited = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    const deleted = client.resource(todos).delete(todo.id);
    await request(app, 'PATCH', uri, { body: { done: true }, headers: { 'content-type': 'application/merge-patch+json' } });

    proxy.restore();
    await expect(edited).rejects.toMatchObject({ code: 'not-found', status: 404 });
    await expect(deleted).resolves.toBeUndefined();
    expect((await request(app, 'GET', uri)).status).toBe(404);
    expect(client.store.get(uri)).toBeUndefined();
  });
});

describe('resolving a held conflict with the server’s version', () => {
  it('answers the server’s record, not the view with the edits made since the hold', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    await using client = offlineClient(proxy.port, { policy: 'merge' });
    await client.ready;
    await client.resource(todos).get(todo.id);
    proxy.cut();
    const mine = client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    const theirs = (await request(app, 'PATCH', uri, { body: { title: 'Soy milk' }, headers: { 'content-type': 'application/merge-patch+json' } })).body;
    const held = nextEvent(client, 'conflict');
    proxy.restore();
    await expect(mine).rejects.toMatchObject({ code: 'precondition-failed' });
    await held;

    proxy.cut();
    const later = client.resource(todos).patch(todo.id, { done: true });
    expect(client.store.get(uri)?.data).toMatchObject({ title: 'Soy milk', done: true });
    await expect(client.resolve(uri, 'server')).resolves.toEqual(theirs);
    proxy.restore();
    await expect(later).resolves.toMatchObject({ title: 'Soy milk', done: true, version: theirs.version + 1 });
  });
});
