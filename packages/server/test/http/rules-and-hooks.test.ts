import { SynclineError } from '@syncline/protocol';
import { describe, expect, it, vi } from 'vitest';
import { defineResource } from '@syncline/schema';
import { z } from 'zod';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, request } from '../support/fixtures.js';

const as = (user: string) => ({ 'x-user': user });

describe('read rules as filters, write rules, hooks', () => {
  it('a collection answers exactly the records the read rule allows, with correct pages', async () => {
    await using app = await createTestSyncline();
    for (let i = 0; i < 5; i++) {
      await request(app, 'POST', '/notes', { headers: as('ana'), body: { text: `a${i}`, owner: 'ana' } });
      await request(app, 'POST', '/notes', { headers: as('bob'), body: { text: `b${i}`, owner: 'bob' } });
    }
    const first = await request(app, 'GET', '/notes?limit=3', { headers: as('ana') });
    expect(first.body.items.map((n: { owner: string }) => n.owner)).toEqual(['ana', 'ana', 'ana']);
    const second = await request(app, 'GET', first.body.next, { headers: as('ana') });
    expect(second.body.items.map((n: { text: string }) => n.text)).toEqual(['a3', 'a4']);
    expect(second.body.next).toBeNull();
    expect((await request(app, 'GET', '/notes')).body.items).toEqual([]);
  });

  it('a record the caller may not read answers 404, for reads and writes alike', async () => {
    await using app = await createTestSyncline();
    const note = await request(app, 'POST', '/notes', { headers: as('ana'), body: { text: 'mine', owner: 'ana' } });
    const uri = note.headers['location']!;
    expect((await request(app, 'GET', uri, { headers: as('bob') })).status).toBe(404);
    expect((await request(app, 'PUT', uri, { headers: as('bob'), body: { text: 'x', owner: 'bob' } })).status).toBe(404);
    expect((await request(app, 'DELETE', uri, { headers: as('bob') })).status).toBe(404);
    expect((await request(app, 'GET', uri, { headers: as('ana') })).body.text).toBe('mine');
  });

  it('write rules refuse with 403 and change nothing', async () => {
    await using app = await createTestSyncline();
    const forged = await request(app, 'POST', '/notes', { headers: as('bob'), body: { text: 'x', owner: 'ana' } });
    expect(forged.status).toBe(403);
    expect(forged.body.code).toBe('forbidden');
    const note = await request(app, 'POST', '/notes', { headers: as('ana'), body: { text: 'x', owner: 'ana', locked: true } });
    const merge = { ...as('ana'), 'content-type': 'application/merge-patch+json' };
    expect((await request(app, 'PATCH', note.headers['location']!, { headers: merge, body: { text: 'y' } })).status).toBe(403);
    expect((await request(app, 'DELETE', note.headers['location']!, { headers: as('ana') })).status).toBe(403);
    expect((await request(app, 'GET', note.headers['location']!, { headers: as('ana') })).body.text).toBe('x');
  });

  it('a before-hook can rewrite fields; a hook that throws refuses the write with its error', async () => {
    await using app = await createTestSyncline();
    const note = await request(app, 'POST', '/notes', { headers: as('ana'), body: { text: '  padded  ', owner: 'ana' } });
    expect(note.body.text).toBe('padded');

    const afterCreate = vi.fn();
    const guarded = defineResource({
      name: 'guarded',
      schema: z.object({ n: z.number() }),
      hooks: {
        beforeCreate: (_ctx, data) => {
          if (data.n < 0) throw new SynclineError('validation-failed', { detail: 'n must not be negative', errors: [{ path: ['n'], message: 'negative' }] });
        },
        afterCreate,
      },
    });
    await using other = await createTestSyncline({ resources: [guarded], storage: createSqliteStorage({ filename: ':memory:' }) });
    const refused = await request(other, 'POST', '/guarded', { body: { n: -1 } });
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toBe('n must not be negative');
    expect((await request(other, 'GET', '/guarded')).body.items).toEqual([]);
    expect((await request(other, 'POST', '/guarded', { body: { n: 1 } })).status).toBe(201);
    expect(afterCreate).toHaveBeenCalledTimes(1);
    expect(afterCreate.mock.calls[0]?.[1]).toMatchObject({ n: 1, version: 1 });
  });

  it('an after-hook that throws is reported and does not undo the committed write', async () => {
    const reported: string[] = [];
    const noisy = defineResource({
      name: 'noisy',
      schema: z.object({ n: z.number() }),
      hooks: { afterCreate: () => { throw new Error('mail server down'); } },
    });
    await using app = await createTestSyncline({ resources: [noisy], storage: createSqliteStorage({ filename: ':memory:' }), onError: (_e, where) => reported.push(where) });
    const created = await request(app, 'POST', '/noisy', { body: { n: 1 } });
    expect(created.status).toBe(201);
    expect(reported).toEqual(['noisy.afterCreate']);
    expect((await request(app, 'GET', created.headers['location']!)).status).toBe(200);
  });
});
