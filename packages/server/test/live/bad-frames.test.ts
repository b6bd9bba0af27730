import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

async function setup(limits = {}) {
  const app = await createTestSyncline({ limits });
  const { port } = await app.listen(0, '127.0.0.1');
  const client = await LiveClient.connect(port);
  return { app, client, port, [Symbol.asyncDispose]: async () => (await client[Symbol.asyncDispose](), await app.close()) };
}

/** After a bad frame, the same connection still answers a valid request. */
async function expectUsable(client: LiveClient) {
  expect((await client.request('GET', '/lists')).status).toBe(200);
}

const errorEvents = (client: LiveClient) => client.frames.filter((f) => f['event'] === 'error');

describe('bad input on the socket: a clear error, nothing stored, the connection usable', () => {
  it('malformed JSON → error event invalid-json', async () => {
    await using t = await setup();
    t.client.sendRaw('{"id": 1, "method": ');
    const event = await t.client.waitFor((f) => f['event'] === 'error');
    expect(event['body']).toMatchObject({ code: 'invalid-json', status: 400 });
    await expectUsable(t.client);
  });

  it('a frame that is not an object, or lacks fields → invalid-frame with the paths', async () => {
    await using t = await setup();
    t.client.sendRaw('[1,2,3]');
    t.client.sendRaw('"hello"');
    await t.client.waitFor(() => errorEvents(t.client).length === 2);
    expect(errorEvents(t.client).every((e) => e['body'].code === 'invalid-frame')).toBe(true);
    const missing = await t.client.request('GET', 'lists');
    expect(missing.status).toBe(400);
    expect(missing.body.code).toBe('invalid-frame');
    expect(missing.body.errors[0].path).toEqual(['resource']);
    await expectUsable(t.client);
  });

  it('an unknown method → invalid-frame on that request id; an unknown resource → 404', async () => {
    await using t = await setup();
    const unknown = await t.client.request('FETCH', '/lists');
    expect(unknown).toMatchObject({ status: 400, body: { code: 'invalid-frame' } });
    const nowhere = await t.client.request('GET', '/nothing-here');
    expect(nowhere).toMatchObject({ status: 404, body: { code: 'not-found' } });
    await expectUsable(t.client);
  });

  it('schema violations and wrong types → 422 with field paths, nothing stored', async () => {
    await using t = await setup();
    const list = await t.client.request('POST', '/lists', { body: { title: 'L' } });
    const wrong = await t.client.request('POST', '/todos', { body: { title: 42, done: 'yes', list: list.body.id, extra: 1 } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.code).toBe('validation-failed');
    expect(wrong.body.errors.map((e: { path: string[] }) => e.path.join('.')).sort()).toEqual(['done', 'extra', 'title']);
    const notObject = await t.client.request('POST', '/lists', { body: [1] });
    expect(notObject.status).toBe(422);
    expect((await request(t.app, 'GET', '/todos')).body.items).toEqual([]);
    await expectUsable(t.client);
  });

  it('writes to server-owned fields → 422 read-only-field', async () => {
    await using t = await setup();
    const forged = await t.client.request('POST', '/lists', { body: { title: 'L', id: 'mine', version: 99 } });
    expect(forged.status).toBe(422);
    expect(forged.body.code).toBe('read-only-field');
    expect(forged.body.errors.map((e: { path: string[] }) => e.path[0]).sort()).toEqual(['id', 'version']);
    const list = await t.client.request('POST', '/lists', { body: { title: 'L' } });
    const bumped = await t.client.request('PATCH', list.headers['location'], { body: { version: 1000 } });
    expect(bumped).toMatchObject({ status: 422, body: { code: 'read-only-field' } });
  });

  it('a reference to a record that does not exist → 422 invalid-reference', async () => {
    await using t = await setup();
    const orphan = await t.client.request('POST', '/todos', { body: { title: 'T', list: 'no-such-list' } });
    expect(orphan.status).toBe(422);
    expect(orphan.body).toMatchObject({ code: 'invalid-reference', errors: [{ path: ['list'] }] });
  });

  it('JSON nested beyond the limit → json-too-deep, before parsing', async () => {
    await using t = await setup({ maxJsonDepth: 16 });
    t.client.sendRaw(`{"id":"deep","method":"POST","resource":"/lists","body":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
    const event = await t.client.waitFor((f) => f['event'] === 'error');
    expect(event['body'].code).toBe('json-too-deep');
    const http = await request(t.app, 'POST', '/lists', { raw: `{"title":${'{"a":'.repeat(20)}1${'}'.repeat(20)}}` });
    expect(http.status).toBe(400);
    expect(http.body.code).toBe('json-too-deep');
    await expectUsable(t.client);
  });

  it('__proto__ and constructor keys → forbidden-key, and no object is polluted', async () => {
    await using t = await setup();
    t.client.sendRaw('{"id":"p","method":"POST","resource":"/lists","body":{"title":"x","__proto__":{"polluted":true}}}');
    const answer = await t.client.waitFor((f) => f['id'] === 'p');
    expect(answer).toMatchObject({ status: 400, body: { code: 'forbidden-key', errors: [{ path: ['body', '__proto__'] }] } });
    const list = await t.client.request('POST', '/lists', { body: { title: 'L' } });
    const patched = await t.client.request('PATCH', list.headers['location'], { body: { constructor: { prototype: { polluted: true } } } });
    expect(patched.status).toBe(400);
    expect(patched.body.code).toBe('forbidden-key');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    await expectUsable(t.client);
  });

  it('a binary frame → invalid-frame error event', async () => {
    await using t = await setup();
    t.client.sendRaw(Buffer.from([1, 2, 3]));
    const event = await t.client.waitFor((f) => f['event'] === 'error');
    expect(event['body']).toMatchObject({ code: 'invalid-frame', detail: expect.stringContaining('Binary') });
    await expectUsable(t.client);
  });

  it('a frame over the size limit closes the socket with 1009; the server keeps serving', async () => {
    await using t = await setup({ maxFrameBytes: 1024 });
    t.client.sendRaw(JSON.stringify({ id: 1, method: 'POST', resource: '/lists', body: { title: 'x'.repeat(2000) } }));
    expect((await t.client.closed).code).toBe(1009);
    await using again = await LiveClient.connect(t.port);
    await expectUsable(again);
    expect((await request(t.app, 'GET', '/lists')).body.items).toEqual([]);
  });

  it('an HTTP body over the limit → 413', async () => {
    await using t = await setup({ maxBodyBytes: 100 });
    const response = await request(t.app, 'POST', '/lists', { body: { title: 'x'.repeat(200) } });
    expect(response.status).toBe(413);
    expect(response.body.code).toBe('payload-too-large');
  });

  it('too many malformed frames in a row close the socket with 4400', async () => {
    await using t = await setup({ maxConsecutiveErrors: 3 });
    for (let i = 0; i < 5; i++) t.client.sendRaw('not json');
    expect((await t.client.closed).code).toBe(4400);
  });

  it('more requests in flight than allowed → 429 on the excess', async () => {
    await using t = await setup({ maxInflight: 2 });
    const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => t.client.request('POST', '/lists', { id: i, body: { title: `${i}` } })));
    const statuses = answers.map((a) => a['status']);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(2);
  });
});
