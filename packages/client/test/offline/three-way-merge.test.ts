import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeAgainstDelete, threeWayMerge } from '../../src/index.js';
import type { JsonRecord } from '../../src/requests/answers.js';

const base = { id: 't1', version: 3, title: 'Milk', done: false, notes: 'n', tags: ['a'], address: { city: 'Oslo', zip: '0150' } };

describe('threeWayMerge', () => {
  it('takes each field from the side that changed it', () => {
    const local = { ...base, title: 'Oat milk' };
    const server = { ...base, version: 4, done: true };
    expect(threeWayMerge(base, local, server)).toEqual({ merged: { ...base, version: 4, title: 'Oat milk', done: true }, conflicts: [] });
  });

  it('accepts a field changed on both sides to the same value', () => {
    const both = { ...base, title: 'Oat milk' };
    expect(threeWayMerge(base, both, { ...both, version: 5 })).toEqual({ merged: { ...both, version: 5 }, conflicts: [] });
  });

  it('lists a field changed on both sides to different values and keeps the server value', () => {
    const result = threeWayMerge(base, { ...base, title: 'Oat milk', notes: 'mine' }, { ...base, version: 4, title: 'Soy milk' });
    expect(result.conflicts).toEqual(['title']);
    expect(result.merged).toEqual({ ...base, version: 4, title: 'Soy milk', notes: 'mine' });
  });

  it('merges nested objects key by key and reports nested conflicts by path', () => {
    const local = { ...base, address: { city: 'Bergen', zip: '0150', floor: 2 } };
    const server = { ...base, address: { city: 'Oslo', zip: '5003' } };
    expect(threeWayMerge(base, local, server)).toEqual({ merged: { ...base, address: { city: 'Bergen', zip: '5003', floor: 2 } }, conflicts: [] });
    const clash = threeWayMerge(base, { ...base, address: { city: 'Bergen', zip: '0150' } }, { ...base, address: { city: 'Trondheim', zip: '0150' } });
    expect(clash).toEqual({ merged: { ...base, address: { city: 'Trondheim', zip: '0150' } }, conflicts: ['address.city'] });
  });

  it('treats arrays as whole values: two different edits conflict, one edit wins', () => {
    expect(threeWayMerge(base, { ...base, tags: ['a', 'b'] }, base).merged.tags).toEqual(['a', 'b']);
    const clash = threeWayMerge(base, { ...base, tags: ['a', 'b'] }, { ...base, tags: ['c', 'a'] });
    expect(clash).toEqual({ merged: { ...base, tags: ['c', 'a'] }, conflicts: ['tags'] });
  });

  it('counts added and removed fields as changes', () => {
    const { notes: _removed, ...withoutNotes } = base;
    expect(threeWayMerge(base, withoutNotes, { ...base, color: 'red' })).toEqual({ merged: { ...withoutNotes, color: 'red' }, conflicts: [] });
    expect(threeWayMerge(base, { ...withoutNotes, notes: undefined }, base).merged).not.toHaveProperty('notes');
    // Removed here, edited there: a conflict, and the server's edit is kept meanwhile.
    expect(threeWayMerge(base, withoutNotes, { ...base, notes: 'edited' })).toEqual({ merged: { ...base, notes: 'edited' }, conflicts: ['notes'] });
    // Added on both sides with different values.
    expect(threeWayMerge(base, { ...base, color: 'blue' }, { ...base, color: 'red' }).conflicts).toEqual(['color']);
  });

  it('always takes the system fields from the server', () => {
    const local = { ...base, id: 'other', version: 99, createdAt: 'x', updatedAt: 'y', title: 'Oat milk' };
    const server = { ...base, version: 4, createdAt: '2026-01-01', updatedAt: '2026-01-02' };
    expect(threeWayMerge(base, local, server)).toEqual({ merged: { ...server, title: 'Oat milk' }, conflicts: [] });
  });

  it('merges a local create (base null) against a server record as added fields', () => {
    expect(threeWayMerge(null, { title: 'A', done: false }, { id: 'x', version: 1, title: 'A', note: 's' })).toEqual({
      merged: { id: 'x', version: 1, title: 'A', note: 's', done: false },
      conflicts: [],
    });
  });

  it('refuses prototype keys anywhere with forbidden-key, polluting nothing', () => {
    const polluted = JSON.parse('{"title":"x","nested":{"__proto__":{"polluted":true}}}') as JsonRecord;
    expect(() => threeWayMerge(base, polluted, base)).toThrow(expect.objectContaining({ code: 'forbidden-key' }));
    for (const key of ['__proto__', 'constructor', 'prototype']) {
      const record = JSON.parse(`{"${key}":{"polluted":true}}`) as JsonRecord;
      expect(() => threeWayMerge(record, base, base)).toThrow(expect.objectContaining({ code: 'forbidden-key' }));
      expect(() => threeWayMerge(base, base, record)).toThrow(expect.objectContaining({ code: 'forbidden-key' }));
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never reads inherited properties: a field named like an Object method is an ordinary field', () => {
    const merged = threeWayMerge({ toString: 'a' }, { toString: 'b' }, { toString: 'a', hasOwnProperty: 1 }).merged;
    expect(merged).toEqual({ toString: 'b', hasOwnProperty: 1 });
    expect(threeWayMerge({}, { title: 'x' }, {}).merged).toEqual({ title: 'x' });
  });

  it('refuses values nested deeper than 64 levels with json-too-deep instead of overflowing', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(() => threeWayMerge(base, { ...base, deep }, base)).toThrow(expect.objectContaining({ code: 'json-too-deep' }));
  });

  it('shares nothing with its inputs and changes none of them', () => {
    const local = { ...base, address: { city: 'Bergen', zip: '0150' } };
    const server = { ...base, tags: ['z'] };
    const snapshot = structuredClone({ base, local, server });
    const { merged } = threeWayMerge(base, local, server);
    (merged.address as { city: string }).city = 'changed';
    (merged.tags as string[]).push('changed');
    expect({ base, local, server }).toEqual(snapshot);
  });
});

