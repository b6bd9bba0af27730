import { describe, expect, it } from 'vitest';
import type { Storage } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { SseClient } from '../support/sse-client.js';

describe('event-stream events', () => {
  it('names a subscription whose URI passes the 128-character id limit by a short id, the URI beside it', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const long = `/lists?title=${'x'.repeat(150)}`;
    const path = `/live/events?subscribe=%2Flists&subscribe=${encodeURIComponent(long)}`;
    await using stream = await SseClient.open(port, path);
    expect(stream.status).toBe(200);
    await stream.until(() => stream.named('snapshot').length === 2);
    // `answers` parses with the protocol's schemas, whose subscription is a request id (at most 128 characters).
    expect(stream.answers('snapshot').map((e) => [e.subscription, e.resource])).toEqual([[0, '/lists'], [1, long]]);
    const created = await request(app, 'POST', '/lists', { body: { title: 'x'.repeat(150) } });
    const frames = await stream.changesFor(2);
    expect(frames.map((f) => [f.subscription, f.seq]).sort()).toEqual([[0, created.body.version], [1, created.body.version]]);
  });

  it('a subscription that fails after the stream started gets an error event with its problem, then the stream ends', async () => {
    const sqlite = createSqliteStorage({ filename: ':memory:' });
    let failing = false;
    // The change log fails once the stream is answered and catching up (its second batch).
    const storage = new Proxy(sqlite, {
      get(target, key, receiver) {
        if (key === 'changesSince') {
          return async (after: number, limit: number) => {
            if (failing && after > 1) throw new Error('the log is gone');
            return target.changesSince(after, limit);
          };
        }
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    }) as Storage;
    const reported: unknown[] = [];
    await using app = await createTestSyncline({ storage, onError: (error: unknown) => reported.push(error) });
    const { port } = await app.listen(0, '127.0.0.1');
    for (let i = 0; i < 520; i++) await request(app, 'POST', '/lists', { body: { title: `l${i}` } });
    failing = true;
    await using stream = await SseClient.open(port, '/lists', { 'last-event-id': '1' });
    expect(stream.status).toBe(200);
    await stream.ended;
    // The first batch of the missed changes came; the second could not be read.
    const types = stream.events.filter((e) => e.type === 'event').map((e) => e.event);
    expect([types[0], types.at(-1), types.length]).toEqual(['resumed', 'error', 502]);
    const [error] = stream.answers('error');
    expect(error).toMatchObject({ subscription: 0, resource: '/lists', body: { status: 500, code: 'internal' } });
    expect(stream.changes()).toHaveLength(500);
    expect(reported.map(String)).toContain('Error: the log is gone');
  });
});
