import { describe, expect, it } from 'vitest';
import { createPasswordAuth, createSyncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { ownedNotes } from '../support/signed-in.js';
import { SseClient } from '../support/sse-client.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

const merge = { 'content-type': 'application/merge-patch+json' };

describe('event streams on a record or collection URI', () => {
  it('answers text/event-stream with the snapshot, then the same change events as a socket subscription, each with its seq as id', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const first = await request(app, 'POST', '/todos', { body: { title: 'first', list: list.body.id } });
    const uri = `/todos?list=${list.body.id}`;

    await using stream = await SseClient.open(port, uri);
    expect(stream.status).toBe(200);
    expect(stream.response.headers['content-type']).toBe('text/event-stream');
    expect(stream.response.headers['cache-control']).toBe('no-cache');
    expect(stream.response.headers['x-accel-buffering']).toBe('no');
    await stream.until(() => stream.named('snapshot').length === 1);
    const snapshot = stream.named('snapshot')[0]!;
    const answer = stream.answers('snapshot')[0];
    // Named by a short id (the stream's only subscription: 0), whatever the URI's length.
    expect(answer).toMatchObject({ subscription: 0, resource: uri, status: 200, headers: { 'syncline-seq': String(first.body.version) } });
    expect(answer.body.items.map((t: { title: string }) => t.title)).toEqual(['first']);
    expect(snapshot.lastEventId).toBe(String(first.body.version));
    expect(app.stats().streams).toBe(1);

    // A socket subscribed with the stream's subscription name gets byte-identical change events.
    await using socket = await LiveClient.connect(port);
    await socket.request('SUBSCRIBE', uri, { id: 0 });
    const second = await request(app, 'POST', '/todos', { body: { title: 'second', list: list.body.id } });
    await request(app, 'PATCH', `/todos/${first.body.id}`, { headers: merge, body: { done: true } });
    const changes = await stream.changesFor(2);
    expect(changes.map((c) => [c.op, c.body.title])).toEqual([
      ['enter', 'second'],
      ['update', 'first'],
    ]);
    const frames = await socket.eventsFor(0, 2);
    expect(stream.named('change').map((e) => e.data)).toEqual(frames.map((f) => JSON.stringify(f)));
    expect(stream.named('change').map((e) => e.lastEventId)).toEqual([String(second.body.version), String(second.body.version + 1)]);
    expect(stream.named('change').every((e) => e.hasId)).toBe(true);
  });

  it('follows a filtered collection (enter and leave) and a single record (update, delete)', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const a = await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const b = await request(app, 'POST', '/lists', { body: { title: 'B' } });
    const todo = await request(app, 'POST', '/todos', { body: { title: 't', list: a.body.id } });
    await using open = await SseClient.open(port, `/todos?list=${a.body.id}&done=false`);
    await using record = await SseClient.open(port, `/todos/${todo.body.id}`);
    await open.until(() => open.named('snapshot').length === 1);
    await record.until(() => record.named('snapshot').length === 1);
    expect(JSON.parse(record.named('snapshot')[0]!.data).body).toMatchObject({ id: todo.body.id, title: 't' });

    await request(app, 'PATCH', `/todos/${todo.body.id}`, { headers: merge, body: { done: true } });
    await request(app, 'PATCH', `/todos/${todo.body.id}`, { headers: merge, body: { done: false } });
    await request(app, 'PATCH', `/todos/${todo.body.id}`, { headers: merge, body: { list: b.body.id } });
    await request(app, 'DELETE', `/todos/${todo.body.id}`);
    expect((await open.changesFor(3)).map((c) => c.op)).toEqual(['leave', 'enter', 'leave']);
    expect((await record.changesFor(4)).map((c) => c.op)).toEqual(['update', 'update', 'update', 'delete']);
    await app.flush();
    expect(open.changes()).toHaveLength(3);
  });

  it('a reconnecting stream with Last-Event-ID receives exactly the changes it missed, then live ones', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const uri = `/todos?list=${list.body.id}`;
    const first = await SseClient.open(port, uri);
    const a = await request(app, 'POST', '/todos', { body: { title: 'a', list: list.body.id } });
    await first.changesFor(1);
    const lastEventId = first.lastEventId;
    expect(lastEventId).toBe(String(a.body.version));
    await first[Symbol.asyncDispose]();
    await expect.poll(() => app.stats().streams).toBe(0);
    expect(app.stats().subscriptions).toBe(0);

    await request(app, 'PATCH', `/todos/${a.body.id}`, { headers: merge, body: { done: true } });
    const b = await request(app, 'POST', '/todos', { body: { title: 'b', list: list.body.id } });
    await request(app, 'POST', '/lists', { body: { title: 'unrelated' } });
    await request(app, 'DELETE', `/todos/${a.body.id}`);

    await using second = await SseClient.open(port, uri, { 'last-event-id': lastEventId });
    await second.until(() => second.named('resumed').length === 1);
    expect(second.answers('resumed')[0]).toMatchObject({ subscription: 0, resource: uri, status: 200, headers: { 'syncline-resume': 'resumed', 'syncline-seq': lastEventId } });
    expect(second.named('snapshot')).toHaveLength(0);
    const missed = await second.changesFor(3);
    expect(missed.map((c) => [c.op, c.body?.title ?? null, c.seq])).toEqual([
      ['update', 'a', a.body.version + 1],
      ['enter', 'b', a.body.version + 2],
      ['leave', null, a.body.version + 4],
    ]);
    await request(app, 'PATCH', `/todos/${b.body.id}`, { headers: merge, body: { title: 'b2' } });
    const all = await second.changesFor(4);
    expect(all[3]).toMatchObject({ op: 'update', body: { title: 'b2' } });
    await app.flush();
    expect(second.changes()).toHaveLength(4);
    expect(second.lastEventId).toBe(String(all[3].seq));
  });

  it('when the log no longer reaches back, sends a reset event and a fresh snapshot', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await using app = await createTestSyncline({ storage });
    const { port } = await app.listen(0, '127.0.0.1');
    for (let i = 0; i < 5; i++) await request(app, 'POST', '/lists', { body: { title: `l${i}` } });
    await storage.trimLog(2);
    await using stream = await SseClient.open(port, '/lists', { 'last-event-id': '1' });
    await stream.until(() => stream.named('snapshot').length === 1);
    const named = stream.events.filter((e) => e.type === 'event').map((e) => e.event);
    expect(named).toEqual(['reset', 'snapshot']);
    expect(stream.answers('reset')).toEqual([{ subscription: 0, resource: '/lists' }]);
    const snapshot = stream.answers('snapshot')[0];
    expect(snapshot.headers).toMatchObject({ 'syncline-resume': 'reset', 'syncline-seq': '5' });
    expect(snapshot.body.items).toHaveLength(5);
    expect(stream.lastEventId).toBe('5');
    const created = await request(app, 'POST', '/lists', { body: { title: 'after' } });
    expect((await stream.changesFor(1))[0]).toMatchObject({ op: 'enter', seq: created.body.version });
  });

  it('answers 404 and 400 as problem+json before any stream starts', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const missing = await SseClient.open(port, '/todos/nope');
    expect(missing.status).toBe(404);
    expect(missing.response.headers['content-type']).toBe('application/problem+json');
    expect((await missing.json()).status).toBe(404);
    const bad = await SseClient.open(port, '/todos?nosuchfield=1');
    expect(bad.status).toBe(400);
    const badId = await SseClient.open(port, '/lists', { 'last-event-id': 'yesterday' });
    expect(badId.status).toBe(400);
    expect(app.stats()).toMatchObject({ streams: 0, subscriptions: 0 });
    // JSON is still the default: only a client that prefers the stream gets one.
    const json = await fetch(`http://127.0.0.1:${port}/lists`, { headers: { accept: 'text/event-stream;q=0.5, application/json' } });
    expect(json.headers.get('content-type')).toBe('application/json');
  });
});

