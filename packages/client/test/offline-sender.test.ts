import { SynclineError } from '@syncline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { memoryPersistence, type IncomingResponse, type OutgoingRequest } from '../src/index.js';
import { createOfflineReplica } from '../src/offline/offline-replica.js';
import { allUnchanged, scriptedTransport } from './offline-support/scripted-transport.js';

const uri = '/todos/1';
const milk = { id: '1', version: 1, title: 'Milk', done: false };

/** A replica whose writes are answered by `answers`, one after the other. */
function replicaAnswering(answers: Array<IncomingResponse | Error>) {
  const transport = scriptedTransport((request: OutgoingRequest) => {
    if (request.resource === '/_reconcile') return allUnchanged(request);
    const next = answers.shift();
    if (next instanceof Error) throw next;
    return next ?? new Promise<IncomingResponse>(() => {});
  });
  const persistence = memoryPersistence();
  const replica = createOfflineReplica({ offline: { persistence, tabs: false }, url: 'http://example.test', transport, events: { conflict: vi.fn(), rejected: vi.fn() }, minDelayMs: 1, maxDelayMs: 2 });
  const writes = () => transport.requests.filter((request) => request.method !== 'POST');
  return { replica, transport, writes, persistence };
}

const confirmed = { status: 200, headers: { etag: '"2"' }, body: { ...milk, version: 2, done: true } };

describe('the sender', () => {
  it('retries after Retry-After on 503 and 429, with the same key and the same If-Match', async () => {
    const { replica, writes } = replicaAnswering([
      { status: 503, headers: { 'retry-after': '0' } },
      { status: 429, headers: { 'retry-after': '0' } },
      confirmed,
    ]);
    await replica.ready;
    replica.core.store.applyServer(uri, '"1"', milk);
    expect(await replica.write({ uri, method: 'PATCH', body: { done: true } })).toEqual(confirmed.body);
    const sent = writes().map((request) => request.headers);
    expect(sent).toHaveLength(3);
    expect(new Set(sent.map((headers) => headers?.['idempotency-key'])).size).toBe(1);
    expect(sent.map((headers) => headers?.['if-match'])).toEqual(['"1"', '"1"', '"1"']);
    replica.close();
  });

  it('keeps a write that got no answer, reconciles, and sends it again with the same key; the call never times out', async () => {
    const { replica, transport, writes, persistence } = replicaAnswering([new SynclineError('unavailable'), confirmed]);
    await replica.ready;
    replica.core.store.applyServer(uri, '"1"', milk);
    const written = replica.write({ uri, method: 'PATCH', body: { done: true } });
    expect(await written).toEqual(confirmed.body);
    const [first, second] = writes();
    expect(second?.headers?.['idempotency-key']).toBe(first?.headers?.['idempotency-key']);
    // Between the two: a reconcile, since the server may have applied the first one.
    const order = transport.requests.map((request) => request.method);
    expect(order.slice(order.indexOf('PATCH'))).toEqual(['PATCH', 'POST', 'PATCH']);
    expect((await persistence.load()).outbox).toEqual([]);
    replica.close();
  });

  it('persists the If-Match before the first send, so a reloaded client retries the same request', async () => {
    const { replica, persistence } = replicaAnswering([]);
    await replica.ready;
    replica.core.store.applyServer(uri, '"1"', milk);
    void replica.write({ uri, method: 'PATCH', body: { done: true } }).catch(() => {});
    await vi.waitFor(async () => expect((await persistence.load()).outbox).toEqual([expect.objectContaining({ uri, ifMatch: '"1"', base: milk })]));
    replica.close();
  });
});
