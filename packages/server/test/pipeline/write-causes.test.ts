import { SynclineError } from '@syncline/protocol';
import { defineAction, defineResource, type HookContext, type RequestContext, type WriteCause } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';

/** One hook call as a book's hooks saw it. */
interface HookCall {
  readonly hook: string;
  readonly cause: WriteCause;
  readonly user: string | undefined;
  readonly title: string;
}

/**
 * Shelves and the books on them: a book inherits its shelf's `owner` and is deleted with
 * it. A pinned book is refused by every write rule of `books` (but to the server's own
 * operations, which have no caller), so a write of one that is not refused shows that the
 * rules were not asked. Every hook of `books` records its call.
 */
async function createLibrary() {
  const asServer = (ctx: RequestContext): boolean => ctx.transport === 'internal' && ctx.principal === undefined;
  const calls: HookCall[] = [];
  const seen = (hook: string, ctx: HookContext, record: { title: string }): void => {
    calls.push({ hook, cause: ctx.cause, user: ctx.principal?.id, title: record.title });
  };
  const books = defineResource({
    name: 'books',
    schema: z.object({
      shelf: z.string(),
      title: z.string().min(1),
      owner: z.string().default(''),
      note: z.string().default(''),
      pinned: z.boolean().default(false),
    }),
    references: { shelf: { resource: 'shelves', onDelete: 'cascade', inherit: ['owner'] } },
    rules: {
      create: (ctx, data) => asServer(ctx) || !data.pinned,
      update: (ctx, current) => asServer(ctx) || !current.pinned,
      delete: (ctx, current) => asServer(ctx) || !current.pinned,
    },
    hooks: {
      beforeCreate: (ctx, data) => seen('beforeCreate', ctx, data),
      afterCreate: (ctx, record) => seen('afterCreate', ctx, record),
      beforeUpdate: (ctx, next) => {
        seen('beforeUpdate', ctx, next);
        // An inherited-field rewrite may be amended by the hook, but cannot change what is inherited.
        if (ctx.cause === 'inherit' && next.owner === 'invalid') return { ...next, title: '' };
        return ctx.cause === 'inherit' ? { ...next, note: `moved to ${next.owner}`, owner: 'forged' } : undefined;
      },
      afterUpdate: (ctx, record) => seen('afterUpdate', ctx, record),
      beforeDelete: (ctx, current) => {
        seen('beforeDelete', ctx, current);
        if (ctx.cause === 'cascade' && current.title === 'keep') throw new SynclineError('conflict', { detail: 'This book stays.' });
      },
      afterDelete: (ctx, previous) => seen('afterDelete', ctx, previous),
    },
  });
  const shelves = defineResource({
    name: 'shelves',
    schema: z.object({ owner: z.string() }),
    actions: {
      /** Adds a book (pinned: the create rule would refuse it), renames one and removes another. */
      tidy: defineAction({
        input: z.object({ add: z.string(), rename: z.string(), to: z.string(), remove: z.string() }),
        handler: async ({ record, input, tx }): Promise<void> => {
          await tx.create(books, { shelf: record.id, title: input.add, pinned: true });
          await tx.update(books, input.rename, { title: input.to });
          await tx.delete(books, input.remove);
        },
      }),
    },
  });
  const app = await createTestSyncline({ resources: [shelves, books], storage: createSqliteStorage({ filename: ':memory:' }) });
  const as = { 'x-user': 'ana' };
  const shelf = (await request(app, 'POST', '/shelves', { headers: as, body: { owner: 'ana' } })).body.id as string;
  /** Puts a book on the shelf as the server (so a pinned one can be put there), and forgets its hook calls. */
  const put = async (title: string, pinned = false): Promise<string> => {
    const created = await app.execute({ method: 'POST', uri: '/books', headers: {}, body: { shelf, title, pinned }, context: { transport: 'internal' } });
    expect(created.status).toBe(201);
    calls.length = 0;
    return (created.body as { id: string }).id;
  };
  const book = async (id: string) => (await request(app, 'GET', `/books/${id}`, { headers: as })).body;
  return { app, as, shelf, calls, put, book, [Symbol.asyncDispose]: () => app.close() };
}

