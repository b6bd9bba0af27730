import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from '../src/merge-patch.js';
import { deepFreeze, syncError } from './json-test-helpers.js';

describe('applyMergePatch', () => {
  // RFC 7396, Appendix A.
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('RFC 7396 A: %j + %j = %j', (target, patch, result) => {
    expect(applyMergePatch(deepFreeze(target), deepFreeze(patch))).toEqual(result);
  });

  it('applies the RFC 7396 §3 example', () => {
    const target = { title: 'Goodbye!', author: { givenName: 'John', familyName: 'Doe' }, tags: ['example', 'sample'], content: 'This will be unchanged' };
    const patch = { title: 'Hello!', phoneNumber: '+01-123-456-7890', author: { familyName: null }, tags: ['example'] };
    expect(applyMergePatch(deepFreeze(target), deepFreeze(patch))).toEqual({
      title: 'Hello!',
      author: { givenName: 'John' },
      tags: ['example'],
      content: 'This will be unchanged',
      phoneNumber: '+01-123-456-7890',
    });
  });

  it.each([
    ['at the top', '{"__proto__":{"polluted":true}}', ['body', '__proto__']],
    ['nested', '{"a":{"constructor":{"prototype":{"polluted":true}}}}', ['body', 'a', 'constructor']],
    ['inside an array', '{"a":[{"prototype":1}]}', ['body', 'a', 0, 'prototype']],
  ])('refuses a prototype key %s with forbidden-key', (_, json, path) => {
    const error = syncError(() => applyMergePatch({}, JSON.parse(json)));
    expect(error.code).toBe('forbidden-key');
    expect(error.errors?.[0]?.path).toEqual(path);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('keeps a target\'s own __proto__ member an own property', () => {
    const target = JSON.parse('{"__proto__":{"x":1},"a":1}') as Record<string, unknown>;
    const result = applyMergePatch(target, { a: 2 }) as Record<string, unknown>;
    expect(Object.getPrototypeOf(result)).toBe(Object.prototype);
    expect(Object.hasOwn(result, '__proto__')).toBe(true);
    expect(result['a']).toBe(2);
  });

  it('never shares a subtree with the patch', () => {
    const patch = { a: { b: [1] } };
    const result = applyMergePatch({}, patch) as { a: { b: number[] } };
    result.a.b.push(2);
    expect(patch.a.b).toEqual([1]);
  });

  const json = fc.jsonValue({ maxDepth: 3 });
  it('sets every non-null member, deletes null ones, and never modifies its inputs (property)', () => {
    fc.assert(
      fc.property(json, fc.dictionary(fc.string({ maxLength: 3 }), json, { maxKeys: 4 }), (target, patch) => {
        // A forbidden key anywhere in the patch is refused (tested above), so leave those out here.
        fc.pre(!hasForbiddenKey(patch));
        const [targetBefore, patchBefore] = [structuredClone(target), structuredClone(patch)];
        const result = applyMergePatch(target, patch) as Record<string, unknown>;
        expect(target).toEqual(targetBefore);
        expect(patch).toEqual(patchBefore);
        for (const [key, value] of Object.entries(patch)) {
          if (value === null) expect(Object.hasOwn(result, key)).toBe(false);
          else if (typeof value !== 'object' || Array.isArray(value)) expect(result[key]).toEqual(value);
        }
      }),
    );
  });
});

function hasForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasForbiddenKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => ['__proto__', 'constructor', 'prototype'].includes(key) || hasForbiddenKey(item));
}
