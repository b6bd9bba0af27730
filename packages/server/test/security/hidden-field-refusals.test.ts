// A field the caller cannot see (hidden, or withheld from it by a read rule) must not be
// told from a field that does not exist: for every query, merge patch, JSON Patch and
// write body that names a withheld field h, the answer is byte for byte the answer the same
// request gets with a fresh unknown name u in its place, once u is written back as h.
import { encodeCursor, defineResource, type RequestContext } from '@syncline/schema';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSyncline, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { LiveClient } from '../support/live-client.js';
import { SseClient } from '../support/sse-client.js';

const things = defineResource({
  name: 'things',
  schema: z.object({
    title: z.string().min(1),
    done: z.boolean().default(false),
    rank: z.number().default(0),
    note: z.string().nullable().default(null),
    tags: z.array(z.string()).default([]),
    owner: z.string(),
    secret: z.string().default('s3cret'),
    members: z.array(z.string()).default([]),
    flag: z.boolean().default(false),
    salary: z.number().default(0),
  }),
  fieldRules: {
    owner: { write: false },
    secret: { hidden: true },
    members: { hidden: true },
    flag: { hidden: true },
    salary: { read: (ctx: RequestContext) => ctx.principal?.id === 'admin' },
  },
  hooks: { beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }) },
});

/** What the caller (`ana`, not `admin`) cannot see, of every kind: string, json, boolean, number. */
const WITHHELD = ['secret', 'members', 'flag', 'salary'] as const;
const MARK = '@F@';

let syncline: Syncline;
let port: number;
let thingId: string;
beforeAll(async () => {
  syncline = await createSyncline({
    resources: [things],
    storage: createSqliteStorage({ filename: ':memory:' }),
    context: ({ transport, headers }) => (headers['x-user'] ? { transport, principal: { id: headers['x-user'] } } : { transport }),
    onError: () => {},
  });
  ({ port } = await syncline.listen(0, '127.0.0.1'));
  const created = await syncline.handle({ method: 'POST', url: '/things', headers: { 'x-user': 'ana', 'content-type': 'application/json' }, body: new TextEncoder().encode('{"title":"T","tags":["a"]}') });
  thingId = JSON.parse(created.body ?? '{}').id;
});
afterAll(() => syncline?.close());

interface Template {
  readonly method: string;
  /** With MARK where the field's name goes. */
  readonly url: string;
  readonly contentType?: string;
  /** JSON text with MARK where the field's name goes. */
  readonly body?: string;
}

const BASELINE = { title: 'T', done: false, rank: 0, note: null, tags: ['a'], owner: 'ana', secret: 's3cret', members: [], flag: false, salary: 0 };

/** The whole answer, as the caller gets it (status, headers and body), to a request made on the record as it was at first. */
async function answer(template: Template, field: string): Promise<string> {
  // A patch that adds the field and takes it away again goes through: each request starts from the same record.
  await syncline.execute({ method: 'PUT', uri: `/things/${thingId}`, headers: {}, body: BASELINE, context: { transport: 'internal' } });
  const fill = (text: string): string => text.split(MARK).join(field);
  const headers: Record<string, string> = { 'x-user': 'ana', ...(template.contentType ? { 'content-type': template.contentType } : {}) };
  const response = await syncline.handle({
    method: template.method,
    url: fill(template.url).replace('{id}', thingId),
    headers,
    ...(template.body === undefined ? {} : { body: new TextEncoder().encode(fill(template.body)) }),
  });
  return JSON.stringify({ status: response.status, headers: response.headers, body: response.body ?? null });
}

/**
 * An answer with what a write that went through changes each time (version, ETag,
 * `updatedAt`) taken out; a refusal is kept whole.
 */
function comparable(answerText: string): string {
  const parsed = JSON.parse(answerText) as { status: number; headers: Record<string, string>; body: string | null };
  if (parsed.status >= 400 || parsed.body === null) return answerText;
  const { etag: _etag, ...headers } = parsed.headers;
  const { version: _version, updatedAt: _updatedAt, ...body } = JSON.parse(parsed.body) as Record<string, unknown>;
  return JSON.stringify({ status: parsed.status, headers, body });
}

/**
 * The property: with h, the answer is the answer with u, u written as h. A write that
 * names u as its end result is refused and changes nothing; one whose patch adds u and
 * takes it away again goes through, and then must go through alike with h (its version
 * apart). A read may succeed too (presence leaves `order` and cursors out of its URI).
 */
