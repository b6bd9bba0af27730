import { reconcileResponseSchema } from '@syncline/protocol';
import { defineResource } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request, testResources } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

const as = (user: string) => ({ 'x-user': user });
const secrets = defineResource({ name: 'secrets', schema: z.object({ text: z.string() }), signedIn: true });
/** A field only admins see and one nobody outside the server sees: views differ by caller. */
const profiles = defineResource({
  name: 'profiles',
  schema: z.object({ name: z.string(), salary: z.number().optional(), token: z.string().optional() }),
  fieldRules: { salary: { read: (ctx) => ctx.principal?.id === 'admin' }, token: { hidden: true } },
});

/** A list, three todos (one then changed, one then deleted), and two users' notes. */
async function seeded() {
  const app = await createTestSyncline({ resources: [...testResources, secrets, profiles], storage: createSqliteStorage({ filename: ':memory:' }) });
  const list = await request(app, 'POST', '/lists', { body: { title: 'l' } });
  const todo = async (title: string) => (await request(app, 'POST', '/todos', { body: { title, list: list.body.id } })).headers['location']!;
  const same = await todo('same');
  const changed = await todo('changed');
  const deleted = await todo('deleted');
  const changedEtag = (await request(app, 'GET', changed)).headers['etag']!;
  await request(app, 'PATCH', changed, { headers: { 'content-type': 'application/merge-patch+json' }, body: { done: true } });
  const deletedEtag = (await request(app, 'GET', deleted)).headers['etag']!;
  await request(app, 'DELETE', deleted);
  const anas = (await request(app, 'POST', '/notes', { headers: as('ana'), body: { text: 'a', owner: 'ana' } })).headers['location']!;
  const bobs = (await request(app, 'POST', '/notes', { headers: as('bob'), body: { text: 'b', owner: 'bob' } })).headers['location']!;
  const secret = (await request(app, 'POST', '/secrets', { headers: as('ana'), body: { text: 's' } })).headers['location']!;
  const sameEtag = (await request(app, 'GET', same)).headers['etag']!;
  return { app, same, sameEtag, changed, changedEtag, deleted, deletedEtag, anas, bobs, secret };
}

