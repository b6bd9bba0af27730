import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

const merge = { 'content-type': 'application/merge-patch+json' };

describe('resume with last-event-id', () => {
  it('a reconnecting client receives exactly the changes it missed, in order, then live ones', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const filter = `/todos?list=${list.body.id}`;

    const first = await LiveClient.connect(port);
    await first.request('SUBSCRIBE', filter, { id: 's' });
    const a = await request(app, 'POST', '/todos', { body: { title: 'a', list: list.body.id } });
    const [seen] = await first.eventsFor('s', 1);
    const lastSeq = seen!['seq'] as number;
    await first[Symbol.asyncDispose]();

    // Meanwhile: an update, a create, an unrelated write, a delete.
    await request(app, 'PATCH', `/todos/${a.body.id}`, { headers: merge, body: { done: true } });
    const b = await request(app, 'POST', '/todos', { body: { title: 'b', list: list.body.id } });
    await request(app, 'POST', '/lists', { body: { title: 'unrelated' } });
    await request(app, 'DELETE', `/todos/${a.body.id}`);

    await using second = await LiveClient.connect(port);
    const answer = await second.request('SUBSCRIBE', filter, { id: 's', headers: { 'last-event-id': String(lastSeq) } });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'syncline-resume': 'resumed', 'syncline-seq': String(lastSeq) });
    expect(answer.body).toBeUndefined();
    const missed = await second.eventsFor('s', 3);
    expect(missed.map((e) => [e['op'], e['body']?.title ?? null])).toEqual([
      ['update', 'a'],
      ['enter', 'b'],
      ['leave', null],
    ]);
    expect(missed.map((e) => e['seq'])).toEqual([lastSeq + 1, lastSeq + 2, lastSeq + 4]);

    await request(app, 'PATCH', `/todos/${b.body.id}`, { headers: merge, body: { title: 'b2' } });
    const all = await second.eventsFor('s', 4);
    expect(all[3]).toMatchObject({ op: 'update', body: { title: 'b2' } });
    await app.flush();
    expect(new Set(second.events('s').map((e) => e['seq'])).size).toBe(second.events('s').length);
  });

  it('changes committed while the missed ones are replayed are neither lost nor repeated', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    for (let i = 0; i < 30; i++) await request(app, 'POST', '/lists', { body: { title: `before ${i}` } });
    await using client = await LiveClient.connect(port);
    const resumed = client.request('SUBSCRIBE', '/lists', { id: 'all', headers: { 'last-event-id': '0' } });
    const writes = Promise.all(Array.from({ length: 30 }, (_, i) => request(app, 'POST', '/lists', { body: { title: `during ${i}` } })));
    expect((await resumed).headers['syncline-resume']).toBe('resumed');
    await writes;
    const events = await client.eventsFor('all', 60);
    await app.flush();
    const seqs = client.events('all').map((e) => e['seq'] as number);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(events.every((e) => e['op'] === 'enter')).toBe(true);
  });

  it('when the log no longer reaches back, the answer is a fresh snapshot marked reset', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await using app = await createTestSyncline({ storage });
    const { port } = await app.listen(0, '127.0.0.1');
    for (let i = 0; i < 5; i++) await request(app, 'POST', '/lists', { body: { title: `l${i}` } });
    await storage.trimLog(2);
    await using client = await LiveClient.connect(port);
    const answer = await client.request('SUBSCRIBE', '/lists', { id: 'all', headers: { 'last-event-id': '1' } });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({ 'syncline-resume': 'reset', 'syncline-seq': '5' });
    expect(answer.body.items).toHaveLength(5);
    const fromEdge = await client.request('SUBSCRIBE', '/lists', { id: 'edge', headers: { 'last-event-id': '3' } });
    expect(fromEdge.headers['syncline-resume']).toBe('resumed');
    expect((await client.eventsFor('edge', 2)).map((e) => e['seq'])).toEqual([4, 5]);
  });

  it('a position ahead of the log (another database) also resets; a malformed one is 400', async () => {
    await using app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const ahead = await client.request('SUBSCRIBE', '/lists', { headers: { 'last-event-id': '999' } });
    expect(ahead.headers['syncline-resume']).toBe('reset');
    const malformed = await client.request('SUBSCRIBE', '/lists', { headers: { 'last-event-id': 'yesterday' } });
    expect(malformed.status).toBe(400);
    expect(app.stats().subscriptions).toBe(1);
  });
});
