import { expect, it } from 'vitest';
import type { Backplane, Change, Syncline } from '../../src/index.js';
import { request } from './fixtures.js';
import { LiveClient } from './live-client.js';

/** Loses every other publish, as Redis pub/sub may (at most once). */
export function lossy(inner: Backplane): Backplane & { dropped: number } {
  let n = 0;
  const wrapper = {
    dropped: 0,
    publish: (change: Change) => (n++ % 2 === 0 ? (wrapper.dropped++, Promise.resolve()) : inner.publish(change)),
    subscribe: (listener: (change: Change) => void) => inner.subscribe(listener),
    close: () => inner.close(),
  };
  return wrapper;
}

/** Makes servers of one cluster (one database, one backplane); `wrap` wraps a server's backplane. */
export type ClusterServerFactory = (options?: { wrap?: (backplane: Backplane) => Backplane }) => Promise<Syncline & AsyncDisposable>;

/**
 * The cases every cluster passes, whatever its storage and backplane: declared inside a
 * `describe`, once for servers over an in-process bus and once over PostgreSQL and Redis.
 */
export function clusterCases(newCluster: () => ClusterServerFactory): void {
  it('a write through server A reaches a subscriber on server B', async () => {
    const server = newCluster();
    await using a = await server();
    await using b = await server();
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    const created = await request(a, 'POST', '/lists', { body: { title: 'from A' } });
    expect(created.status).toBe(201);
    const [event] = await client.eventsFor('all', 1);
    expect(event).toMatchObject({ op: 'enter', seq: created.body.version, body: { title: 'from A' } });
  });

  it('a client resumes on another server with no gap and no duplicate', async () => {
    const server = newCluster();
    await using a = await server();
    await using b = await server();
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
    const resumed = await onB.request('SUBSCRIBE', '/lists', { id: 's', headers: { 'last-event-id': String(seen?.['seq']) } });
    expect(resumed['headers']?.['syncline-resume']).toBe('resumed');
    await request(a, 'POST', '/lists', { body: { title: '4' } });
    await onB.eventsFor('s', 3);
    await a.flush();
    await b.flush();
    expect(onB.events('s').map((e) => e['body'].title)).toEqual(['2', '3', '4']);
    expect(onB.events('s').map((e) => e['seq'])).toEqual([2, 3, 4]);
  });

  it('changes the backplane lost are read from the change log, in order, without waiting for a poll', async () => {
    const server = newCluster();
    let dropping: ReturnType<typeof lossy> | undefined;
    await using a = await server({ wrap: (backplane) => (dropping = lossy(backplane)) });
    await using b = await server();
    const { port } = await b.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 'all' });
    // Ten writes: the odd ones are lost, and each even one shows B the gap before it.
    for (let i = 1; i <= 10; i++) await request(a, 'POST', '/lists', { body: { title: `${i}` } });
    const events = await client.eventsFor('all', 10);
    expect(dropping?.dropped).toBe(5);
    expect(events.map((e) => e['seq'])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(events.map((e) => e['body'].title)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
  });
}