describe('every write of a record runs its hooks, with its cause; only requests ask write rules', () => {
  it('request: validation and the write rule refuse before any hook runs', async () => {
    await using library = await createLibrary();
    const { app, as, shelf, calls, put } = library;
    expect((await request(app, 'POST', '/books', { headers: as, body: { shelf, title: '' } })).status).toBe(422);
    expect((await request(app, 'POST', '/books', { headers: as, body: { shelf, title: 'Dune', pinned: true } })).status).toBe(403);
    const pinned = await put('Emma', true);
    const merge = { ...as, 'content-type': 'application/merge-patch+json' };
    expect((await request(app, 'PATCH', `/books/${pinned}`, { headers: merge, body: { title: 'x' } })).status).toBe(403);
    expect((await request(app, 'DELETE', `/books/${pinned}`, { headers: as })).status).toBe(403);
    expect(calls).toEqual([]);
  });

  it('request: the hooks of the record a request names see the cause "request" and the caller', async () => {
    await using library = await createLibrary();
    const { app, as, shelf, calls } = library;
    const id = (await request(app, 'POST', '/books', { headers: as, body: { shelf, title: 'Dune' } })).body.id as string;
    const merge = { ...as, 'content-type': 'application/merge-patch+json' };
    await request(app, 'PATCH', `/books/${id}`, { headers: merge, body: { title: 'Dune Messiah' } });
    await request(app, 'DELETE', `/books/${id}`, { headers: as });
    expect(calls).toEqual([
      { hook: 'beforeCreate', cause: 'request', user: 'ana', title: 'Dune' },
      { hook: 'afterCreate', cause: 'request', user: 'ana', title: 'Dune' },
      { hook: 'beforeUpdate', cause: 'request', user: 'ana', title: 'Dune Messiah' },
      { hook: 'afterUpdate', cause: 'request', user: 'ana', title: 'Dune Messiah' },
      { hook: 'beforeDelete', cause: 'request', user: 'ana', title: 'Dune Messiah' },
      { hook: 'afterDelete', cause: 'request', user: 'ana', title: 'Dune Messiah' },
    ]);
  });

  it('cascade: each record deleted with the one it refers to runs beforeDelete and afterDelete with the cause "cascade", without its delete rule', async () => {
    await using library = await createLibrary();
    const { app, as, shelf, calls, put, book } = library;
    const plain = await put('Dune');
    const pinned = await put('Emma', true);
    expect((await request(app, 'DELETE', `/shelves/${shelf}`, { headers: as })).status).toBe(204);
    expect((await book(plain)).code).toBe('not-found');
    expect((await book(pinned)).code).toBe('not-found');
    expect(calls).toEqual([
      { hook: 'beforeDelete', cause: 'cascade', user: 'ana', title: 'Dune' },
      { hook: 'beforeDelete', cause: 'cascade', user: 'ana', title: 'Emma' },
      { hook: 'afterDelete', cause: 'cascade', user: 'ana', title: 'Dune' },
      { hook: 'afterDelete', cause: 'cascade', user: 'ana', title: 'Emma' },
    ]);
  });

  it('cascade: a beforeDelete that refuses a cascaded delete refuses the whole delete', async () => {
    await using library = await createLibrary();
    const { app, as, shelf, calls, put, book } = library;
    const other = await put('Dune');
    const kept = await put('keep');
    const refused = await request(app, 'DELETE', `/shelves/${shelf}`, { headers: as });
    expect(refused.status).toBe(409);
    expect(refused.body.detail).toBe('This book stays.');
    expect((await request(app, 'GET', `/shelves/${shelf}`, { headers: as })).status).toBe(200);
    expect((await book(other)).title).toBe('Dune');
    expect((await book(kept)).title).toBe('keep');
    expect(calls.filter((call) => call.hook === 'afterDelete')).toEqual([]);
  });

  it('inherit: each rewrite of inherited fields runs beforeUpdate and afterUpdate with the cause "inherit", without the update rule; the hook may amend it but not what is inherited', async () => {
    await using library = await createLibrary();
    const { app, as, shelf, calls, put, book } = library;
    const pinned = await put('Emma', true);
    const before = await request(app, 'GET', `/books/${pinned}`, { headers: as });
    const merge = { ...as, 'content-type': 'application/merge-patch+json' };
    expect((await request(app, 'PATCH', `/shelves/${shelf}`, { headers: merge, body: { owner: 'bob' } })).status).toBe(200);
    const after = await request(app, 'GET', `/books/${pinned}`, { headers: as });
    expect(after.body).toMatchObject({ owner: 'bob', note: 'moved to bob', title: 'Emma' });
    expect(after.headers['etag']).not.toBe(before.headers['etag']);
    expect(calls).toEqual([
      { hook: 'beforeUpdate', cause: 'inherit', user: 'ana', title: 'Emma' },
      { hook: 'afterUpdate', cause: 'inherit', user: 'ana', title: 'Emma' },
    ]);
    // A hook's amendment is validated as a whole record: an invalid one refuses the write that caused it.
    const refused = await request(app, 'PATCH', `/shelves/${shelf}`, { headers: merge, body: { owner: 'invalid' } });
    expect(refused.status).toBe(422);
    expect((await book(pinned)).owner).toBe('bob');
    expect((await request(app, 'GET', `/shelves/${shelf}`, { headers: as })).body.owner).toBe('bob');
  });

  it('action: an action\'s writes run their hooks with the cause "action" and the caller, are validated, and skip the write rules', async () => {
    await using library = await createLibrary();
    const { app, as, shelf, calls, put, book } = library;
    const renamed = await put('Emma', true);
    const removed = await put('Dune', true);
    const invalid = await request(app, 'POST', `/shelves/${shelf}/tidy`, { headers: as, body: { add: '', rename: renamed, to: 'x', remove: removed } });
    expect(invalid.status).toBe(422);
    expect(calls).toEqual([]);
    const done = await request(app, 'POST', `/shelves/${shelf}/tidy`, { headers: as, body: { add: 'Ulysses', rename: renamed, to: 'Persuasion', remove: removed } });
    expect(done.status).toBe(200);
    expect((await book(renamed)).title).toBe('Persuasion');
    expect((await book(removed)).code).toBe('not-found');
    expect(calls).toEqual([
      { hook: 'beforeCreate', cause: 'action', user: 'ana', title: 'Ulysses' },
      { hook: 'beforeUpdate', cause: 'action', user: 'ana', title: 'Persuasion' },
      { hook: 'beforeDelete', cause: 'action', user: 'ana', title: 'Dune' },
      { hook: 'afterCreate', cause: 'action', user: 'ana', title: 'Ulysses' },
      { hook: 'afterUpdate', cause: 'action', user: 'ana', title: 'Persuasion' },
      { hook: 'afterDelete', cause: 'action', user: 'ana', title: 'Dune' },
    ]);
  });
});