describe('mergeAgainstDelete', () => {
  const server = { ...base, version: 4, done: true };
  it('edit against delete: held, the server side (null) kept meanwhile', () => {
    expect(mergeAgainstDelete(base, { ...base, title: 'Oat milk' }, null)).toEqual({ merged: null, held: true, conflicts: [] });
  });
  it('delete against edit: held, the server record kept meanwhile', () => {
    expect(mergeAgainstDelete(base, null, server)).toEqual({ merged: server, held: true, conflicts: [] });
  });
  it('settles when the other side did not change the content (a version bump alone is no edit)', () => {
    expect(mergeAgainstDelete(base, null, { ...base, version: 9 })).toEqual({ merged: null, held: false, conflicts: [] });
    expect(mergeAgainstDelete(base, base, null)).toEqual({ merged: null, held: false, conflicts: [] });
    expect(mergeAgainstDelete(base, null, null)).toEqual({ merged: null, held: false, conflicts: [] });
  });
  it('delegates to threeWayMerge when both sides are records', () => {
    expect(mergeAgainstDelete(base, { ...base, title: 'Oat milk' }, { ...base, title: 'Soy milk' })).toMatchObject({ held: true, conflicts: ['title'] });
    expect(mergeAgainstDelete(base, { ...base, title: 'Oat milk' }, server)).toEqual({ merged: { ...server, title: 'Oat milk' }, held: false, conflicts: [] });
  });
});

describe('threeWayMerge properties', () => {
  const key = fc.constantFrom('title', 'done', 'notes', 'tags', 'meta', 'count');
  const leaf = fc.oneof(fc.string({ maxLength: 4 }), fc.integer({ min: -3, max: 3 }), fc.boolean(), fc.constant(null), fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 2 }));
  const { record } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, tie('record')),
    record: fc.dictionary(key, tie('value'), { maxKeys: 4 }),
  }));
  const records = record as fc.Arbitrary<JsonRecord>;

  it('when only one side changed, the merge is that side', () => {
    fc.assert(
      fc.property(records, records, (b, changed) => {
        expect(threeWayMerge(b, changed, b)).toEqual({ merged: changed, conflicts: [] });
        expect(threeWayMerge(b, b, changed)).toEqual({ merged: changed, conflicts: [] });
      }),
    );
  });

  it('merge(base, x, x) = x, with no conflicts', () => {
    fc.assert(
      fc.property(records, records, (b, x) => {
        expect(threeWayMerge(b, x, x)).toEqual({ merged: x, conflicts: [] });
      }),
    );
  });

  it('a conflict-free merge keeps every one-sided change, and a conflict keeps the server value', () => {
    fc.assert(
      fc.property(records, records, records, (b, local, server) => {
        const { merged, conflicts } = threeWayMerge(b, local, server);
        for (const field of Object.keys({ ...local, ...server })) {
          if (conflicts.some((path) => path === field || path.startsWith(`${field}.`))) continue;
          if (isDeepStrictEqual(server[field], b[field])) expect(merged[field]).toEqual(local[field]);
          else if (isDeepStrictEqual(local[field], b[field])) expect(merged[field]).toEqual(server[field]);
        }
        for (const path of conflicts) expect(get(merged, path)).toEqual(get(server, path));
      }),
    );
  });
});

function get(record: JsonRecord, path: string): unknown {
  return path.split('.').reduce<unknown>((value, key) => (value as JsonRecord | undefined)?.[key], record);
}
