import type { ChangeEvent } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { createConnection, createRequestTracker, createSubscriptions } from '../src/index.js';
import { connectClient, createTestSyncline, fileServer, lists, request, tempFile, todos, until, whenOpen } from './support.js';
import { createManualClock } from '@syncline/server/testing';

describe('subscriptions across reconnects', () => {
  it('resume after the client socket drops: every missed change once, in order, then live ones', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    // The reconnect waits 300 ms (random 1 → the whole cap) on a clock the test moves: the writes below land while it is down.
    const clock = createManualClock();
    const connection = createConnection({ url: `ws://127.0.0.1:${port}/live`, minDelayMs: 300, random: () => 1, clock, onFrame: (frame) => void (tracker.receive(frame) || subscriptions.receive(frame)) });
    const tracker = createRequestTracker({ connection });
    const subscriptions = createSubscriptions(connection, tracker);
    const events: ChangeEvent[] = [];
    const snapshots: boolean[] = [];
    const subscription = subscriptions.open('/lists', {
      onSnapshot: (_body, _seq, reset) => snapshots.push(reset),
      onChange: (event) => events.push(event),
      onError: (error) => expect.unreachable(String(error)),
    });
    await expect.poll(() => snapshots.length).toBe(1);
    await request(app, 'POST', '/lists', { body: { title: 'a' } });
    await expect.poll(() => events.length).toBe(1);

    connection.drop();
    expect(connection.state()).toEqual({ kind: 'connecting', attempt: 2 });
    for (const title of ['b', 'c', 'd']) await request(app, 'POST', '/lists', { body: { title } });
    await clock.advance(299);
    expect(connection.state().kind).toBe('connecting');
    expect(events).toHaveLength(1);
    await clock.advance(1);
    await expect.poll(() => events.length).toBe(4);
    await request(app, 'POST', '/lists', { body: { title: 'e' } });
    await expect.poll(() => events.length).toBe(5);
    await app.flush();

    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(events.map((e) => e.body?.['title'])).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(snapshots).toEqual([false]);
    expect(subscription.lastSeq()).toBe(5);
    connection.close();
  });

  it('a live query survives a server restart on the same port and data, with writes made meanwhile', async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename);
    const { port } = await first.listen();
    const list = (await request(first.app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const milk = (await request(first.app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery({ where: { list: list.id }, order: 'title' });
    await until(open, (items) => items.length === 1);
    await first.app.close();

    const second = await fileServer(file.filename, port);
    await using _second = second.app;
    await request(second.app, 'POST', '/todos', { body: { title: 'Bread', list: list.id } });
    await request(second.app, 'PATCH', `/todos/${milk.id}`, { headers: { 'content-type': 'application/merge-patch+json' }, body: { done: true } });
    await second.listen();
    await whenOpen(client);

    const server = (await request(second.app, 'GET', `/todos?list=${list.id}&order=title`)).body.items;
    await until(open, (items) => JSON.stringify(items) === JSON.stringify(server));
    expect(open.getSnapshot().map((t) => [t.title, t.done])).toEqual([['Bread', false], ['Milk', true]]);
  });

  it('replaces its copy with the fresh snapshot when the log was trimmed (reset)', async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename);
    const { port } = await first.listen();
    const list = (await request(first.app, 'POST', '/lists', { body: { title: 'L' } })).body;
    const milk = (await request(first.app, 'POST', '/todos', { body: { title: 'Milk', list: list.id } })).body;
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery({ where: { list: list.id }, order: 'title' });
    await until(open, (items) => items.length === 1);
    // Beside the live query, a bare subscription shows which answer came.
    const connection = createConnection({ url: `ws://127.0.0.1:${port}/live`, minDelayMs: 10, maxDelayMs: 50, onFrame: (frame) => void (tracker.receive(frame) || subscriptions.receive(frame)) });
    const tracker = createRequestTracker({ connection });
    const subscriptions = createSubscriptions(connection, tracker);
    const snapshots: Array<[boolean, number]> = [];
    subscriptions.open('/todos', { onSnapshot: (_body, seq, reset) => snapshots.push([reset, seq]), onChange: () => {}, onError: () => {} });
    await expect.poll(() => snapshots.length).toBe(1);
    await first.app.close();

    const second = await fileServer(file.filename, port);
    await using _second = second.app;
    await request(second.app, 'DELETE', `/todos/${milk.id}`);
    for (const title of ['Bread', 'Eggs']) await request(second.app, 'POST', '/todos', { body: { title, list: list.id } });
    await second.storage.trimLog(1);
    await second.listen();

    await until(open, (items) => items.map((t) => t.title).join() === 'Bread,Eggs');
    await expect.poll(() => snapshots).toEqual([[false, 2], [true, 5]]);
    connection.close();
  });

  it('a live record deleted while away is gone after the reconnect, even when the log was trimmed', async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename);
    const { port } = await first.listen();
    const list = (await request(first.app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await using client = connectClient(port);
    const live = client.resource(lists).live(list.id);
    await live.ready;
    await first.app.close();

    const second = await fileServer(file.filename, port);
    await using _second = second.app;
    await request(second.app, 'DELETE', `/lists/${list.id}`);
    await request(second.app, 'POST', '/lists', { body: { title: 'other' } });
    await second.storage.trimLog(1);
    await second.listen();
    await until(live, (record) => record === undefined);
    expect(live.error()).toMatchObject({ code: 'not-found' });
  });
});
