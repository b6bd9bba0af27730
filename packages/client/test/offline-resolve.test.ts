import { describe, expect, it, vi } from 'vitest';
import { ConflictError, memoryPersistence, type ConflictPolicy, type OutgoingRequest } from '../src/index.js';
import { createOfflineReplica } from '../src/offline/offline-replica.js';
import type { JsonRecord } from '../src/requests/answers.js';
import { scriptedServer } from './offline-support/scripted-server.js';
import { deferred } from './offline-support/scripted-transport.js';

/**
 * A user's conflict choice is never lost: a resolution (or a write) either lands with what
 * the user wrote, or is held again against the newer version; it is never acknowledged with
 * a version that does not carry it. Each interleaving is driven by a scripted server whose
 * answers arrive when the test says (no timers racing).
 */
const uri = '/todos/1';
const mergePatch = { 'content-type': 'application/merge-patch+json' };
const etag = (record: JsonRecord | null): string => `"${String(record?.['version'])}"`;
const isPut = (request: OutgoingRequest): boolean => request.method === 'PUT';

function setUp(policy: ConflictPolicy = 'merge') {
  const server = scriptedServer();
  const events = { conflict: vi.fn(), rejected: vi.fn() };
  const replica = createOfflineReplica({ offline: { persistence: memoryPersistence(), tabs: false, policy }, url: 'http://example.test', transport: server.transport, events, minDelayMs: 1, maxDelayMs: 2 });
  return { server, replica, events };
}

/** A conflict held on `title`: the user changed it to 'Oat milk' (with `merge`), another writer to 'Soy milk'. */
async function heldOnTitle(policy: ConflictPolicy = 'merge') {
  const setup = setUp(policy);
  const { server, replica } = setup;
  const first = server.write(uri, { title: 'Milk', done: false, order: 0 });
  await replica.ready;
  replica.core.store.applyServer(uri, etag(first), first);
  const theirs = server.write(uri, { ...first, title: 'Soy milk' }) as JsonRecord;
  const mine = replica.write({ uri, method: 'PATCH', body: { title: 'Oat milk' }, headers: mergePatch, policy: 'merge' });
  await expect(mine).rejects.toBeInstanceOf(ConflictError);
  expect(replica.conflicts()).toEqual([expect.objectContaining({ uri, fields: ['title'], server: theirs })]);
  return { ...setup, theirs, choice: { ...theirs, title: 'Oat milk' } };
}

describe('a resolution whose write-back meets a newer version', () => {
  it('is merged with it when the newer version changed another field: it lands with the choice', async () => {
    const { server, replica, theirs, choice } = await heldOnTitle();
    server.script.before = (request) => void (isPut(request) && server.get(uri)?.['done'] === false && server.write(uri, { ...theirs, done: true }));
    const resolved = await replica.resolve(uri, choice);
    expect(resolved).toMatchObject({ title: 'Oat milk', done: true });
    expect(server.get(uri)).toEqual(resolved);
    // The choice was written with If-Match on the version the user saw, met the newer one, merged, written again.
    expect(server.writes().filter((write) => write.startsWith('PUT'))).toEqual([`PUT ${etag(theirs)}`, `PUT "${Number(theirs['version']) + 1}"`]);
    replica.close();
  });

  it('is held again against the newer version when both changed the same field, and never acknowledged', async () => {
    const { server, replica, events, theirs, choice } = await heldOnTitle();
    server.script.before = (request) => void (isPut(request) && server.get(uri)?.['title'] === 'Soy milk' && server.write(uri, { ...theirs, title: 'Rice milk' }));
    const newer = { ...theirs, title: 'Rice milk', version: Number(theirs['version']) + 1 };
    await expect(replica.resolve(uri, choice)).rejects.toBeInstanceOf(ConflictError);
    expect(replica.conflicts()).toEqual([expect.objectContaining({ uri, fields: ['title'], server: newer, serverEtag: etag(newer), local: expect.objectContaining({ title: 'Oat milk' }) })]);
    expect(events.conflict).toHaveBeenCalledTimes(2);
    expect(server.get(uri)).toEqual(newer);
    expect(replica.outbox.size()).toBe(0);

    // The user decides again, against the version now shown: it lands.
    server.script = {};
    expect(await replica.resolve(uri, { ...newer, title: 'Oat milk' })).toMatchObject({ title: 'Oat milk', version: newer.version + 1 });
    replica.close();
  });

  it('on a server-wins resource, is merged or held, never dropped for a version the user has not seen', async () => {
    const { server, replica, theirs, choice } = await heldOnTitle('server-wins');
    server.script.before = (request) => void (isPut(request) && server.get(uri)?.['done'] === false && server.write(uri, { ...theirs, done: true }));
    const resolved = await replica.resolve(uri, choice);
    expect(resolved).toMatchObject({ title: 'Oat milk', done: true });
    expect(server.get(uri)).toEqual(resolved);
    expect(replica.conflicts()).toEqual([]);
    replica.close();
  });
});