describe('several subscriptions on one stream', () => {
  it('names each subscription in its events, puts a change several see in one event, and its ids resume every subscription', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const a = await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const inA = `/todos?list=${a.body.id}`;
    const open = '/todos?done=false';
    const path = `/live/events?subscribe=${encodeURIComponent(inA)}&subscribe=${encodeURIComponent(open)}&subscribe=%2Flists`;
    const stream = await SseClient.open(port, path);
    expect(stream.status).toBe(200);
    await stream.until(() => stream.named('snapshot').length === 3);
    // Each named by its position among the stream's URIs, with the URI beside it.
    expect(stream.answers('snapshot').map((e) => [e.subscription, e.resource])).toEqual([[0, inA], [1, open], [2, '/lists']]);
    expect(app.stats()).toMatchObject({ streams: 1, subscriptions: 3 });

    const todo = await request(app, 'POST', '/todos', { body: { title: 't', list: a.body.id } });
    await stream.changesFor(2);
    // One change both todo subscriptions see: one event, one data line each, one id.
    const both = stream.named('change').at(-1)!;
    expect(both.data.split('\n').map((line) => JSON.parse(line).subscription).sort()).toEqual([0, 1]);
    expect(both.lastEventId).toBe(String(todo.body.version));
    const list = await request(app, 'POST', '/lists', { body: { title: 'B' } });
    expect((await stream.changesFor(1, 2))[0]).toMatchObject({ op: 'enter', seq: list.body.version });
    const lastEventId = stream.lastEventId;
    expect(lastEventId).toBe(String(list.body.version));
    await stream[Symbol.asyncDispose]();

    // Missed: one change for each subscription, and one for two of them.
    await request(app, 'PATCH', `/todos/${todo.body.id}`, { headers: merge, body: { done: true } });
    const other = await request(app, 'POST', '/todos', { body: { title: 'elsewhere', list: list.body.id } });
    await request(app, 'PATCH', `/lists/${list.body.id}`, { headers: merge, body: { title: 'B2' } });

    await using again = await SseClient.open(port, path, { 'last-event-id': lastEventId });
    await again.until(() => again.named('resumed').length === 3);
    await again.changesFor(4);
    await app.flush();
    expect(again.changes().map((c) => [c.subscription, c.op, c.seq])).toEqual([
      [0, 'update', todo.body.version + 2],
      [1, 'leave', todo.body.version + 2],
      [1, 'enter', other.body.version],
      [2, 'update', other.body.version + 1],
    ]);
  });

  it('cut at any point while writes race, resuming from the last id loses nothing and repeats nothing up to it', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const a = await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const b = await request(app, 'POST', '/lists', { body: { title: 'B' } });
    const inA = `/todos?list=${a.body.id}`;
    const open = '/todos?done=false';
    const path = `/live/events?subscribe=${encodeURIComponent(inA)}&subscribe=${encodeURIComponent(open)}`;
    // The reference: a socket with the same two subscriptions, never cut.
    await using socket = await LiveClient.connect(port);
    await socket.request('SUBSCRIBE', inA, { id: inA });
    await socket.request('SUBSCRIBE', open, { id: open });

    const received = new Map<string, number[]>([[inA, []], [open, []]]);
    // The stream names its subscriptions by their position among its URIs.
    const uriOf = (frame: { subscription: number }): string => [inA, open][frame.subscription]!;
    let lastEventId: string | undefined;
    const ids: string[] = [];
    let writes = 0;
    const write = async (): Promise<void> => {
      const n = writes++;
      const created = await request(app, 'POST', '/todos', { body: { title: `t${n}`, list: n % 3 === 0 ? b.body.id : a.body.id, done: n % 4 === 0 } });
      if (n % 2 === 0) await request(app, 'PATCH', `/todos/${created.body.id}`, { headers: merge, body: { done: n % 4 !== 0 } });
    };
    for (let round = 0; round < 6; round++) {
      const stream = await SseClient.open(port, path, lastEventId === undefined ? {} : { 'last-event-id': lastEventId });
      const before = lastEventId === undefined ? 0 : Number(lastEventId);
      // Two writers, each one write after another: the cut below falls while they still write.
      const racing = Promise.all([0, 1].map(async () => {
        for (let i = 0; i < 6; i++) {
          await write();
          await new Promise((resolve) => setTimeout(resolve, 3));
        }
      }));
      // Cut after a few events, mid-flight.
      await stream.until(() => stream.changes().length >= 2 + round, 5000, 'a few changes');
      stream.close();
      await stream.ended;
      await racing;
      for (const frame of stream.changes()) {
        // Nothing at or below the position resumed from comes again.
        expect(frame.seq).toBeGreaterThan(before);
        received.get(uriOf(frame))!.push(frame.seq);
      }
      if (stream.lastEventId !== '') lastEventId = stream.lastEventId;
      ids.push(stream.lastEventId);
      // A change received after the last id is sent again on resume: keep only what the id covers.
      const upTo = Number(lastEventId ?? 0);
      for (const [key, seqs] of received) received.set(key, seqs.filter((seq) => seq <= upTo));
    }
    const last = await SseClient.open(port, path, { 'last-event-id': lastEventId! });
    // A last change both subscriptions see marks the end.
    const sentinel = (await request(app, 'POST', '/todos', { body: { title: 'end', list: a.body.id } })).body.version as number;
    const truth = (id: string): number[] => socket.events(id).map((f) => f['seq'] as number);
    await socket.waitFor(() => socket.events(inA).some((f) => f['seq'] === sentinel) && socket.events(open).some((f) => f['seq'] === sentinel));
    await last.until(() => last.changes().filter((f) => f.seq === sentinel).length === 2, 5000, 'the last change');
    for (const frame of last.changes()) received.get(uriOf(frame))!.push(frame.seq);
    last.close();
    expect(received.get(inA)).toEqual(truth(inA));
    expect(received.get(open)).toEqual(truth(open));
    expect(new Set(ids).size).toBeGreaterThan(1);
  });

  it('refuses a stream without subscriptions or with one URI twice (400), and counts streams against maxConnections (503)', async () => {
    await using app = await createTestSyncline({ limits: { maxConnections: 1 } });
    const { port } = await app.listen(0, '127.0.0.1');
    expect((await SseClient.open(port, '/live/events')).status).toBe(400);
    expect((await SseClient.open(port, '/live/events?subscribe=%2Flists&subscribe=%2Flists')).status).toBe(400);
    await using first = await SseClient.open(port, '/live/events?subscribe=%2Flists');
    expect(first.status).toBe(200);
    const second = await SseClient.open(port, '/lists');
    expect(second.status).toBe(503);
  });

  it('counts open streams against maxConnections for a WebSocket upgrade too (503), and frees the place when the stream ends', async () => {
    await using app = await createTestSyncline({ limits: { maxConnections: 1 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const stream = await SseClient.open(port, '/lists');
    expect(stream.status).toBe(200);
    await expect(LiveClient.connect(port)).rejects.toThrow(/503/);
    expect(app.stats()).toMatchObject({ connections: 0, streams: 1 });
    stream.close();
    await expect.poll(() => app.stats().streams).toBe(0);
    await using socket = await LiveClient.connect(port);
    expect(app.stats()).toMatchObject({ connections: 1, streams: 0 });
    // And the other way round, as before: a socket counts against a stream.
    expect((await SseClient.open(port, '/lists')).status).toBe(503);
    expect(socket.socket.readyState).toBe(socket.socket.OPEN);
  });

  it('refuses a stream past the per-address limit with 429 and retry-after', async () => {
    await using app = await createTestSyncline({ limits: { maxConnectionsPerAddress: 1 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using first = await SseClient.open(port, '/lists');
    expect(first.status).toBe(200);
    const second = await SseClient.open(port, '/todos');
    expect(second.status).toBe(429);
    expect(second.response.headers['retry-after']).toBe('5');
    first.close();
    await expect.poll(() => app.stats().streams).toBe(0);
    await using third = await SseClient.open(port, '/todos');
    expect(third.status).toBe(200);
    expect(app.stats().subscriptions).toBe(1);
  });
});

describe('authorization, heartbeats, slow consumers and shutdown', () => {
  const notes = ownedNotes;

  it('answers 401 on a signed-in resource without credentials; a bearer token or the cookie streams only what its user may read', async () => {
    const syncline = await createSyncline({
      resources: [notes],
      storage: createSqliteStorage({ filename: ':memory:' }),
      auth: createPasswordAuth({ scrypt: { N: 1024, r: 8, p: 1 } }),
      onError: () => {},
    });
    await using app = Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
    const { port } = await app.listen(0, '127.0.0.1');
    const tokens: Record<string, { token: string; cookie: string }> = {};
    for (const username of ['ana', 'bob']) {
      await request(app, 'POST', '/users', { body: { username, password: 'correct horse' } });
      const session = await request(app, 'POST', '/session', { body: { username, password: 'correct horse' } });
      tokens[username] = { token: session.body.token, cookie: session.headers['set-cookie']!.split(';')[0]! };
    }
    const anonymous = await SseClient.open(port, '/notes');
    expect(anonymous.status).toBe(401);
    expect(anonymous.response.headers['content-type']).toBe('application/problem+json');

    await using ana = await SseClient.open(port, '/notes', { authorization: `Bearer ${tokens['ana']!.token}` });
    await using bob = await SseClient.open(port, '/live/events?subscribe=%2Fnotes', { cookie: tokens['bob']!.cookie });
    expect([ana.status, bob.status]).toEqual([200, 200]);
    await ana.until(() => ana.named('snapshot').length === 1);
    await bob.until(() => bob.named('snapshot').length === 1);
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${tokens['bob']!.token}` }, body: { text: "bob's" } });
    await request(app, 'POST', '/notes', { headers: { authorization: `Bearer ${tokens['ana']!.token}` }, body: { text: "ana's" } });
    expect((await ana.changesFor(1))[0].body).toMatchObject({ text: "ana's", owner: 'ana' });
    expect((await bob.changesFor(1))[0].body).toMatchObject({ text: "bob's", owner: 'bob' });
    await app.flush();
    expect([ana.changes().length, bob.changes().length]).toEqual([1, 1]);

    // Signing out ends that session's streams; reconnecting with it is 401.
    await request(app, 'DELETE', '/session', { headers: { authorization: `Bearer ${tokens['ana']!.token}` } });
    await app.flush();
    await ana.ended;
    expect((await SseClient.open(port, '/notes', { authorization: `Bearer ${tokens['ana']!.token}` })).status).toBe(401);
  });

  it('sends heartbeat comments with the position', async () => {
    const clock = createManualClock();
    await using app = await createTestSyncline({ clock, limits: { heartbeatMs: 25_000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await request(app, 'POST', '/lists', { body: { title: 'L' } });
    await using stream = await SseClient.open(port, '/lists');
    await stream.until(() => stream.named('snapshot').length === 1);
    await clock.advance(24_999);
    const beat = () => stream.events.some((e) => e.type === 'comment' && e.comment === 'hb 1');
    expect(beat()).toBe(false);
    await clock.advance(1);
    await stream.until(beat, 5000, 'heartbeat');
  });

  it('ends a stream whose client stops reading (slow consumer) while others carry on', async () => {
    await using app = await createTestSyncline({ limits: { maxBufferedBytes: 64 * 1024 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const slow = await SseClient.open(port, '/todos');
    await using healthy = await SseClient.open(port, '/todos');
    await slow.until(() => slow.named('snapshot').length === 1);
    slow.response.pause();
    const title = 'x'.repeat(4096);
    for (let i = 0; i < 5000 && app.stats().slowConsumers === 0; i++) {
      await request(app, 'POST', '/todos', { body: { title: `${i} ${title}`, list: list.body.id } });
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(app.stats().slowConsumers).toBe(1);
    slow.response.resume();
    await slow.ended;
    await expect.poll(() => app.stats().streams).toBe(1);
    const created = await request(app, 'POST', '/todos', { body: { title: 'after', list: list.body.id } });
    await healthy.until(() => healthy.changes().some((c) => c.seq === created.body.version));
  });

  it('closing the server ends every stream', async () => {
    const app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const stream = await SseClient.open(port, '/lists');
    await stream.until(() => stream.named('snapshot').length === 1);
    await app.close();
    await stream.ended;
    expect(stream.response.complete).toBe(true);
  });
});
