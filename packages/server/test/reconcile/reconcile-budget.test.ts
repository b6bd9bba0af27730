import { uuidv7 } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

/** `count` entries for distinct todos that do not exist (each answered 404). */
const distinct = (count: number) => ({ entries: Array.from({ length: count }, () => ({ uri: `/todos/${uuidv7()}`, etag: null })) });
const as = (user: string) => ({ 'x-user': user });

describe('reconcile charged per distinct entry, duplicates collapsed', () => {
  it('a URI repeated 1,000 times is answered once, for its first entry; other URIs keep their order', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'l' } });
    const uri = `/lists/${list.body.id}`;
    const other = `/todos/${uuidv7()}`;
    const entries = [{ uri, etag: list.headers['etag']! }, { uri: other, etag: null }, ...Array.from({ length: 998 }, () => ({ uri, etag: null }))];
    const answer = await request(app, 'POST', '/_reconcile', { body: { entries } });
    expect(answer.status).toBe(200);
    expect(answer.body.entries).toEqual([
      { uri, status: 304, etag: list.headers['etag'] },
      { uri: other, status: 404 },
    ]);
  });

  it('on the socket, entries are charged to the connection\'s message rate: a second 1,000-entry reconcile past it is 429 and not run, while a plain request still runs', async () => {
    // 50 entries cost one message: 1,000 entries cost 20 of the 30 the bucket holds.
    await using app = await createTestSyncline({ clock: createManualClock(), limits: { maxMessagesPerSecond: 1, messageBurst: 30, reconcileEntriesPerMessage: 50 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    expect((await client.request('POST', '/_reconcile', { body: distinct(1000) })).status).toBe(200);
    const refused = await client.request('POST', '/_reconcile', { body: distinct(1000) });
    expect(refused['status']).toBe(429);
    expect(refused['body']).toMatchObject({ code: 'rate-limited' });
    expect(Number(refused['headers']['retry-after'])).toBeGreaterThanOrEqual(1);
    // The refused one spent nothing: the messages left still serve ordinary requests.
    for (let i = 0; i < 5; i++) expect((await client.request('GET', '/lists')).status).toBe(200);
    // The same 1,000 entries naming one URI cost one entry.
    const repeated = { entries: Array.from({ length: 1000 }, () => ({ uri: '/lists/0193a1f0-0000-7000-8000-000000000000', etag: null })) };
    expect((await client.request('POST', '/_reconcile', { body: repeated })).status).toBe(200);
  });

  it('one user\'s entries are budgeted across connections and HTTP; another user is not affected', async () => {
    await using app = await createTestSyncline({ clock: createManualClock(), limits: { reconcileEntryBurst: 1500, reconcileEntriesPerSecond: 1 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using first = await LiveClient.connect(port, { headers: as('mallory') });
    await using second = await LiveClient.connect(port, { headers: as('mallory') });
    expect((await first.request('POST', '/_reconcile', { body: distinct(1000) })).status).toBe(200);
    const refused = await second.request('POST', '/_reconcile', { body: distinct(1000) });
    expect(refused['status']).toBe(429);
    expect((await request(app, 'POST', '/_reconcile', { headers: as('mallory'), body: distinct(1000) })).status).toBe(429);
    // What is left of the budget still answers a smaller request.
    expect((await request(app, 'POST', '/_reconcile', { headers: as('mallory'), body: distinct(400) })).status).toBe(200);
    expect((await request(app, 'POST', '/_reconcile', { headers: as('ana'), body: distinct(1000) })).status).toBe(200);
  });

  it('anonymous callers share their address\'s budget (four times a user\'s)', async () => {
    await using app = await createTestSyncline({ clock: createManualClock(), limits: { reconcileEntryBurst: 300, reconcileEntriesPerSecond: 1 } });
    expect((await request(app, 'POST', '/_reconcile', { body: distinct(1000) })).status).toBe(200);
    const refused = await request(app, 'POST', '/_reconcile', { body: distinct(300) });
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    // The server's own operations are not charged.
    const internal = await app.execute({ method: 'POST', uri: '/_reconcile', headers: {}, body: distinct(1000), context: { transport: 'internal' } });
    expect(internal.status).toBe(200);
  });
});
