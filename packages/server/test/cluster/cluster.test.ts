import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryBackplane, createMemoryBus, type Backplane, type Change } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function databaseFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-cluster-'));
  dirs.push(dir);
  return join(dir, 'cluster.db');
}

/** A backplane that loses every other message, as Redis pub/sub may (at most once). */
function lossyBackplane(inner: Backplane): Backplane & { dropped: number } {
  let n = 0;
  const lossy = {
    dropped: 0,
    publish: (change: Change) => (n++ % 2 === 0 ? ((lossy.dropped++), Promise.resolve()) : inner.publish(change)),
    subscribe: inner.subscribe,
    close: inner.close,
  };
  return lossy;
}

describe('several servers in one process behave as one', () => {
  it('a write through server A reaches a subscriber on server B', async () => {
    const filename = databaseFile();
    const bus = createMemoryBus();
    await using a = await createTestSyncline({ storage: createSqliteStorage({ filename }), backplane: createMemoryBackplane(bus) });
    await using b = await createTestSyncline({ storage: createSqliteStorage({ filename }), backplane: createMemoryBackplane(bus) });
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    const created = await request(a, 'POST', '/lists', { body: { title: 'from A' } });
    const [event] = await client.eventsFor('all', 1);
    expect(event).toMatchObject({ op: 'enter', seq: created.body.version, body: { title: 'from A' } });
  });

  it('a client resumes on another server with no gap and no duplicate', async () => {
    const filename = databaseFile();
    const bus = createMemoryBus();
    await using a = await createTestSyncline({ storage: createSqliteStorage({ filename }), backplane: createMemoryBackplane(bus) });
    await using b = await createTestSyncline({ storage: createSqliteStorage({ filename }), backplane: createMemoryBackplane(bus) });
    const portA = (await a.listen(0, '127.0.0.1')).port;
    const portB = (await b.listen(0, '127.0.0.1')).port;
    const onA = await LiveClient.connect(portA);
    await onA.request('SUBSCRIBE', '/lists', { id: 's' });
    await request(a, 'POST', '/lists', { body: { title: '1' } });
    const [seen] = await onA.eventsFor('s', 1);
    await onA[Symbol.asyncDispose]();
    await request(b, 'POST', '/lists', { body: { title: '2' } });
    await request(a, 'POST', '/lists', { body: { title: '3' } });
    await using onB = await LiveClient.connect(portB);
    await onB.request('SUBSCRIBE', '/lists', { id: 's', headers: { 'last-event-id': String(seen!['seq']) } });
    await request(a, 'POST', '/lists', { body: { title: '4' } });
    const events = await onB.eventsFor('s', 3);
    await a.flush();
    await b.flush();
    expect(onB.events('s').map((e) => e['body'].title)).toEqual(['2', '3', '4']);
    expect(events.map((e) => e['seq'])).toEqual([2, 3, 4]);
  });

  it('changes the backplane lost are read from the change log, in order', async () => {
    const filename = databaseFile();
    const bus = createMemoryBus();
    const lossy = lossyBackplane(createMemoryBackplane(bus));
    await using a = await createTestSyncline({ storage: createSqliteStorage({ filename }), backplane: lossy });
    await using b = await createTestSyncline({ storage: createSqliteStorage({ filename }), backplane: createMemoryBackplane(bus), limits: { feedPollMs: 50 } });
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    for (let i = 1; i <= 9; i++) await request(a, 'POST', '/lists', { body: { title: `${i}` } });
    const events = await client.eventsFor('all', 9);
    expect(lossy.dropped).toBe(5);
    expect(events.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(events.map((e) => e['body'].title)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });
});
