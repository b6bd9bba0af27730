import { SynclineError } from '@syncline/protocol';
import { defineResource, type FieldWrite, type RequestContext } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';

// Field write rules that decide per write (they see the record as stored and the value sent),
// and before-hooks that read other records in the write's own transaction.

const as = (user: string) => ({ 'x-user': user });
const patching = (user: string) => ({ ...as(user), 'content-type': 'application/merge-patch+json' });
const ownerOf = ({ current }: FieldWrite): unknown => current?.['owner'];
const owns = (ctx: RequestContext, write: FieldWrite): boolean => write.current === undefined || ownerOf(write) === ctx.principal?.id;

/** Boards: anyone writes `notes`; only the owner renames; a watcher may only take themselves out of `watchers`, each of which must be a `people` record. */
const people = defineResource({ name: 'people', schema: z.object({ name: z.string() }) });
const boards = defineResource({
  name: 'boards',
  schema: z.object({ title: z.string(), notes: z.string().default(''), owner: z.string().default(''), watchers: z.array(z.string()).default([]) }),
  fieldRules: {
    owner: { write: false },
    title: { write: owns },
    watchers: {
      write: (ctx, write) => {
        if (owns(ctx, write)) return true;
        const me = ctx.principal?.id;
        const before = (write.current?.['watchers'] ?? []) as string[];
        return before.includes(me ?? '') && JSON.stringify(write.value) === JSON.stringify(before.filter((name) => name !== me));
      },
    },
  },
  hooks: {
    beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }),
    beforeUpdate: async (_ctx, next, _current, read) => {
      for (const name of next.watchers) {
        if ((await read.get(people, name)) === undefined) {
          throw new SynclineError('validation-failed', { detail: 'Not a person.', errors: [{ path: ['watchers'], message: `no person "${name}"` }] });
        }
      }
    },
  },
});

async function boardApp() {
  const app = await createTestSyncline({ resources: [people, boards], storage: createSqliteStorage({ filename: ':memory:' }) });
  for (const name of ['ana', 'bob', 'cy']) {
    await app.execute({ method: 'PUT', uri: `/people/${name}`, headers: {}, body: { name }, context: { transport: 'internal' } });
  }
  const board = await request(app, 'POST', '/boards', { headers: as('ana'), body: { title: 'Plans' } });
  expect(board.status).toBe(201);
  const uri = board.headers['location']!;
  expect((await request(app, 'PATCH', uri, { headers: patching('ana'), body: { watchers: ['bob', 'cy'] } })).status).toBe(200);
  return { app, uri };
}

describe('field write rules that see the write', () => {
  it('refuse a change the rule does not allow with 403 and the field’s path; allow the same field to the owner and on create', async () => {
    const { app, uri } = await boardApp();
    await using _ = app;
    const renamed = await request(app, 'PATCH', uri, { headers: patching('bob'), body: { title: 'Mine now' } });
    expect(renamed.status).toBe(403);
    expect(renamed.body.errors).toEqual([{ path: ['title'], message: expect.any(String) }]);
    const put = await request(app, 'PUT', uri, { headers: as('bob'), body: { title: 'Mine now', notes: '', watchers: ['bob', 'cy'] } });
    expect(put.status).toBe(403);
    // Sending the title back unchanged is no change: other fields still go through.
    expect((await request(app, 'PATCH', uri, { headers: patching('bob'), body: { title: 'Plans', notes: 'bring tea' } })).status).toBe(200);
    expect((await request(app, 'PATCH', uri, { headers: patching('ana'), body: { title: 'Our plans' } })).status).toBe(200);
    expect((await request(app, 'GET', uri)).body).toMatchObject({ title: 'Our plans', notes: 'bring tea' });
  });

  it('see the value sent: a watcher may take only themselves out', async () => {
    const { app, uri } = await boardApp();
    await using _ = app;
    for (const watchers of [['bob', 'cy', 'ana'], ['cy'], [], ['cy', 'bob']]) {
      const refused = await request(app, 'PATCH', uri, { headers: patching('cy'), body: { watchers } });
      expect(refused.status, JSON.stringify(watchers)).toBe(403);
      expect(refused.body.errors).toEqual([{ path: ['watchers'], message: expect.any(String) }]);
    }
    expect((await request(app, 'PATCH', uri, { headers: patching('cy'), body: { watchers: ['bob'] } })).status).toBe(200);
    expect((await request(app, 'GET', uri)).body.watchers).toEqual(['bob']);
  });

  it('a patch that removes a field (merge patch null, JSON Patch remove) changes it: refused like any other change, never dropped', async () => {
    const { app, uri } = await boardApp();
    await using _ = app;
    const before = (await request(app, 'GET', uri)).body;
    const removals = [
      { user: 'cy', field: 'watchers', headers: patching('cy'), body: { watchers: null } },
      { user: 'bob', field: 'title', headers: patching('bob'), body: { title: null, notes: 'x' } },
      { user: 'ana', field: 'owner', headers: patching('ana'), body: { owner: null } },
      { user: 'ana', field: 'owner', headers: { ...as('ana'), 'content-type': 'application/json-patch+json' }, body: [{ op: 'remove', path: '/owner' }] },
      { user: 'cy', field: 'watchers', headers: { ...as('cy'), 'content-type': 'application/json-patch+json' }, body: [{ op: 'move', from: '/watchers', path: '/notes' }] },
    ];
    for (const { user, field, headers, body } of removals) {
      const refused = await request(app, 'PATCH', uri, { headers, body });
      expect(refused.status, `${user} ${JSON.stringify(body)}`).toBe(403);
      expect(refused.body.errors).toEqual([{ path: [field], message: expect.any(String) }]);
    }
    expect((await request(app, 'GET', uri)).body).toEqual(before);
    // The owner may remove the watchers: the field takes its default.
    const cleared = await request(app, 'PATCH', uri, { headers: patching('ana'), body: { watchers: null } });
    expect(cleared.status).toBe(200);
    expect(cleared.body.watchers).toEqual([]);
  });
});

describe('before-hooks read other records in the write’s transaction', () => {
  it('a hook refuses a value that names no record, and accepts one that does', async () => {
    const { app, uri } = await boardApp();
    await using _ = app;
    const unknown = await request(app, 'PATCH', uri, { headers: patching('ana'), body: { watchers: ['bob', 'zed'] } });
    expect(unknown.status).toBe(422);
    expect(unknown.body.errors).toEqual([{ path: ['watchers'], message: 'no person "zed"' }]);
    await app.execute({ method: 'PUT', uri: '/people/zed', headers: {}, body: { name: 'zed' }, context: { transport: 'internal' } });
    expect((await request(app, 'PATCH', uri, { headers: patching('ana'), body: { watchers: ['bob', 'zed'] } })).status).toBe(200);
  });
});
