import { describe, expect, it } from 'vitest';
import { request } from '../support/fixtures.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { changeLog, gate, keyedServer, slowGate } from './idempotency-support.js';

const key = (value: string, user?: string) => ({ 'idempotency-key': value, ...(user ? { 'x-user': user } : {}) });

describe('Idempotency-Key over HTTP', () => {
  it('a POST retried after a lost answer gets the saved answer, and the record is created once', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const first = await request(app, 'POST', '/lists', { headers: key('k-1'), body: { title: 'Groceries' } });
    expect(first.status).toBe(201);
    expect(first.headers['idempotency-replayed']).toBeUndefined();
    const retry = await request(app, 'POST', '/lists', { headers: key('k-1'), body: { title: 'Groceries' } });
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['location']).toBe(first.headers['location']);
    expect(retry.headers['etag']).toBe(first.headers['etag']);
    expect((await request(app, 'GET', '/lists')).body.items).toHaveLength(1);
    expect((await changeLog(storage)).map((change) => change.kind)).toEqual(['create']);
  });

  it('a PATCH retried changes the record once: one version step, one change', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const list = await request(app, 'POST', '/lists', { body: { title: 'a' } });
    const patch = { headers: { ...key('p-1'), 'content-type': 'application/merge-patch+json' }, body: { title: 'b' } };
    const first = await request(app, 'PATCH', list.headers['location']!, patch);
    const retry = await request(app, 'PATCH', list.headers['location']!, patch);
    expect(first.status).toBe(200);
    expect(retry).toMatchObject({ status: 200, body: first.body, headers: { etag: first.headers['etag'], 'idempotency-replayed': 'true' } });
    expect((await request(app, 'GET', list.headers['location']!)).body.version).toBe(first.body.version);
    expect((await changeLog(storage)).map((change) => change.kind)).toEqual(['create', 'update']);
  });

  it('a DELETE retried answers the saved 204, not 404', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const list = await request(app, 'POST', '/lists', { body: { title: 'a' } });
    const first = await request(app, 'DELETE', list.headers['location']!, { headers: key('d-1') });
    const retry = await request(app, 'DELETE', list.headers['location']!, { headers: key('d-1') });
    expect(first.status).toBe(204);
    expect(retry.status).toBe(204);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect((await changeLog(storage)).map((change) => change.kind)).toEqual(['create', 'delete']);
  });

  it('the same key with another body is 422 idempotency-key-reused, and nothing is written', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    await request(app, 'POST', '/lists', { headers: key('k'), body: { title: 'one' } });
    const other = await request(app, 'POST', '/lists', { headers: key('k'), body: { title: 'two' } });
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    const otherUri = await request(app, 'POST', '/folders', { headers: key('k'), body: { name: 'one' } });
    expect(otherUri.status).toBe(422);
    expect(await changeLog(storage)).toHaveLength(1);
  });

  it('keys are scoped by caller: two users with one key each get their own write', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const ana = await request(app, 'POST', '/notes', { headers: key('shared', 'ana'), body: { text: 'a', owner: 'ana' } });
    const bob = await request(app, 'POST', '/notes', { headers: key('shared', 'bob'), body: { text: 'b', owner: 'bob' } });
    expect([ana.status, bob.status]).toEqual([201, 201]);
    expect(bob.headers['idempotency-replayed']).toBeUndefined();
    expect(await changeLog(storage)).toHaveLength(2);
  });

  it('a body with its keys in another order is the same request', async () => {
    const { app } = await keyedServer();
    await using _ = app;
    const list = await request(app, 'POST', '/lists', { body: { title: 'l' } });
    const listId = list.body.id as string;
    await request(app, 'POST', '/todos', { headers: key('o'), raw: `{"title":"t","list":"${listId}"}` });
    const retry = await request(app, 'POST', '/todos', { headers: key('o'), raw: `{"list":"${listId}","title":"t"}` });
    expect(retry.headers['idempotency-replayed']).toBe('true');
  });

  it('a malformed key is 400 and the write does not run', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    for (const bad of ['', '""', 'x'.repeat(256), 'has space', 'tab\there', 'é']) {
      const answer = await request(app, 'POST', '/lists', { headers: key(bad), body: { title: 'x' } });
      expect(answer.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await changeLog(storage)).toHaveLength(0);
    const quoted = await request(app, 'POST', '/lists', { headers: key(`"${'x'.repeat(255)}"`), body: { title: 'x' } });
    expect(quoted.status).toBe(201);
  });

  it('a failed write is not saved: the retry runs again and can succeed', async () => {
    const { app } = await keyedServer();
    await using _ = app;
    const listId = '0193aaaa-0000-7000-8000-000000000001';
    const todo = { headers: key('f'), body: { title: 't', list: listId } };
    expect((await request(app, 'POST', '/todos', todo)).status).toBe(422);
    expect((await request(app, 'PUT', `/lists/${listId}`, { body: { title: 'now it exists' } })).status).toBe(201);
    const retry = await request(app, 'POST', '/todos', todo);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBeUndefined();
  });

  it('PUT with If-None-Match: * creates (201), answers 412 when it exists, and a keyed retry gets the saved 201', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const uri = '/lists/0193aaaa-0000-7000-8000-0000000000aa';
    const put = { headers: { ...key('c-1'), 'if-none-match': '*' }, body: { title: 'client id' } };
    const created = await request(app, 'PUT', uri, put);
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(uri);
    const retry = await request(app, 'PUT', uri, put);
    expect(retry).toMatchObject({ status: 201, body: created.body, headers: { 'idempotency-replayed': 'true' } });
    const unkeyed = await request(app, 'PUT', uri, { headers: { 'if-none-match': '*' }, body: { title: 'client id' } });
    expect(unkeyed.status).toBe(412);
    expect(await changeLog(storage)).toHaveLength(1);
  });

  it('a retry while the first request is still running is 409 idempotency-key-in-flight; the first applies once', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const held = gate();
    slowGate.current = held;
    const first = request(app, 'POST', '/slow', { headers: key('s'), body: { title: 'slow' } });
    await held.entered;
    const second = await request(app, 'POST', '/slow', { headers: key('s'), body: { title: 'slow' } });
    expect(second.status).toBe(409);
    expect(second.body.type).toMatch(/idempotency-key-in-flight$/);
    expect(second.headers['retry-after']).toBe('1');
    held.release();
    expect((await first).status).toBe(201);
    const after = await request(app, 'POST', '/slow', { headers: key('s'), body: { title: 'slow' } });
    expect(after.headers['idempotency-replayed']).toBe('true');
    expect(await changeLog(storage)).toHaveLength(1);
  });

  it('a key expires after the TTL: a retry then runs again, and the sweep deletes expired keys', async () => {
    const clock = createManualClock();
    const { app, storage } = await keyedServer({ clock, ttlMs: 60_000 });
    await using _ = app;
    const post = (k: string) => request(app, 'POST', '/lists', { headers: key(k), body: { title: 't' } });
    // Off the sweep's beat (every 6 s): the keys expire at 61 s, between the sweeps at 60 s and 66 s.
    await clock.advance(1_000);
    await post('e-1');
    await post('e-2');
    await clock.advance(59_999);
    expect((await post('e-1')).headers['idempotency-replayed']).toBe('true');
    await clock.advance(1);
    const again = await post('e-1');
    expect(again.status).toBe(201);
    expect(again.headers['idempotency-replayed']).toBeUndefined();
    expect(await changeLog(storage)).toHaveLength(3);
    expect(await storage.read((tx) => tx.findOutcome(JSON.stringify(['anonymous', 'e-2'])))).toBeDefined();
    await clock.advance(5_000);
    await expect.poll(() => storage.read((tx) => tx.findOutcome(JSON.stringify(['anonymous', 'e-2'])))).toBeUndefined();
    // The re-used key's new answer is fresh and stays.
    expect((await post('e-1')).headers['idempotency-replayed']).toBe('true');
  });

  it('reads and unkeyed writes ignore the key machinery', async () => {
    const { app } = await keyedServer();
    await using _ = app;
    const get = await request(app, 'GET', '/lists', { headers: key('') });
    expect(get.status).toBe(200);
    await request(app, 'POST', '/lists', { body: { title: 'a' } });
    await request(app, 'POST', '/lists', { body: { title: 'a' } });
    expect((await request(app, 'GET', '/lists')).body.items).toHaveLength(2);
  });
});
