import { describe, expect, it } from 'vitest';
import { createReachabilityTracker } from '../src/sse/stream-reachability.js';
import type { SynclineClient } from '../src/index.js';
import { blockable, connectClient, fileServer, lists, request, tempFile, todos, until } from './support.js';

/** Every state the client reports from now on, as `open`, `connecting 3` or `closed`. */
function record(client: SynclineClient): string[] {
  const seen: string[] = [];
  client.onStateChange((state) => seen.push(state.kind === 'connecting' ? `connecting ${state.attempt}` : state.kind));
  return seen;
}

const opens = (seen: readonly string[]): number => seen.filter((kind) => kind === 'open').length;

describe('client.state() while event streams carry the live views', () => {
  it("after the fallback: reconnecting through a server outage, then 'open' once, and the live data resumes", async () => {
    await using file = await tempFile();
    // The socket path is elsewhere on both servers: the client stays on event streams throughout.
    const first = await fileServer(file.filename, 0, { livePath: '/not-here' });
    const { port } = await first.listen();
    const list = (await request(first.app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await using client = connectClient(port);
    const open = client.resource(todos).liveQuery({ where: { list: list.id }, order: 'title' });
    await open.ready;
    expect(client.transport()).toBe('sse');
    expect(client.state()).toEqual({ kind: 'open' });

    const seen = record(client);
    await first.app.close();
    // The stream ends with the server; the backoff (at most 50 ms here) retries and fails.
    await expect.poll(() => client.state().kind, { timeout: 2000 }).toBe('connecting');
    await expect.poll(() => seen.length, { timeout: 2000 }).toBeGreaterThanOrEqual(2);
    expect(seen.every((kind) => kind.startsWith('connecting '))).toBe(true);
    expect(client.state()).toEqual({ kind: 'connecting', attempt: expect.any(Number) });

    const second = await fileServer(file.filename, port, { livePath: '/not-here' });
    await using _second = second.app;
    await request(second.app, 'POST', '/todos', { body: { title: 'Bread', list: list.id } });
    await second.listen();
    await until(open, (items) => items.map((t) => t.title).join() === 'Bread');
    await expect.poll(() => client.state().kind).toBe('open');
    await request(second.app, 'POST', '/todos', { body: { title: 'Eggs', list: list.id } });
    await until(open, (items) => items.map((t) => t.title).join() === 'Bread,Eggs');
    expect(client.transport()).toBe('sse');
    expect(opens(seen)).toBe(1);
    expect(seen.at(-1)).toBe('open');
  });

  it("transport 'sse': the same, without a socket at all", async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename);
    const { port } = await first.listen();
    const list = (await request(first.app, 'POST', '/lists', { body: { title: 'L' } })).body;
    await using client = connectClient(port, { transport: 'sse' });
    const live = client.resource(lists).live(list.id);
    await live.ready;
    const seen = record(client);
    await first.app.close();
    await expect.poll(() => client.state().kind, { timeout: 2000 }).toBe('connecting');

    const second = await fileServer(file.filename, port);
    await using _second = second.app;
    await second.listen();
    await expect.poll(() => client.state().kind).toBe('open');
    await request(second.app, 'PATCH', `/lists/${list.id as string}`, { headers: { 'content-type': 'application/merge-patch+json' }, body: { title: 'Renamed' } });
    await until(live, (value) => value?.title === 'Renamed');
    expect(opens(seen)).toBe(1);
    expect(seen[0]).toMatch(/^connecting /);
  });

  it("moving back to the socket once it opens is no second 'open', and one 'transport' event each way", async () => {
    await using file = await tempFile();
    const app = await fileServer(file.filename);
    const { port } = await app.listen();
    await using _app = app.app;
    const blocked = { value: true };
    await using client = connectClient(port, { WebSocket: blockable(blocked) });
    const seen = record(client);
    const moves: string[] = [];
    client.on('transport', (transport) => moves.push(transport));
    const open = client.resource(lists).liveQuery();
    await expect.poll(() => client.transport()).toBe('sse');
    await open.ready;
    await expect.poll(() => client.state().kind).toBe('open');
    blocked.value = false;
    await expect.poll(() => client.transport(), { timeout: 5000 }).toBe('socket');
    await request(app.app, 'POST', '/lists', { body: { title: 'over the socket' } });
    await until(open, (items) => items.length === 1);
    // Connecting (the socket's attempts), open once the stream connected, and nothing when the socket took over.
    expect(opens(seen)).toBe(1);
    expect(seen.at(-1)).toBe('open');
    expect(seen.slice(0, -1).every((kind) => kind.startsWith('connecting '))).toBe(true);
    expect(moves).toEqual(['sse', 'socket']);
  });

  it("an outage on event streams that ends on the socket: 'open' once, whichever transport answers first", async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename);
    const { port } = await first.listen();
    const blocked = { value: true };
    await using client = connectClient(port, { WebSocket: blockable(blocked) });
    const open = client.resource(lists).liveQuery({ order: 'title' });
    await expect.poll(() => client.transport()).toBe('sse');
    await open.ready;
    await expect.poll(() => client.state().kind).toBe('open');
    const seen = record(client);
    await first.app.close();
    await expect.poll(() => client.state().kind, { timeout: 2000 }).toBe('connecting');

    blocked.value = false;
    const second = await fileServer(file.filename, port);
    await using _second = second.app;
    await request(second.app, 'POST', '/lists', { body: { title: 'a' } });
    await second.listen();
    await expect.poll(() => client.transport(), { timeout: 5000 }).toBe('socket');
    await until(open, (items) => items.map((l) => l.title).join() === 'a');
    await request(second.app, 'POST', '/lists', { body: { title: 'b' } });
    await until(open, (items) => items.map((l) => l.title).join() === 'a,b');
    expect(opens(seen)).toBe(1);
    expect(seen.at(-1)).toBe('open');
  });

  it('a fallback while the server is down counts on from the socket\'s attempts, and is open once when it starts', async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename, 0, { livePath: '/not-here' });
    const { port } = await first.listen();
    await first.app.close();
    // The socket's attempts 2 to 4 are heard before the fallback at the fifth.
    await using client = connectClient(port, { fallbackAfterFailures: 4 });
    const attempts: number[] = [];
    client.onStateChange((state) => void (state.kind === 'connecting' ? attempts.push(state.attempt) : attempts.push(0)));
    const open = client.resource(lists).liveQuery();
    await expect.poll(() => client.transport()).toBe('sse');
    await expect.poll(() => attempts.length, { timeout: 2000 }).toBeGreaterThanOrEqual(6);
    expect(client.state().kind).toBe('connecting');
    // Never back down at the fallback: each attempt higher than the one before.
    expect(attempts.every((attempt, i) => i === 0 || attempt > (attempts[i - 1] ?? 0))).toBe(true);

    const second = await fileServer(file.filename, port, { livePath: '/not-here' });
    await using _second = second.app;
    await second.listen();
    await open.ready;
    await expect.poll(() => client.state().kind).toBe('open');
    expect(attempts.filter((attempt) => attempt === 0)).toHaveLength(1);
  });

  it('with no live view, a fallback is open at once: requests over HTTP say for themselves whether the server answers', async () => {
    await using file = await tempFile();
    const app = await fileServer(file.filename, 0, { livePath: '/not-here' });
    const { port } = await app.listen();
    await using _app = app.app;
    await using client = connectClient(port);
    await expect.poll(() => client.transport()).toBe('sse');
    expect(client.state()).toEqual({ kind: 'open' });
    expect((await client.resource(lists).create({ title: 'L' })).title).toBe('L');
  });

  it('close() during an outage is closed, with no open before it', async () => {
    await using file = await tempFile();
    const first = await fileServer(file.filename, 0, { livePath: '/not-here' });
    const { port } = await first.listen();
    const client = connectClient(port);
    const open = client.resource(lists).liveQuery();
    await open.ready;
    const seen = record(client);
    await first.app.close();
    await expect.poll(() => client.state().kind, { timeout: 2000 }).toBe('connecting');
    client.close();
    expect(seen.at(-1)).toBe('closed');
    expect(opens(seen)).toBe(0);
  });
});

describe('the reachability of a set of streams', () => {
  it('one connected stream is open; all of them failing is connecting at the highest attempt; none is idle', () => {
    const tracker = createReachabilityTracker();
    const heard: string[] = [];
    tracker.onChange((state) => heard.push(state.kind === 'connecting' ? `connecting ${state.attempt}` : state.kind));
    const [a, b] = [{}, {}];
    tracker.update(a, { connected: false, attempt: 1 });
    tracker.update(b, { connected: false, attempt: 1 });
    expect(tracker.current()).toEqual({ kind: 'unknown' });
    tracker.update(a, { connected: true, attempt: 1 });
    tracker.update(b, { connected: false, attempt: 2 });
    expect(tracker.current()).toEqual({ kind: 'open' });
    tracker.update(a, { connected: false, attempt: 2 });
    tracker.update(b, { connected: false, attempt: 3 });
    tracker.update(a, { connected: false, attempt: 3 });
    tracker.update(b, { connected: true, attempt: 1 });
    tracker.remove(b);
    tracker.remove(a);
    expect(heard).toEqual(['unknown', 'open', 'connecting 2', 'connecting 3', 'open', 'connecting 3', 'idle']);
  });
});