async function sameAsUnknown(template: Template, tail: string): Promise<void> {
  for (const hidden of WITHHELD) {
    const unknown = `${hidden}${tail}`;
    const withUnknown = await answer(template, unknown);
    const withHidden = await answer(template, hidden);
    expect(comparable(withHidden), `${template.method} ${template.url} ${template.body ?? ''} with ${hidden}`).toBe(comparable(withUnknown).split(unknown).join(hidden));
  }
}

/**
 * A fresh name for each withheld field h: one no resource has and no answer holds by chance
 * (no hex digit), that sorts where h does among the other parameters (presence sorts a
 * query's parameters by name, and errors come in that order).
 */
const unknownTail = fc.stringMatching(/^[g-z]{2,6}$/).map((tail) => `zq${tail}`);

const rawValue = fc.constantFrom('x', '1', '-2.5', 'true', 'false', 'null', '', 'a,b', '1,2', 'S3', '%');
const op = fc.constantFrom(undefined, 'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'contains', 'like', '');
const markedCondition = fc.tuple(op, rawValue).map(([o, v]) => `${MARK}${o === undefined ? '' : `[${o}]`}=${encodeURIComponent(v)}`);
const otherParam = fc.constantFrom('title=a', 'done=maybe', 'rank[gt]=1', 'tags[contains]=x', 'note=null', 'limit=5', 'limit=0', 'order=-rank', 'nope=1', 'id[in]=a,b', 'after=xyz');
const orderTerm = fc.constantFrom(MARK, `-${MARK}`, 'title', '-rank', 'id', 'tags', '');
const cursorValue = fc.oneof(fc.constantFrom('a', 'b'), fc.integer({ min: -3, max: 3 }), fc.constant(null), fc.boolean());
const orderParam = fc.array(orderTerm, { minLength: 1, maxLength: 3 }).map((terms) => `order=${terms.join(',')}`);
const afterParam = fc.oneof(fc.array(cursorValue, { minLength: 1, maxLength: 3 }).map((values) => `after=${encodeCursor(values)}`), fc.constant('after=not-a-cursor'));

/** A query string that names the field at least once (a filter, or an order term), beside anything else. */
const markedQuery = fc
  .tuple(
    fc.array(markedCondition, { maxLength: 2 }),
    fc.array(otherParam, { maxLength: 3 }),
    fc.option(orderParam, { nil: undefined }),
    fc.option(afterParam, { nil: undefined }),
  )
  .filter(([marked, , order]) => marked.length > 0 || (order?.includes(MARK) ?? false))
  .chain(([marked, others, order, after]) => fc.shuffledSubarray([...marked, ...others, ...(order ? [order] : []), ...(after ? [after] : [])], { minLength: marked.length + others.length + (order ? 1 : 0) + (after ? 1 : 0) }))
  .map((params) => params.join('&'));

const jsonValue = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 }), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.constant({}), fc.constant({ a: null }));
/** Other members of a write body: valid, invalid, unknown, read-only and server-set ones. */
const otherMember = fc.constantFrom<[string, unknown]>(['title', 'T2'], ['title', ''], ['done', 'yes'], ['rank', 3], ['tags', ['b']], ['owner', 'mallory'], ['owner', 'ana'], ['version', 99], ['nope', 1]);

/** A JSON body with the field as a member (JSON text with MARK as its name), the other members around it in any order. */
const markedObject = fc.tuple(jsonValue, fc.array(otherMember, { maxLength: 3 }), fc.nat({ max: 3 })).map(([value, others, at]) => {
  const members = others.map(([name, v]) => `${JSON.stringify(name)}:${JSON.stringify(v)}`);
  members.splice(Math.min(at, members.length), 0, `${JSON.stringify(MARK)}:${JSON.stringify(value)}`);
  return `{${members.join(',')}}`;
});

const pointer = fc.constantFrom(`/${MARK}`, `/${MARK}/0`, `/${MARK}/-`, '/title', '/tags/0');
const patchOperation = fc
  .tuple(fc.constantFrom('add', 'replace', 'remove', 'test', 'copy', 'move'), pointer, pointer, jsonValue)
  .map(([o, path, from, value]) => ({ op: o, path, ...(o === 'copy' || o === 'move' ? { from } : {}), ...(o === 'remove' || o === 'copy' || o === 'move' ? {} : { value }) }));
