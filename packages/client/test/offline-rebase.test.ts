import { describe, expect, it, vi } from 'vitest';
import { memoryPersistence, type IncomingResponse, type OutgoingRequest } from '../src/index.js';
import { createOfflineReplica } from '../src/offline/offline-replica.js';
import { RECONCILE_BATCH } from '../src/offline/reconcile.js';
import { allUnchanged, deferred, scriptedTransport } from './offline-support/scripted-transport.js';

const uri = '/todos/1';
const milk = { id: '1', version: 1, title: 'Milk', done: false, order: 0 };

function replicaOn(answer: (request: OutgoingRequest) => IncomingResponse | Promise<IncomingResponse>) {
  const transport = scriptedTransport(answer);
  const events = { conflict: vi.fn(), rejected: vi.fn() };
  const replica = createOfflineReplica({ offline: { persistence: memoryPersistence(), tabs: false }, url: 'http://example.test', transport, events });
  return { replica, transport, store: replica.core.store };
}


/** Calls still waiting when the test closes the replica reject with `unavailable` (their writes stay persisted): expected here. */
const closedWhileWaiting = (error: unknown): void => expect((error as { code?: string }).code).toBe('unavailable');

describe('optimistic state rebased on the server', () => {
  it('a pushed change to another field while a local patch waits leaves both visible', async () => {
    const answer = deferred<IncomingResponse>();
    const { replica, store, transport } = replicaOn((request) => (request.resource === '/_reconcile' ? allUnchanged(request) : answer.promise));
    await replica.ready;
    store.applyServer(uri, '"1"', milk);

    const written = replica.write({ uri, method: 'PATCH', body: { title: 'Oat milk' }, headers: { 'content-type': 'application/merge-patch+json' } });
    expect(store.get(uri)).toMatchObject({ dirty: true, data: { title: 'Oat milk', done: false } });
    await vi.waitFor(() => expect(transport.requests.map((r) => r.method)).toContain('PATCH'));

    // Someone else's change arrives (a live view calls applyServer) while the patch is in flight.
    store.applyServer(uri, '"2"', { ...milk, version: 2, done: true });
    expect(store.get(uri)).toMatchObject({ dirty: true, etag: '"2"', base: { done: true, title: 'Milk' }, data: { title: 'Oat milk', done: true, version: 2 } });
    // An older version arriving late changes nothing.
    store.applyServer(uri, '"1"', milk);
    expect(store.get(uri)?.data).toMatchObject({ title: 'Oat milk', done: true });

    const confirmed = { ...milk, version: 3, title: 'Oat milk', done: true };
    answer.resolve({ status: 200, headers: { etag: '"3"' }, body: confirmed });
    expect(await written).toEqual(confirmed);
    expect(store.get(uri)).toEqual({ uri, etag: '"3"', dirty: false, data: confirmed, base: confirmed });
    replica.close();
  });

  it('a change pushed before a write is sent pins it to the version it was made against', async () => {
    const first = deferred<IncomingResponse>();
    const { replica, store, transport } = replicaOn((request) => (request.resource === '/_reconcile' ? allUnchanged(request) : request.resource === '/todos/2' ? first.promise : new Promise(() => {})));
    await replica.ready;
    store.applyServer(uri, '"1"', milk);
    replica.write({ uri: '/todos/2', method: 'DELETE' }).catch(closedWhileWaiting);
    replica.write({ uri, method: 'PATCH', body: { title: 'Oat milk' } }).catch(closedWhileWaiting);
    await vi.waitFor(() => expect(transport.requests.map((r) => r.resource)).toContain('/todos/2'));
    // Someone else renames it while the patch still waits its turn.
    store.applyServer(uri, '"5"', { ...milk, version: 5, title: 'Soy milk' });
    expect(store.get(uri)?.data).toMatchObject({ title: 'Oat milk', version: 5 });
    first.resolve({ status: 204, headers: {} });
    await vi.waitFor(() => expect(transport.requests.map((r) => r.method)).toContain('PATCH'));
    // Sent against the version it was made on: the server answers 412 and the policy decides.
    expect(transport.requests.find((r) => r.method === 'PATCH')?.headers?.['if-match']).toBe('"1"');
    replica.close();
  });

  it('pending writes replay in order over each new base: patch, replace, delete', async () => {
    const { replica, store } = replicaOn((request) => (request.resource === '/_reconcile' ? allUnchanged(request) : new Promise(() => {})));
    await replica.ready;
    store.applyServer(uri, '"1"', milk);
    replica.write({ uri, method: 'PATCH', body: { done: true } }).catch(closedWhileWaiting);
    replica.write({ uri, method: 'PUT', body: { title: 'Bread', done: false, order: 3 } }).catch(closedWhileWaiting);
    expect(store.get(uri)?.data).toEqual({ id: '1', version: 1, title: 'Bread', done: false, order: 3 });
    store.applyServer(uri, '"4"', { ...milk, version: 4, title: 'Soy milk' });
    expect(store.get(uri)?.data).toEqual({ id: '1', version: 4, title: 'Bread', done: false, order: 3 });
    replica.write({ uri, method: 'DELETE' }).catch(closedWhileWaiting);
    expect(store.get(uri)).toMatchObject({ dirty: true, data: null, base: { version: 4 } });
    expect(replica.outbox.size()).toBe(3);
    replica.close();
  });
});

describe('reconcile batches', () => {
  it(`asks for at most ${RECONCILE_BATCH} entries per request`, async () => {
    const { replica, store, transport } = replicaOn((request) => allUnchanged(request));
    await replica.ready;
    for (let i = 0; i < RECONCILE_BATCH + 1; i++) store.applyServer(`/todos/${i}`, '"1"', { ...milk, id: String(i) });
    replica.offline();
    replica.online();
    await vi.waitFor(() => expect(transport.requests.length).toBe(2));
    expect(transport.requests.map((request) => (request.body as { entries: unknown[] }).entries.length)).toEqual([RECONCILE_BATCH, 1]);
    replica.close();
  });
});