describe('POST /_reconcile', () => {
  it('answers each entry in order: 304 current, 200 with the record as GET gives it, 404 deleted or unreadable', async () => {
    const s = await seeded();
    await using _ = s.app;
    const entries = [
      { uri: s.same, etag: s.sameEtag },
      { uri: s.changed, etag: s.changedEtag },
      { uri: s.deleted, etag: s.deletedEtag },
      { uri: s.bobs, etag: '"1"' },
      { uri: s.anas, etag: null },
    ];
    const answer = await request(s.app, 'POST', '/_reconcile', { headers: as('ana'), body: { entries } });
    expect(answer.status).toBe(200);
    const body = reconcileResponseSchema.parse(answer.body);
    const head = (await request(s.app, 'GET', '/lists')).headers['syncline-seq'];
    expect(answer.headers['syncline-seq']).toBe(head);
    expect(body.seq).toBe(Number(head));
    const changedNow = await request(s.app, 'GET', s.changed);
    const anasNow = await request(s.app, 'GET', s.anas, { headers: as('ana') });
    expect(body.entries).toEqual([
      { uri: s.same, status: 304, etag: s.sameEtag },
      { uri: s.changed, status: 200, etag: changedNow.headers['etag'], body: changedNow.body },
      { uri: s.deleted, status: 404 },
      { uri: s.bobs, status: 404 },
      { uri: s.anas, status: 200, etag: anasNow.headers['etag'], body: anasNow.body },
    ]);
  });

  it('a URI that names no record is 404 per entry: collections, queries, unknown resources, bad ids', async () => {
    const s = await seeded();
    await using _ = s.app;
    const uris = ['/todos', `${s.same}?x=1`, '/nope/1', '/todos/bad%20id', '/todos/a/b', '/sessions/1', `${s.same}/`];
    const answer = await request(s.app, 'POST', '/_reconcile', { body: { entries: [...uris.map((uri) => ({ uri, etag: null })), { uri: s.same, etag: s.sameEtag }] } });
    expect(answer.status).toBe(200);
    expect(answer.body.entries).toEqual([...uris.map((uri) => ({ uri, status: 404 })), { uri: s.same, status: 304, etag: s.sameEtag }]);
  });

  it('a signed-in resource answers 401 per entry to an anonymous caller, and the record to a signed-in one', async () => {
    const s = await seeded();
    await using _ = s.app;
    const entries = [{ uri: s.secret, etag: null }, { uri: s.same, etag: s.sameEtag }];
    const anonymous = await request(s.app, 'POST', '/_reconcile', { body: { entries } });
    expect(anonymous.body.entries).toEqual([{ uri: s.secret, status: 401 }, { uri: s.same, status: 304, etag: s.sameEtag }]);
    const signedIn = await request(s.app, 'POST', '/_reconcile', { headers: as('bob'), body: { entries } });
    expect(signedIn.body.entries[0]).toMatchObject({ status: 200, body: { text: 's' } });
  });

  it('answers records in the field view of the caller, as GET does', async () => {
    const s = await seeded();
    await using _ = s.app;
    const created = await s.app.execute({ method: 'POST', uri: '/profiles', headers: {}, body: { name: 'p', salary: 10, token: 't' }, context: { transport: 'internal' } });
    const uri = created.headers['location']!;
    for (const user of ['admin', 'bob']) {
      const get = await request(s.app, 'GET', uri, { headers: as(user) });
      const answer = await request(s.app, 'POST', '/_reconcile', { headers: as(user), body: { entries: [{ uri, etag: null }] } });
      expect(answer.body.entries[0].body).toEqual(get.body);
      expect('token' in answer.body.entries[0].body).toBe(false);
      expect('salary' in answer.body.entries[0].body).toBe(user === 'admin');
    }
  });

  it('more entries than SYNCLINE_RECONCILE_MAX_ENTRIES is 413 payload-too-large', async () => {
    await using app = await createTestSyncline({ limits: { maxReconcileEntries: 3 } });
    const entries = (n: number) => Array.from({ length: n }, (_, i) => ({ uri: `/lists/l${i}`, etag: null }));
    expect((await request(app, 'POST', '/_reconcile', { body: { entries: entries(3) } })).status).toBe(200);
    const tooMany = await request(app, 'POST', '/_reconcile', { body: { entries: entries(4) } });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.type).toMatch(/payload-too-large$/);
  });

  it('a malformed body is 422 validation-failed with the paths; bad JSON is 400; other methods 405', async () => {
    await using app = await createTestSyncline();
    const bodies: Array<[unknown, Array<string | number>]> = [
      [{}, ['entries']],
      [{ entries: 'x' }, ['entries']],
      [{ entries: [{ uri: 5, etag: null }] }, ['entries', 0, 'uri']],
      [{ entries: [{ uri: '/lists/a' }] }, ['entries', 0, 'etag']],
      [{ entries: [{ uri: '/lists/a', etag: 3 }] }, ['entries', 0, 'etag']],
      [{ entries: [{ uri: 'lists/a', etag: null }] }, ['entries', 0, 'uri']],
      [{ entries: [], extra: true }, []],
      [[], []],
    ];
    for (const [body, path] of bodies) {
      const answer = await request(app, 'POST', '/_reconcile', { body });
      expect(answer.status, JSON.stringify(body)).toBe(422);
      expect(answer.body.type).toMatch(/validation-failed$/);
      expect(answer.body.errors[0].path).toEqual(path);
    }
    expect((await request(app, 'POST', '/_reconcile')).status).toBe(422);
    expect((await request(app, 'POST', '/_reconcile', { raw: '{"entries":[' })).status).toBe(400);
    const get = await request(app, 'GET', '/_reconcile');
    expect(get.status).toBe(405);
    expect(get.headers['allow']).toBe('POST');
    expect((await request(app, 'POST', '/_reconcile?x=1', { body: { entries: [] } })).status).toBe(400);
  });

  it('is served by the Node listener, and writes nothing', async () => {
    const s = await seeded();
    await using _ = s.app;
    const before = (await request(s.app, 'GET', '/lists')).headers['syncline-seq'];
    const { port } = await s.app.listen(0, '127.0.0.1');
    const response = await fetch(`http://127.0.0.1:${port}/_reconcile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ entries: [{ uri: s.same, etag: s.sameEtag }] }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ seq: Number(before), entries: [{ uri: s.same, status: 304, etag: s.sameEtag }] });
    expect((await request(s.app, 'GET', '/lists')).headers['syncline-seq']).toBe(before);
  });

  it('over the socket: the same request and the same answer, in one round trip', async () => {
    const s = await seeded();
    await using _ = s.app;
    const { port } = await s.app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port, { headers: as('ana') });
    const entries = [{ uri: s.same, etag: s.sameEtag }, { uri: s.changed, etag: s.changedEtag }, { uri: s.deleted, etag: s.deletedEtag }, { uri: s.bobs, etag: null }];
    const overHttp = await request(s.app, 'POST', '/_reconcile', { headers: as('ana'), body: { entries } });
    const sent = client.frames.length;
    const response = await client.request('POST', '/_reconcile', { body: { entries } });
    expect(client.frames.length - sent).toBe(1);
    expect(response['status']).toBe(200);
    expect(response['headers']['syncline-seq']).toBe(overHttp.headers['syncline-seq']);
    expect(response['body']).toEqual(overHttp.body);
    expect(response['body'].entries.map((entry: { status: number }) => entry.status)).toEqual([304, 200, 404, 404]);
  });
});
