import type { ChangeEvent } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { createConnection, createRequestTracker, createStreamSubscriptions, createSubscriptions, type Subscriptions } from '../src/index.js';
import { connectClient, createTestSyncline, lists, request, todos, until } from './support.js';

type App = Awaited<ReturnType<typeof createTestSyncline>>;

/** A real HTTP GET: its JSON body and the `Syncline-Seq` it answered. */
async function get(port: number, uri: string): Promise<{ body: { items: { id: string; title: string }[] }; seq: number }> {
  const response = await fetch(`http://127.0.0.1:${port}${uri}`, { headers: { accept: 'application/json' } });
  expect(response.status).toBe(200);
  const seq = Number(response.headers.get('syncline-seq'));
  expect(Number.isSafeInteger(seq)).toBe(true);
  return { body: (await response.json()) as { items: { id: string; title: string }[] }, seq };
}

/** Writes a todo and answers the seq of its change. */
async function createTodo(app: App, list: string, title: string): Promise<number> {
  const created = await request(app, 'POST', '/todos', { body: { title, list } });
  expect(created.status).toBe(201);
  return app.stats().seq;
}

/** Raw subscriptions over each transport, as the client builds them. */
const transports: Record<'socket' | 'event stream', (port: number) => { subscriptions: Subscriptions; close: () => void }> = {
  socket(port) {
    const connection = createConnection({ url: `ws://127.0.0.1:${port}/live`, minDelayMs: 10, maxDelayMs: 50, onFrame: (frame) => void (tracker.receive(frame) || subscriptions.receive(frame)) });
    const tracker = createRequestTracker({ connection });
    const subscriptions = createSubscriptions(connection, tracker);
    return { subscriptions, close: () => connection.close() };
  },
  'event stream'(port) {
    const streams = createStreamSubscriptions({ baseUrl: `http://127.0.0.1:${port}`, minDelayMs: 10, maxDelayMs: 50 });
    return { subscriptions: streams, close: () => streams.close() };
  },
};

describe('no gap between a GET and a subscription from its Syncline-Seq', () => {
  for (const [name, open] of Object.entries(transports)) {
    it(`a write made between the GET and the subscription arrives, once, over the ${name}`, async () => {
      await using app = await createTestSyncline();
      const { port } = await app.listen(0, '127.0.0.1');
      const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body as { id: string };
      await createTodo(app, list.id, 'before');
      const uri = `/todos?list=${list.id}`;
      const loaded = await get(port, uri);
      expect(loaded.body.items.map((item) => item.title)).toEqual(['before']);
      expect(loaded.seq).toBe(app.stats().seq);

      // The gap: these writes come after the GET's answer and before the SUBSCRIBE is sent.
      const between = [await createTodo(app, list.id, 'between 1'), await createTodo(app, list.id, 'between 2')];

      const { subscriptions, close } = open(port);
      const events: ChangeEvent[] = [];
      const snapshots: unknown[] = [];
      const subscription = subscriptions.open(uri, {
        onSnapshot: (body) => snapshots.push(body),
        onChange: (event) => events.push(event),
        onError: (error) => expect.unreachable(String(error)),
      }, { from: loaded.seq });
      try {
        await expect.poll(() => events.length).toBe(2);
        const after = await createTodo(app, list.id, 'after');
        // Anything late (a replay sent twice) would come before the event of a later write, on the same socket or stream.
        const marker = await createTodo(app, list.id, 'marker');
        await expect.poll(() => events.at(-1)?.seq).toBe(marker);
        expect(events.map((event) => event.seq)).toEqual([...between, after, marker]);
        expect(events.map((event) => (event.body as { title: string }).title)).toEqual(['between 1', 'between 2', 'after', 'marker']);
        // Resumed from the GET's position: no snapshot is read again.
        expect(snapshots).toEqual([]);
        expect(subscription.lastSeq()).toBe(marker);
      } finally {
        subscription.close();
        close();
      }
    });
  }

  for (const transport of ['socket', 'sse'] as const) {
    it(`liveQuery and live started from a GET's data and seq: ready at once, then every later write (transport '${transport}')`, async () => {
      await using app = await createTestSyncline();
      const { port } = await app.listen(0, '127.0.0.1');
      const list = (await request(app, 'POST', '/lists', { body: { title: 'L' } })).body as { id: string };
      await createTodo(app, list.id, 'before');
      const loaded = await get(port, `/todos?list=${list.id}&order=title`);
      const one = await fetch(`http://127.0.0.1:${port}/lists/${list.id}`);
      const oneSeq = Number(one.headers.get('syncline-seq'));
      const listRecord = (await one.json()) as { id: string; title: string; version: number; createdAt: string; updatedAt: string };

      await createTodo(app, list.id, 'between');
      await request(app, 'PATCH', `/lists/${list.id}`, { headers: { 'content-type': 'application/merge-patch+json' }, body: { title: 'Renamed' } });

      await using client = connectClient(port, { transport });
      const api = client.resource(todos);
      const open = api.liveQuery({ where: { list: list.id }, order: 'title' }, { from: loaded.seq, initial: loaded.body.items as never });
      const record = client.resource(lists).live(list.id, { from: oneSeq, initial: listRecord });
      // The loaded data shows at once, before any answer from the server.
      expect(open.getSnapshot().map((item) => item.title)).toEqual(['before']);
      expect(record.getSnapshot()?.title).toBe('L');
      await open.ready;
      await record.ready;
      await until(open, (items) => items.map((item) => item.title).join() === 'before,between');
      await until(record, (value) => value?.title === 'Renamed');
      await createTodo(app, list.id, 'after');
      await until(open, (items) => items.map((item) => item.title).join() === 'after,before,between');
      open.close();
      record.close();
    });
  }
});
