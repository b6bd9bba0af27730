import { describe, expect, it, vi } from 'vitest';
import type { SynclineError } from '@syncline/protocol';
import { memoryPersistence, type IncomingResponse, type OutgoingRequest } from '../src/index.js';
import { createOfflineReplica } from '../src/offline/offline-replica.js';
import { reconcile } from '../src/offline/reconcile.js';
import { allUnchanged, scriptedTransport } from './offline-support/scripted-transport.js';

type Entries = { entries: Array<{ uri: string; etag: string | null }> };

async function replicaWith(todos: number) {
  const replica = createOfflineReplica({ offline: { persistence: memoryPersistence(), tabs: false }, url: 'http://example.test', transport: scriptedTransport(allUnchanged), events: { conflict: vi.fn(), rejected: vi.fn() }, minDelayMs: 1, maxDelayMs: 2 });
  await replica.ready;
  for (let i = 0; i < todos; i++) replica.core.store.applyServer(`/todos/${i}`, '"1"', { id: String(i), version: 1, title: `todo ${i}` });
  return replica;
}

const answered = (entries: (request: Entries) => unknown[]) => (request: OutgoingRequest): IncomingResponse => ({ status: 200, headers: {}, body: { seq: 9, entries: entries(request.body as Entries) } });

describe('a reconcile answer is parsed with the protocol schema', () => {
  it('a well-formed answer is applied: a 200 takes the new version, a 404 removes the entry', async () => {
    const replica = await replicaWith(2);
    const transport = scriptedTransport(answered(() => [{ uri: '/todos/0', status: 200, etag: '"2"', body: { id: '0', version: 2, title: 'renamed' } }, { uri: '/todos/1', status: 404 }]));
    await reconcile(replica.core, transport);
    expect(replica.core.store.get('/todos/0')).toMatchObject({ etag: '"2"', data: { title: 'renamed' } });
    expect(replica.core.store.get('/todos/1')).toBeUndefined();
    replica.close();
  });

  it.each([
    ['a 200 without its record', [{ uri: '/todos/0', status: 200, etag: '"2"' }, { uri: '/todos/1', status: 404 }], 'entries.0.body'],
    ['a 304 without its ETag', [{ uri: '/todos/0', status: 404 }, { uri: '/todos/1', status: 304 }], 'entries.1.etag'],
    ['an unknown status', [{ uri: '/todos/0', status: 404 }, { uri: '/todos/1', status: 302 }], 'entries.1.status'],
    ['fewer entries than asked', [{ uri: '/todos/0', status: 404 }], '1 entries for the 2'],
  ])('%s is refused with an internal error, and nothing of it is applied', async (_name, entries, named) => {
    const replica = await replicaWith(2);
    const transport = scriptedTransport(answered(() => entries));
    const error = (await reconcile(replica.core, transport).catch((caught: unknown) => caught)) as SynclineError;
    expect(error.code).toBe('internal');
    expect(error.detail).toContain(named);
    expect(replica.core.store.get('/todos/0')).toMatchObject({ etag: '"1"', data: { title: 'todo 0' } });
    expect(replica.core.store.get('/todos/1')).toMatchObject({ etag: '"1"' });
    replica.close();
  });

  it('an answer without seq is refused', async () => {
    const replica = await replicaWith(1);
    const transport = scriptedTransport(() => ({ status: 200, headers: {}, body: { entries: [{ uri: '/todos/0', status: 404 }] } }));
    await expect(reconcile(replica.core, transport)).rejects.toMatchObject({ code: 'internal', detail: expect.stringContaining('seq') });
    expect(replica.core.store.get('/todos/0')).toBeDefined();
    replica.close();
  });
});