describe('a resolution whose answer is lost after the server applied it', () => {
  it('is sent again with the same key and If-Match, applied once, and settles with the version carrying the choice', async () => {
    const { server, replica, theirs, choice } = await heldOnTitle();
    let lost = false;
    server.script.loseAnswer = (request) => {
      if (!isPut(request) || lost) return false;
      lost = true;
      // Someone else writes after it, before the client is back.
      server.write(uri, { ...(server.get(uri) as JsonRecord), done: true });
      return true;
    };
    const resolved = await replica.resolve(uri, choice);
    const puts = server.transport.requests.filter(isPut);
    expect(puts).toHaveLength(2);
    expect(puts[1]?.headers).toEqual(puts[0]?.headers);
    expect(server.applied(String(puts[0]?.headers?.['idempotency-key']))).toBe(1);
    expect(resolved).toMatchObject({ title: 'Oat milk', version: Number(theirs['version']) + 1 });
    // The replica then reads the version the other writer made on top of it.
    await vi.waitFor(() => expect(replica.core.store.get(uri)).toMatchObject({ dirty: false, data: { title: 'Oat milk', done: true } }));
    expect(server.get(uri)).toMatchObject({ title: 'Oat milk', done: true });
    replica.close();
  });
});

describe('a pushed change arriving between resolve() and its write-back', () => {
  for (const [field, value, outcome] of [
    ['done', true, 'lands merged'],
    ['title', 'Rice milk', 'is held again'],
  ] as const) {
    it(`of another field ${outcome === 'lands merged' ? 'merges: the choice lands' : 'or the same field: the choice is held again'} (${field})`, async () => {
      const { server, replica, theirs, choice } = await heldOnTitle();
      const gate = deferred<void>();
      const arrived = deferred<void>();
      server.script.before = async (request) => {
        if (!isPut(request) || server.transport.requests.filter(isPut).length > 1) return;
        arrived.resolve();
        await gate.promise;
      };
      const resolving = replica.resolve(uri, choice);
      const settled = resolving.then(
        (record) => ({ record }),
        (error: unknown) => ({ error }),
      );
      await arrived.promise;
      // The other writer's change reaches the server, and the client hears of it first.
      const pushed = server.write(uri, { ...theirs, [field]: value }) as JsonRecord;
      replica.core.store.applyServer(uri, etag(pushed), pushed);
      // The view keeps showing the choice on top of the pushed version.
      expect(replica.core.store.get(uri)?.data).toMatchObject({ title: 'Oat milk' });
      gate.resolve();
      const result = await settled;
      if (outcome === 'lands merged') {
        expect(result).toEqual({ record: expect.objectContaining({ title: 'Oat milk', done: true }) });
        expect(server.get(uri)).toMatchObject({ title: 'Oat milk', done: true });
      } else {
        expect(result).toEqual({ error: expect.any(ConflictError) });
        expect(replica.conflicts()).toEqual([expect.objectContaining({ uri, server: pushed, local: expect.objectContaining({ title: 'Oat milk' }) })]);
        expect(server.get(uri)).toEqual(pushed);
      }
      replica.close();
    });
  }
});

