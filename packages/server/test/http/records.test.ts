import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';

describe('HTTP records (RFC 9110 semantics against the handler)', () => {
  it('POST creates: 201 with Location, a strong ETag and the record', async () => {
    await using app = await createTestSyncline();
    const created = await request(app, 'POST', '/lists', { body: { title: 'Groceries' } });
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(`/lists/${created.body.id}`);
    expect(created.headers['etag']).toBe(`"${created.body.version}"`);
    expect(created.headers['content-type']).toBe('application/json');
    expect(created.body).toMatchObject({ title: 'Groceries', version: 1 });
    expect(created.body.createdAt).toBe(created.body.updatedAt);
    expect(Object.keys(created.body)).toEqual(['id', 'version', 'createdAt', 'updatedAt', 'title']);
  });

  it('GET answers the record, its ETag and the change-log position', async () => {
    await using app = await createTestSyncline();
    const created = await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const got = await request(app, 'GET', created.headers['location']!);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(created.body);
    expect(got.headers['etag']).toBe(created.headers['etag']);
    expect(got.headers['syncline-seq']).toBe('1');
    expect(got.headers['cache-control']).toBe('no-cache');
  });

  it('HEAD answers the headers of GET without a body', async () => {
    await using app = await createTestSyncline();
    const created = await request(app, 'POST', '/lists', { body: { title: 'A' } });
    const head = await app.handle({ method: 'HEAD', url: created.headers['location']!, headers: {} });
    expect(head.status).toBe(200);
    expect(head.headers['etag']).toBe(created.headers['etag']);
    expect(head.body).toBeUndefined();
  });

  it('defaults fill in and what GET answers can be PUT back unchanged', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const todo = await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.body.id } });
    expect(todo.body).toMatchObject({ done: false, order: 0 });
    const put = await request(app, 'PUT', `/todos/${todo.body.id}`, { body: { ...todo.body, done: true } });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ done: true, title: 'Milk', createdAt: todo.body.createdAt });
    expect(put.body.version).toBeGreaterThan(todo.body.version);
  });

  it('PUT to a new id creates with the client id (201); If-None-Match: * makes it create-only', async () => {
    await using app = await createTestSyncline();
    const id = '0193b1c2-7d4e-7a31-9f0c-2b5d8e1f4a60';
    const created = await request(app, 'PUT', `/lists/${id}`, { headers: { 'if-none-match': '*' }, body: { title: 'Mine' } });
    expect(created.status).toBe(201);
    expect(created.body.id).toBe(id);
    expect(created.headers['location']).toBe(`/lists/${id}`);
    const again = await request(app, 'PUT', `/lists/${id}`, { headers: { 'if-none-match': '*' }, body: { title: 'Again' } });
    expect(again.status).toBe(412);
    expect((await request(app, 'GET', `/lists/${id}`)).body.title).toBe('Mine');
  });

  it('PATCH applies a JSON Merge Patch (RFC 7396)', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const todo = await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.body.id, tags: ['a'] } });
    const patched = await request(app, 'PATCH', `/todos/${todo.body.id}`, {
      headers: { 'content-type': 'application/merge-patch+json' },
      body: { done: true, tags: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Milk', done: true });
    expect(patched.body).not.toHaveProperty('tags');
  });

  it('PATCH applies a JSON Patch (RFC 6902); a failed test op is 409', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const todo = await request(app, 'POST', '/todos', { body: { title: 'Milk', list: list.body.id } });
    const headers = { 'content-type': 'application/json-patch+json' };
    const patched = await request(app, 'PATCH', `/todos/${todo.body.id}`, {
      headers,
      body: [{ op: 'test', path: '/title', value: 'Milk' }, { op: 'replace', path: '/title', value: 'Oat milk' }, { op: 'add', path: '/tags', value: ['x'] }],
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ title: 'Oat milk', tags: ['x'] });
    const failed = await request(app, 'PATCH', `/todos/${todo.body.id}`, { headers, body: [{ op: 'test', path: '/title', value: 'Milk' }] });
    expect(failed.status).toBe(409);
    expect(failed.headers['content-type']).toBe('application/problem+json');
  });

  it('PATCH with plain application/json is 415 with Accept-Patch (RFC 5789 §2.2)', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const patched = await request(app, 'PATCH', `/lists/${list.body.id}`, { body: { title: 'M' } });
    expect(patched.status).toBe(415);
    expect(patched.headers['accept-patch']).toContain('application/merge-patch+json');
  });

  it('DELETE answers 204, then GET is 404 as problem+json', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const deleted = await request(app, 'DELETE', `/lists/${list.body.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.body).toBeUndefined();
    const gone = await request(app, 'GET', `/lists/${list.body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.headers['content-type']).toBe('application/problem+json');
    expect(gone.body).toMatchObject({ type: 'urn:syncline:error:not-found', status: 404, code: 'not-found', instance: `/lists/${list.body.id}` });
  });

  it('OPTIONS lists the allowed methods; other methods are 405 with Allow', async () => {
    await using app = await createTestSyncline();
    const collection = await request(app, 'OPTIONS', '/lists');
    expect(collection.status).toBe(204);
    expect(collection.headers['allow']).toBe('GET, HEAD, POST, OPTIONS');
    const record = await request(app, 'OPTIONS', '/lists/x');
    expect(record.headers['allow']).toBe('GET, HEAD, PUT, PATCH, DELETE, OPTIONS');
    const notAllowed = await request(app, 'DELETE', '/lists');
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers['allow']).toBe('GET, HEAD, POST, OPTIONS');
    expect((await request(app, 'POST', '/lists/x', { body: {} })).status).toBe(405);
    for (const method of ['SUBSCRIBE', 'BREW']) {
      const refused = await request(app, method, '/lists');
      expect(refused.status).toBe(405);
      expect(refused.headers['allow']).toBe('GET, HEAD, POST, OPTIONS');
    }
  });

  it('deleting a list cascades to its todos; a restrict reference refuses with 409', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const todo = await request(app, 'POST', '/todos', { body: { title: 'T', list: list.body.id } });
    expect((await request(app, 'DELETE', `/lists/${list.body.id}`)).status).toBe(204);
    expect((await request(app, 'GET', `/todos/${todo.body.id}`)).status).toBe(404);

    const folder = await request(app, 'POST', '/folders', { body: { name: 'F' } });
    await request(app, 'POST', '/files', { body: { name: 'f', folder: folder.body.id } });
    const refused = await request(app, 'DELETE', `/folders/${folder.body.id}`);
    expect(refused.status).toBe(409);
    expect((await request(app, 'GET', `/folders/${folder.body.id}`)).status).toBe(200);
  });
});
