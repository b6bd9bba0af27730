import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';

describe('conditional requests (RFC 9110 §13)', () => {
  it('If-None-Match with the current ETag answers 304 without a body; with another, 200', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const etag = list.headers['etag']!;
    const fresh = await request(app, 'GET', `/lists/${list.body.id}`, { headers: { 'if-none-match': etag } });
    expect(fresh.status).toBe(304);
    expect(fresh.body).toBeUndefined();
    expect(fresh.headers['etag']).toBe(etag);
    const weak = await request(app, 'GET', `/lists/${list.body.id}`, { headers: { 'if-none-match': `"0", W/${etag}` } });
    expect(weak.status).toBe(304);
    const stale = await request(app, 'GET', `/lists/${list.body.id}`, { headers: { 'if-none-match': '"999"' } });
    expect(stale.status).toBe(200);
  });

  it('If-Match with a stale ETag is 412 and changes nothing; with the current one the write applies', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const uri = `/lists/${list.body.id}`;
    const first = await request(app, 'PUT', uri, { headers: { 'if-match': list.headers['etag']! }, body: { title: 'M' } });
    expect(first.status).toBe(200);
    const lost = await request(app, 'PUT', uri, { headers: { 'if-match': list.headers['etag']! }, body: { title: 'N' } });
    expect(lost.status).toBe(412);
    expect(lost.body.code).toBe('precondition-failed');
    expect(lost.headers['etag']).toBe(first.headers['etag']);
    expect((await request(app, 'GET', uri)).body.title).toBe('M');
    const patchLost = await request(app, 'PATCH', uri, { headers: { 'if-match': list.headers['etag']!, 'content-type': 'application/merge-patch+json' }, body: { title: 'X' } });
    expect(patchLost.status).toBe(412);
    const deleteLost = await request(app, 'DELETE', uri, { headers: { 'if-match': list.headers['etag']! } });
    expect(deleteLost.status).toBe(412);
    expect((await request(app, 'GET', uri)).status).toBe(200);
  });

  it('a weak ETag never satisfies If-Match (strong comparison, §13.1.1)', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const response = await request(app, 'PUT', `/lists/${list.body.id}`, { headers: { 'if-match': `W/${list.headers['etag']}` }, body: { title: 'M' } });
    expect(response.status).toBe(412);
  });

  it('If-Match: * on a missing record is 412; a malformed If-Match is 400', async () => {
    await using app = await createTestSyncline();
    expect((await request(app, 'PUT', '/lists/nope', { headers: { 'if-match': '*' }, body: { title: 'M' } })).status).toBe(412);
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    expect((await request(app, 'PUT', `/lists/${list.body.id}`, { headers: { 'if-match': 'no-quotes' }, body: { title: 'M' } })).status).toBe(400);
  });

  it('with requireIfMatch, changing an existing record without If-Match is 428', async () => {
    await using app = await createTestSyncline({ limits: { requireIfMatch: true } });
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const refused = await request(app, 'PUT', `/lists/${list.body.id}`, { body: { title: 'M' } });
    expect(refused.status).toBe(428);
    expect((await request(app, 'DELETE', `/lists/${list.body.id}`)).status).toBe(428);
    const ok = await request(app, 'PUT', `/lists/${list.body.id}`, { headers: { 'if-match': list.headers['etag']! }, body: { title: 'M' } });
    expect(ok.status).toBe(200);
  });

  it('a collection has a strong ETag that changes with its content, and answers 304', async () => {
    await using app = await createTestSyncline();
    await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const page = await request(app, 'GET', '/lists');
    const etag = page.headers['etag']!;
    expect(etag).toMatch(/^"c[\w-]+"$/);
    expect((await request(app, 'GET', '/lists', { headers: { 'if-none-match': etag } })).status).toBe(304);
    await request(app, 'POST', '/lists', { body: { title: 'B' } });
    const changed = await request(app, 'GET', '/lists', { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers['etag']).not.toBe(etag);
  });

  it('an ETag is never reused: a record deleted and created again gets a new one', async () => {
    await using app = await createTestSyncline();
    const first = await request(app, 'PUT', '/lists/same-id', { body: { title: 'One' } });
    await request(app, 'DELETE', '/lists/same-id');
    const second = await request(app, 'PUT', '/lists/same-id', { body: { title: 'One' } });
    expect(second.status).toBe(201);
    expect(second.headers['etag']).not.toBe(first.headers['etag']);
  });
});
