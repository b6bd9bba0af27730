import type { ChangeEvent } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { createStreamSubscriptions } from '../src/index.js';
import { blockable, connectClient, createTestSyncline, lists, request, todos, until } from './support.js';
import { createManualClock } from '@syncline/server/testing';

describe('event streams in the client', () => {
  it("transport 'sse': live views over event streams and requests over HTTP, with the same API", async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport: 'sse' });
    expect(client.transport()).toBe('sse');
    const list = await client.resource(lists).create({ title: 'L' });
    const open = client.resource(todos).liveQuery({ where: { list: list.id, done: false } });
    await open.ready;
    const todo = await client.resource(todos).create({ title: 'a', list: list.id });
    await until(open, (items) => items.length === 1);
    await request(app, 'PATCH', `/todos/${todo.id}`, { headers: { 'content-type': 'application/merge-patch+json' }, body: { done: true } });
    await until(open, (items) => items.length === 0);
    const record = client.resource(todos).live(todo.id);
    await until(record, (value) => value?.done === true);
    expect(app.stats()).toMatchObject({ connections: 0, streams: 2 });
    open.close();
    record.close();
    await expect.poll(() => app.stats().streams).toBe(0);
  });

  it('a dropped stream resumes from its last seq: every missed change once, in order', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    // The reconnect waits 200 ms (random 1 → the whole cap) on a clock the test moves: the writes below land while it is down.
    const clock = createManualClock();
    const streams = createStreamSubscriptions({ baseUrl: `http://127.0.0.1:${port}`, minDelayMs: 200, random: () => 1, clock });
    const events: ChangeEvent[] = [];
    const snapshots: boolean[] = [];
    const subscription = streams.open('/lists', {
      onSnapshot: (_body, _seq, reset) => snapshots.push(reset),
      onChange: (event) => events.push(event),
      onError: (error) => expect.unreachable(String(error)),
    });
    await expect.poll(() => snapshots.length).toBe(1);
    await request(app, 'POST', '/lists', { body: { title: 'a' } });
    await expect.poll(() => events.length).toBe(1);
    streams.reconnect();
    await expect.poll(() => streams.reachability()).toEqual({ kind: 'connecting', attempt: 2 });
    for (const title of ['b', 'c', 'd']) await request(app, 'POST', '/lists', { body: { title } });
    await clock.advance(199);
    expect(events).toHaveLength(1);
    await clock.advance(1);
    await expect.poll(() => events.length).toBe(4);
    await request(app, 'POST', '/lists', { body: { title: 'e' } });
    await expect.poll(() => events.length).toBe(5);
    await app.flush();
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
    // Named by the client's subscription id, as on the socket.
    expect(events.map((e) => e.subscription)).toEqual(Array(5).fill(subscription.id));
    expect(snapshots).toEqual([false]);
    expect(subscription.lastSeq()).toBe(5);
    streams.close();
    await expect.poll(() => app.stats().streams).toBe(0);
  });

  it('a refused stream (404) ends the view with the error, as a refused SUBSCRIBE does', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport: 'sse' });
    const missing = client.resource(todos).live('nope');
    await expect(missing.ready).rejects.toMatchObject({ code: 'not-found' });
  });
});

describe("transport 'auto': falling back when the socket cannot be opened", () => {
  it('goes live over event streams on a server whose socket path is elsewhere', async () => {
    await using app = await createTestSyncline({ livePath: '/not-here' });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port);
    await using other = connectClient(port, { transport: 'http' });
    // Made before the socket failed: it waits for the fallback, not for its 10 s timeout.
    expect(client.state().kind).toBe('connecting');
    const started = Date.now();
    const list = await client.resource(lists).create({ title: 'L' });
    expect(Date.now() - started).toBeLessThan(2000);
    const open = client.resource(todos).liveQuery({ where: { list: list.id } });
    await open.ready;
    expect(client.transport()).toBe('sse');
    expect(client.state().kind).toBe('open');
    await other.resource(todos).create({ title: 'from elsewhere', list: list.id });
    await until(open, (items) => items.some((t) => t.title === 'from elsewhere'));
    expect((await client.resource(todos).create({ title: 'mine', list: list.id })).title).toBe('mine');
    await until(open, (items) => items.length === 2);
    expect(app.stats()).toMatchObject({ connections: 0, streams: 1 });
  });

  it('moves back to the socket once it opens, without losing or repeating a change', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const blocked = { value: true };
    await using client = connectClient(port, { WebSocket: blockable(blocked), maxDelayMs: 100 });
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const open = client.resource(todos).liveQuery({ where: { list: list.body.id }, order: 'order' });
    await expect.poll(() => client.transport()).toBe('sse');
    await open.ready;
    const seen: string[] = [];
    open.subscribe(() => seen.push(open.getSnapshot().map((t) => t.title).join(',')));
    await request(app, 'POST', '/todos', { body: { title: 'over sse', list: list.body.id, order: 1 } });
    await until(open, (items) => items.length === 1);
    expect(app.stats()).toMatchObject({ connections: 0, streams: 1 });

    blocked.value = false;
    // Writes while the client moves over.
    const writes = (async () => {
      for (let i = 0; i < 10; i++) await request(app, 'POST', '/todos', { body: { title: `w${i}`, list: list.body.id, order: 2 + i } });
    })();
    await expect.poll(() => client.transport(), { timeout: 5000 }).toBe('socket');
    await writes;
    await until(open, (items) => items.length === 11);
    await expect.poll(() => app.stats()).toMatchObject({ connections: 1, streams: 0, subscriptions: 1 });
    expect(open.getSnapshot().map((t) => t.title)).toEqual(['over sse', ...Array.from({ length: 10 }, (_, i) => `w${i}`)]);
    // The view never showed a todo twice.
    expect(seen.every((titles) => new Set(titles.split(',')).size === titles.split(',').length)).toBe(true);
    await request(app, 'POST', '/todos', { body: { title: 'over the socket', list: list.body.id, order: 99 } });
    await until(open, (items) => items.at(-1)?.title === 'over the socket');
  });
});
