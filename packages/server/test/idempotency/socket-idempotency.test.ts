import { describe, expect, it } from 'vitest';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { changeLog, gate, keyedServer, slowGate } from './idempotency-support.js';

describe('Idempotency-Key over the socket', () => {
  it('a request retried on a new connection after the first was cut gets the saved answer; one change', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const { port } = await app.listen(0, '127.0.0.1');
    const first = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
    const list = await first.request('POST', '/lists', { headers: { 'idempotency-key': 'w-1' }, body: { title: 'from the socket' } });
    await first[Symbol.asyncDispose]();
    await using second = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
    const retry = await second.request('POST', '/lists', { headers: { 'idempotency-key': 'w-1' }, body: { title: 'from the socket' } });
    expect(list['status']).toBe(201);
    expect(retry).toMatchObject({ status: 201, body: list['body'], headers: { etag: list['headers']['etag'], 'idempotency-replayed': 'true' } });
    expect(await changeLog(storage)).toHaveLength(1);
  });

  it('one key means one write across transports: a socket retry of an HTTP write is replayed', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const { port } = await app.listen(0, '127.0.0.1');
    const overHttp = await request(app, 'POST', '/lists', { headers: { 'idempotency-key': 'x-1', 'x-user': 'ana' }, body: { title: 't' } });
    await using client = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
    // HTTP sent content-type application/json; the socket leaves it out, which means the same.
    const overSocket = await client.request('POST', '/lists', { headers: { 'idempotency-key': 'x-1' }, body: { title: 't' } });
    expect(overSocket).toMatchObject({ status: 201, body: overHttp.body, headers: { 'idempotency-replayed': 'true' } });
    const patch = await request(app, 'PATCH', overHttp.headers['location']!, { headers: { 'idempotency-key': 'x-2', 'x-user': 'ana', 'content-type': 'application/merge-patch+json; charset=utf-8' }, body: { title: 'u' } });
    const patchRetry = await client.request('PATCH', overHttp.headers['location']!, { headers: { 'idempotency-key': 'x-2' }, body: { title: 'u' } });
    expect(patchRetry).toMatchObject({ status: 200, body: patch.body, headers: { 'idempotency-replayed': 'true' } });
    const jsonPatch = await client.request('PATCH', overHttp.headers['location']!, { headers: { 'idempotency-key': 'x-2', 'content-type': 'application/json-patch+json' }, body: { title: 'u' } });
    expect(jsonPatch['status']).toBe(422);
    expect(jsonPatch['body'].type).toMatch(/idempotency-key-reused$/);
    expect(await changeLog(storage)).toHaveLength(2);
  });

  it('the same key with another body is 422; a malformed key is 400', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await client.request('POST', '/lists', { headers: { 'idempotency-key': 'k' }, body: { title: 'one' } });
    const reused = await client.request('POST', '/lists', { headers: { 'idempotency-key': 'k' }, body: { title: 'two' } });
    expect(reused['status']).toBe(422);
    expect(reused['body'].type).toMatch(/idempotency-key-reused$/);
    expect((await client.request('POST', '/lists', { headers: { 'idempotency-key': ' ' }, body: { title: 'x' } }))['status']).toBe(400);
    expect(await changeLog(storage)).toHaveLength(1);
  });

  it('two requests with one key in flight: one applies, the other is 409', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const held = gate();
    slowGate.current = held;
    const first = client.request('POST', '/slow', { id: 'a', headers: { 'idempotency-key': 's' }, body: { title: 't' } });
    await held.entered;
    const second = await client.request('POST', '/slow', { id: 'b', headers: { 'idempotency-key': 's' }, body: { title: 't' } });
    expect(second['status']).toBe(409);
    expect(second['body'].type).toMatch(/idempotency-key-in-flight$/);
    held.release();
    expect((await first)['status']).toBe(201);
    expect(await changeLog(storage)).toHaveLength(1);
  });

  it('PUT with If-None-Match: * creates once; the keyed retry answers the saved 201, an unkeyed one 412', async () => {
    const { app, storage } = await keyedServer();
    await using _ = app;
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const uri = '/lists/0193aaaa-0000-7000-8000-0000000000bb';
    const put = { headers: { 'idempotency-key': 'c', 'if-none-match': '*' }, body: { title: 'client id' } };
    const created = await client.request('PUT', uri, put);
    const retry = await client.request('PUT', uri, put);
    const unkeyed = await client.request('PUT', uri, { headers: { 'if-none-match': '*' }, body: { title: 'client id' } });
    expect(created['status']).toBe(201);
    expect(created['headers']['location']).toBe(uri);
    expect(retry).toMatchObject({ status: 201, body: created['body'], headers: { 'idempotency-replayed': 'true' } });
    expect(unkeyed['status']).toBe(412);
    expect(await changeLog(storage)).toHaveLength(1);
  });
});
