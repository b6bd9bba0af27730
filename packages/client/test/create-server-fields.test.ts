import { defineResource } from '@syncline/schema';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { createSyncline } from '@syncline/server';
import { memoryPersistence } from '../src/index.js';
import { connectClient } from './support.js';

// Shaped like the TODO app's: the server sets `owner` (write: false) and the todos' copies of it (inherited, hidden).
const boards = defineResource({
  name: 'boards',
  schema: z.object({ title: z.string(), owner: z.string().default('') }),
  fieldRules: { owner: { write: false } },
  hooks: { beforeCreate: (_ctx, data) => ({ ...data, owner: 'server' }) },
});
const cards = defineResource({
  name: 'cards',
  schema: z.object({ title: z.string(), done: z.boolean().default(false), board: z.string(), owner: z.string().default('') }),
  references: { board: { resource: 'boards', onDelete: 'cascade', inherit: ['owner'] } },
  fieldRules: { owner: { hidden: true } },
});

describe('offline creates of a resource with server-set fields', () => {
  it('carry the defaults of the fields the client writes only, so the server takes them (no 403)', async () => {
    const syncline = await createSyncline({ resources: [boards, cards], storage: createSqliteStorage({ filename: ':memory:' }), onError: () => {} });
    await using app = Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport: 'http', offline: { persistence: memoryPersistence(), tabs: false } });
    await client.ready;

    const board = await client.resource(boards).create({ title: 'B' });
    expect(board).toMatchObject({ title: 'B', owner: 'server' });
    const card = await client.resource(cards).create({ title: 'C', board: board.id });
    expect(card).toMatchObject({ title: 'C', done: false, board: board.id });
    expect(card).not.toHaveProperty('owner');
  });

  it('leave out the defaults of fields with a read rule: a caller the rule refuses could not name them (no 422)', async () => {
    const staff = defineResource({
      name: 'staff',
      schema: z.object({ name: z.string(), salary: z.number().default(0) }),
      fieldRules: { salary: { read: (ctx) => ctx.principal?.id === 'admin' } },
    });
    const syncline = await createSyncline({ resources: [staff], storage: createSqliteStorage({ filename: ':memory:' }), onError: () => {} });
    await using app = Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = connectClient(port, { transport: 'http', offline: { persistence: memoryPersistence(), tabs: false } });
    await client.ready;
    const member = await client.resource(staff).create({ name: 'Ana' });
    expect(member).toMatchObject({ name: 'Ana' });
    expect(member).not.toHaveProperty('salary');
  });
});
