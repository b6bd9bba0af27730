import { describe, expect, it } from 'vitest';
import { resolveConflict, type PolicyConflict } from '../../src/index.js';
import type { ConflictPolicy } from '../../src/offline/offline-types.js';

const base = { id: 't1', version: 3, title: 'Milk', done: false };
const conflict = (local: PolicyConflict['local'], server: PolicyConflict['server']): PolicyConflict => ({
  uri: '/todos/t1',
  base,
  local,
  server,
  serverEtag: server === null ? null : `"${String(server['version'])}"`,
});

describe('resolveConflict', () => {
  it('server-wins drops the local edit', async () => {
    expect(await resolveConflict('server-wins', conflict({ ...base, title: 'Oat' }, { ...base, version: 4 }))).toEqual({ resolution: { use: 'server' }, fields: [] });
  });

  it('client-wins writes the local version back, and a local delete stays a delete', async () => {
    const local = { ...base, title: 'Oat' };
    expect(await resolveConflict('client-wins', conflict(local, { ...base, version: 4 }))).toEqual({ resolution: { use: 'record', record: local }, fields: [] });
    expect(await resolveConflict('client-wins', conflict(null, { ...base, version: 4 }))).toEqual({ resolution: { use: 'record', record: null }, fields: [] });
  });

  it('merge writes back a clean merge', async () => {
    const outcome = await resolveConflict('merge', conflict({ ...base, title: 'Oat' }, { ...base, version: 4, done: true }));
    const merged = { ...base, version: 4, title: 'Oat', done: true };
    expect(outcome).toEqual({ resolution: { use: 'record', record: merged }, fields: [], merged });
  });

  it('merge holds a conflict on a field, with the fields and what merged cleanly', async () => {
    const outcome = await resolveConflict('merge', conflict({ ...base, title: 'Oat', done: true }, { ...base, version: 4, title: 'Soy' }));
    expect(outcome).toEqual({ resolution: { use: 'hold' }, fields: ['title'], merged: { ...base, version: 4, title: 'Soy', done: true } });
  });

  it('merge holds edit against delete and delete against edit', async () => {
    expect(await resolveConflict('merge', conflict({ ...base, title: 'Oat' }, null))).toEqual({ resolution: { use: 'hold' }, fields: [], merged: null });
    const server = { ...base, version: 4, title: 'Soy' };
    expect(await resolveConflict('merge', conflict(null, server))).toEqual({ resolution: { use: 'hold' }, fields: [], merged: server });
  });

  it('a custom function decides, sync or async, and gets a copy it cannot use to change the engine', async () => {
    const seen: PolicyConflict[] = [];
    const custom: ConflictPolicy = (c) => {
      seen.push(c);
      (c.local as { title: string }).title = 'mutated';
      return { use: 'record', record: { title: 'custom' } };
    };
    const input = conflict({ ...base, title: 'Oat' }, { ...base, version: 4 });
    expect(await resolveConflict(custom, input)).toEqual({ resolution: { use: 'record', record: { title: 'custom' } }, fields: [] });
    expect(input.local).toEqual({ ...base, title: 'Oat' });
    expect(seen[0]).toMatchObject({ uri: '/todos/t1', serverEtag: '"4"' });
    expect(await resolveConflict(async () => ({ use: 'hold' }), input)).toEqual({ resolution: { use: 'hold' }, fields: [] });
    expect(await resolveConflict(() => ({ use: 'server' }), input)).toEqual({ resolution: { use: 'server' }, fields: [] });
    expect(await resolveConflict(() => ({ use: 'record', record: null }), input)).toEqual({ resolution: { use: 'record', record: null }, fields: [] });
  });

  it('refuses a custom answer of the wrong shape with bad-request, and unsafe records with forbidden-key', async () => {
    const input = conflict({ ...base, title: 'Oat' }, { ...base, version: 4 });
    for (const answer of [undefined, null, 'server', { use: 'other' }, { use: 'record' }, { use: 'record', record: [1] }, { use: 'record', record: { f: () => 1 } }]) {
      await expect(resolveConflict(() => answer as never, input)).rejects.toMatchObject({ code: 'bad-request' });
    }
    const polluted = JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>;
    await expect(resolveConflict(() => ({ use: 'record', record: polluted }), input)).rejects.toMatchObject({ code: 'forbidden-key' });
    await expect(resolveConflict('newest-wins' as never, input)).rejects.toMatchObject({ code: 'bad-request' });
  });

  it("passes on what a custom function throws (the engine then keeps the conflict held)", async () => {
    const input = conflict({ ...base, title: 'Oat' }, { ...base, version: 4 });
    await expect(resolveConflict(() => { throw new Error('policy failed'); }, input)).rejects.toThrow('policy failed');
  });
});