const markedJsonPatch = fc
  .array(patchOperation, { minLength: 1, maxLength: 3 })
  .filter((ops) => JSON.stringify(ops).includes(MARK))
  .map((ops) => JSON.stringify(ops));

describe('a field the caller cannot see is answered as one that does not exist', () => {
  it('in every query: filters with every operator, order, cursors, on collections and presence', async () => {
    await fc.assert(
      fc.asyncProperty(markedQuery, unknownTail, fc.constantFrom('/things', '/things/presence'), fc.constantFrom('GET', 'HEAD'), async (query, tail, path, method) => {
        await sameAsUnknown({ method, url: `${path}?${query}` }, tail);
      }),
      { numRuns: 300 },
    );
  });

  it('in every write: POST and PUT bodies, merge patches (null included) and JSON Patch paths', async () => {
    const write = fc.oneof(
      markedObject.map((body): Template => ({ method: 'POST', url: '/things', contentType: 'application/json', body })),
      markedObject.map((body): Template => ({ method: 'PUT', url: '/things/{id}', contentType: 'application/json', body })),
      markedObject.map((body): Template => ({ method: 'PATCH', url: '/things/{id}', contentType: 'application/merge-patch+json', body })),
      markedJsonPatch.map((body): Template => ({ method: 'PATCH', url: '/things/{id}', contentType: 'application/json-patch+json', body })),
    );
    await fc.assert(
      fc.asyncProperty(write, unknownTail, async (template, tail) => {
        await sameAsUnknown(template, tail);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a merge patch that sets a hidden field to null exactly as one naming an unknown field, and changes nothing', async () => {
    const patch = (body: string) =>
      syncline.handle({ method: 'PATCH', url: `/things/${thingId}`, headers: { 'x-user': 'ana', 'content-type': 'application/merge-patch+json' }, body: new TextEncoder().encode(body) });
    const before = (await syncline.handle({ method: 'GET', url: `/things/${thingId}`, headers: { 'x-user': 'ana' } })).headers['etag'];
    const hidden = await patch('{"members":null}');
    const unknown = await patch('{"colour":null}');
    expect(hidden.status).toBe(422);
    expect(JSON.parse(hidden.body ?? '{}').errors).toEqual([{ path: ['members'], message: 'unknown field' }]);
    expect(hidden.body).toBe(unknown.body?.replace('colour', 'members'));
    expect((await syncline.handle({ method: 'GET', url: `/things/${thingId}`, headers: { 'x-user': 'ana' } })).headers['etag']).toBe(before);
  });

  it('on the socket (GET, SUBSCRIBE, presence) and on event streams too', async () => {
    await using socket = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
    for (const query of ['members=x', 'members[contains]=x', 'secret[gte]=S', 'order=-salary', 'flag=true&order=title']) {
      const unknownQuery = query.replace(/members|secret|salary|flag/, 'zqunknown');
      const hidden = query.match(/members|secret|salary|flag/)?.[0] ?? '';
      for (const method of ['GET', 'SUBSCRIBE']) {
        const a = await socket.request(method, `/things?${query}`);
        const b = await socket.request(method, `/things?${unknownQuery}`);
        expect(JSON.stringify({ ...a, id: 0 }), `${method} ${query}`).toBe(JSON.stringify({ ...b, id: 0 }).split('zqunknown').join(hidden));
      }
      const join = await socket.request('PUT', `/things/presence?${query}`, { body: {} });
      const joinUnknown = await socket.request('PUT', `/things/presence?${unknownQuery}`, { body: {} });
      expect(JSON.stringify({ ...join, id: 0 }), `presence ${query}`).toBe(JSON.stringify({ ...joinUnknown, id: 0 }).split('zqunknown').join(hidden));
      await using stream = await SseClient.open(port, `/things?${query}`, { 'x-user': 'ana' });
      await using streamUnknown = await SseClient.open(port, `/things?${unknownQuery}`, { 'x-user': 'ana' });
      expect(stream.status).toBe(400);
      expect(JSON.stringify(await stream.json())).toBe(JSON.stringify(await streamUnknown.json()).split('zqunknown').join(hidden));
    }
  });
});
