import { describe, expect, it, vi } from 'vitest';
import { memoryPersistence, type IncomingResponse, type OutgoingRequest } from '../src/index.js';
import { createOfflineReplica } from '../src/offline/offline-replica.js';
import { reconcile, RECONCILE_BATCH } from '../src/offline/reconcile.js';
import { allUnchanged, scriptedTransport } from './offline-support/scripted-transport.js';

type Entries = { entries: Array<{ uri: string }> };

describe('reconcile against a server that charges entries', () => {
  it('a chunk answered 429 is sent again after Retry-After; the chunks already answered are not asked again', async () => {
    // The server's entry budget: enough for the first chunk and a little more; refilled by the time a Retry-After has passed.
    let budget = RECONCILE_BATCH + 100;
    const transport = scriptedTransport((request: OutgoingRequest): IncomingResponse => {
      const cost = (request.body as Entries).entries.length;
      if (cost > budget) {
        budget += RECONCILE_BATCH;
        return { status: 429, headers: { 'retry-after': '0' }, body: { type: 'urn:syncline:error:rate-limited', title: 'Too many requests', status: 429, code: 'rate-limited' } };
      }
      budget -= cost;
      return allUnchanged(request);
    });
    const replica = createOfflineReplica({ offline: { persistence: memoryPersistence(), tabs: false }, url: 'http://example.test', transport: scriptedTransport(allUnchanged), events: { conflict: vi.fn(), rejected: vi.fn() }, minDelayMs: 1, maxDelayMs: 2 });
    await replica.ready;
    const size = RECONCILE_BATCH + 200;
    for (let i = 0; i < size; i++) replica.core.store.applyServer(`/todos/${i}`, '"1"', { id: String(i), version: 1, title: `todo ${i}` });

    await reconcile(replica.core, transport);

    const asked = transport.requests.map((request) => (request.body as Entries).entries.map((entry) => entry.uri));
    expect(asked.map((uris) => uris.length)).toEqual([RECONCILE_BATCH, 200, 200]);
    expect(asked[2]).toEqual(asked[1]);
    expect(new Set(asked.flat()).size).toBe(size);
    replica.close();
  });
});
