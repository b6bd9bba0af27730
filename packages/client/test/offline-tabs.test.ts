import { uuidv7 } from '@syncline/schema';
import { describe, expect, it, vi } from 'vitest';
import { memoryPersistence, type ReplicaPersistence } from '../src/index.js';
import { joinTabs } from '../src/offline/tabs.js';
import { createFakeLocks } from './offline-support/fake-locks.js';
import { drained, offlineClient, offlineSetUp, recordingFetch } from './offline-support/offline-setup.js';
import { request, todos } from './support.js';

/** A "tab": a client on the shared persistence and locks, with its own channel and request log. */
function openTab(port: number, persistence: ReplicaPersistence, locks: ReturnType<typeof createFakeLocks>, channelName: string) {
  const { fetch, log } = recordingFetch();
  const client = offlineClient(port, { persistence, tabs: { locks, channel: new BroadcastChannel(channelName) } }, { fetch });
  return { client, log, writes: () => log.filter((line) => /^(PUT|PATCH|DELETE)/.test(line)) };
}

/** Two loaded tabs of one replica: one persistence, one lock manager, one channel. */
async function twoTabs(port: number) {
  const persistence = memoryPersistence();
  const locks = createFakeLocks();
  const channel = `syncline:${uuidv7()}`;
  const first = openTab(port, persistence, locks, channel);
  await first.client.ready;
  const second = openTab(port, persistence, locks, channel);
  await second.client.ready;
  return { persistence, first, second };
}

describe('tabs sharing one replica', () => {
  it('only the tab holding the lock sends, every tab shows the result, nothing is sent twice', async () => {
    const { app, proxy, list, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const { persistence, first, second } = await twoTabs(proxy.port);
    await using _first = first.client;
    await using _second = second.client;
    await first.client.resource(todos).get(todo.id);
    await second.client.resource(todos).get(todo.id);

    const [fromFirst, fromSecond] = await Promise.all([
      first.client.resource(todos).patch(todo.id, { title: 'Oat milk' }),
      second.client.resource(todos).create({ title: 'Bread', list: list.id }),
    ]);
    expect(fromFirst).toMatchObject({ title: 'Oat milk' });
    expect(fromSecond).toMatchObject({ title: 'Bread' });
    expect(second.writes()).toEqual([]);
    expect(first.writes()).toEqual([`PATCH ${uri} 200`, `PUT /todos/${fromSecond.id} 201`]);
    // The second tab follows: its own create is confirmed, the first tab's edit shows.
    await vi.waitFor(() => expect(second.client.store.get(uri)).toMatchObject({ dirty: false, data: { title: 'Oat milk' } }));
    expect(second.client.store.get(`/todos/${fromSecond.id}`)).toMatchObject({ dirty: false, data: fromSecond });
    expect(second.client.outbox.size()).toBe(0);
    expect((await request(app, 'GET', `/todos?list=${list.id}`)).body.items).toHaveLength(2);
  });

  it('when the sending tab closes, another takes the lock and sends what waits, once', async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const { persistence, first, second } = await twoTabs(proxy.port);
    await using _second = second.client;
    await first.client.resource(todos).get(todo.id);

    proxy.cut();
    first.client.resource(todos).patch(todo.id, { done: true }).catch(() => {});
    const waiting = second.client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    await vi.waitFor(async () => expect((await persistence.load()).outbox).toHaveLength(2));
    await vi.waitFor(() => expect(second.client.store.get(uri)).toMatchObject({ dirty: true, data: { title: 'Oat milk', done: true } }));
    // The sending tab's finding reaches the other tab's indicator.
    await vi.waitFor(() => expect(second.client.outbox.reachable()).toBe(false));
    first.client.close();

    proxy.restore();
    expect(await waiting).toMatchObject({ title: 'Oat milk', done: true });
    await drained(second.client);
    expect(second.writes()).toEqual([`PATCH ${uri} 200`, `PATCH ${uri} 200`]);
    expect(first.writes()).toEqual([]);
    expect((await request(app, 'GET', uri)).body).toMatchObject({ title: 'Oat milk', done: true });
    expect((await persistence.load()).outbox).toEqual([]);
  });

  it("a write from a tab that does not send settles there when the sender merges it or holds it", async () => {
    const { app, proxy, todo, uri } = await offlineSetUp();
    await using _app = app;
    await using _proxy = proxy;
    const { persistence, first, second } = await twoTabs(proxy.port);
    await using _first = first.client;
    await using _second = second.client;
    await first.client.resource(todos).get(todo.id);
    await second.client.resource(todos).get(todo.id);

    proxy.cut();
    const merged = second.client.resource(todos).patch(todo.id, { title: 'Oat milk' });
    await vi.waitFor(async () => expect((await persistence.load()).outbox).toHaveLength(1));
    await request(app, 'PATCH', uri, { headers: { 'content-type': 'application/merge-patch+json' }, body: { done: true } });
    proxy.restore();
    // The first tab sends, meets the server's edit, merges and writes back: the second tab's call gets the result.
    expect(await merged).toMatchObject({ title: 'Oat milk', done: true });
    expect(second.writes()).toEqual([]);

    proxy.cut();
    const held = second.client.resource(todos).patch(todo.id, { title: 'Soy milk' });
    await vi.waitFor(async () => expect((await persistence.load()).outbox).toHaveLength(1));
    await request(app, 'PATCH', uri, { headers: { 'content-type': 'application/merge-patch+json' }, body: { title: 'Rice milk' } });
    proxy.restore();
    await expect(held).rejects.toMatchObject({ code: 'precondition-failed' });
    await vi.waitFor(() => expect(second.client.conflicts()).toEqual([expect.objectContaining({ uri, fields: ['title'] })]));
  });
});

describe('tab coordination by the platform', () => {
  it('names the lock and the channel after the replica, so two replicas on one origin each have their own sender', async () => {
    const asked: string[] = [];
    vi.stubGlobal('navigator', { locks: { request: (name: string, callback: () => Promise<void>) => (asked.push(name), callback()) } });
    try {
      const ana = joinTabs({ coordination: undefined, url: 'syncline:https://todo.example:ana', onLeader: () => {}, onMessage: () => {} });
      const bob = joinTabs({ coordination: undefined, url: 'syncline:https://todo.example:bob', onLeader: () => {}, onMessage: () => {} });
      expect(asked).toEqual(['syncline-outbox:syncline:https://todo.example:ana', 'syncline-outbox:syncline:https://todo.example:bob']);
      expect(ana.isLeader() && bob.isLeader()).toBe(true);
      ana.close();
      bob.close();
    } finally {
      vi.unstubAllGlobals();
    }
  });
});