describe('writes settled against a version the client never had', () => {
  it('a re-creation chosen by the user, then deleted, met by another writer’s re-creation: held, not acknowledged with the other version', async () => {
    const { server, replica, events } = setUp();
    const first = server.write(uri, { title: 'Milk', done: false, order: 0 });
    await replica.ready;
    replica.core.store.applyServer(uri, etag(first), first);
    server.write(uri, null);
    // Edited here, deleted there: held (merge).
    await expect(replica.write({ uri, method: 'PATCH', body: { title: 'Oat milk' }, headers: mergePatch })).rejects.toBeInstanceOf(ConflictError);
    expect(replica.conflicts()).toEqual([expect.objectContaining({ uri, server: null })]);

    // The user re-creates it with the choice, then deletes it; the re-creation meets another writer's.
    let deleted: Promise<unknown> | undefined;
    let theirs: JsonRecord | null = null;
    server.script.before = (request) => {
      if (!isPut(request) || deleted) return;
      theirs = server.write(uri, { title: 'Tea', done: true, order: 1 });
      deleted = replica.write({ uri, method: 'DELETE' });
    };
    const resolving = replica.resolve(uri, { title: 'Oat milk', done: false, order: 0 });
    await expect(resolving).rejects.toBeInstanceOf(ConflictError);
    await expect(deleted).rejects.toBeInstanceOf(ConflictError);
    expect(replica.conflicts()).toEqual([expect.objectContaining({ uri, local: null, server: theirs })]);
    expect(events.conflict).toHaveBeenCalledTimes(2);
    expect(server.get(uri)).toEqual(theirs);
    replica.close();
  });

  it('a patch queued behind a write whose answer was lost, the record deleted and re-created by others meanwhile: held with the patch, not acknowledged without it', async () => {
    const { server, replica } = setUp();
    const first = server.write(uri, { title: 'Milk', done: false, order: 0 });
    await replica.ready;
    replica.core.store.applyServer(uri, etag(first), first);
    let second: Promise<JsonRecord | null> | undefined;
    let theirs: JsonRecord | null = null;
    // The first write is applied, its answer lost; meanwhile the user patches again.
    server.script.loseAnswer = (request) => {
      if (request.method !== 'PATCH' || second) return false;
      second = replica.write({ uri, method: 'PATCH', body: { title: 'Oat milk' }, headers: mergePatch });
      return true;
    };
    // After the first write's replay, the client's read finds the record deleted; by its next read, another writer re-created it.
    let reads = 0;
    server.script.before = (request) => {
      const replayed = server.transport.requests.filter((sent) => sent.method === 'PATCH').length >= 2;
      if (request.method !== 'GET' || !replayed) return;
      if (++reads === 1) server.write(uri, null);
      if (reads === 2) theirs = server.write(uri, { title: 'Tea', done: false, order: 0 });
    };
    await expect(replica.write({ uri, method: 'PATCH', body: { done: true }, headers: mergePatch })).resolves.toMatchObject({ done: true });
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    expect(replica.conflicts()).toEqual([expect.objectContaining({ uri, fields: ['title'], server: theirs, local: expect.objectContaining({ title: 'Oat milk' }) })]);
    expect(server.get(uri)).toEqual(theirs);
    replica.close();
  });
});

describe('a write queued behind one whose answer was lost, when the read after its replay finds the record deleted', () => {
  it('stays pinned to the version it was made on: client-wins re-creates the record with it, instead of acknowledging it as deleted', async () => {
    const { server, replica } = setUp();
    const first = server.write(uri, { title: 'Milk', done: false, order: 0 });
    await replica.ready;
    replica.core.store.applyServer(uri, etag(first), first);
    let second: Promise<JsonRecord | null> | undefined;
    server.script.loseAnswer = (request) => {
      if (request.method !== 'PATCH' || second) return false;
      second = replica.write({ uri, method: 'PATCH', body: { title: 'Oat milk' }, headers: mergePatch, policy: 'client-wins' });
      return true;
    };
    // The first write's retry is answered from its stored outcome; the record is deleted before the client reads it again.
    let deleted = false;
    server.script.before = (request) => {
      const replayed = server.transport.requests.filter((sent) => sent.method === 'PATCH').length >= 2;
      if (request.method === 'GET' && replayed && !deleted) deleted = server.write(uri, null) === null;
    };
    await expect(replica.write({ uri, method: 'PATCH', body: { done: true }, headers: mergePatch })).resolves.toMatchObject({ done: true });
    await expect(second).resolves.toMatchObject({ title: 'Oat milk', done: true });
    expect(deleted).toBe(true);
    expect(server.get(uri)).toMatchObject({ title: 'Oat milk', done: true });
    replica.close();
  });
});
