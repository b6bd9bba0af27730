import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../src/json-patch.js';
import { formatJsonPointer, parseJsonPointer } from '../src/json-pointer.js';
import { deepFreeze, syncError } from './json-test-helpers.js';

const apply = (document: unknown, operations: unknown): unknown => applyJsonPatch(deepFreeze(document), deepFreeze(operations));

describe('applyJsonPatch: RFC 6902 Appendix A', () => {
  it.each<[string, unknown, unknown, unknown]>([
    ['A.1 adding an object member', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux' }], { baz: 'qux', foo: 'bar' }],
    ['A.2 adding an array element', { foo: ['bar', 'baz'] }, [{ op: 'add', path: '/foo/1', value: 'qux' }], { foo: ['bar', 'qux', 'baz'] }],
    ['A.3 removing an object member', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    ['A.4 removing an array element', { foo: ['bar', 'qux', 'baz'] }, [{ op: 'remove', path: '/foo/1' }], { foo: ['bar', 'baz'] }],
    ['A.5 replacing a value', { baz: 'qux', foo: 'bar' }, [{ op: 'replace', path: '/baz', value: 'boo' }], { baz: 'boo', foo: 'bar' }],
    [
      'A.6 moving a value',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    ['A.7 moving an array element', { foo: ['all', 'grass', 'cows', 'eat'] }, [{ op: 'move', from: '/foo/1', path: '/foo/3' }], { foo: ['all', 'cows', 'eat', 'grass'] }],
    [
      'A.8 testing a value: success',
      { baz: 'qux', foo: ['a', 2, 'c'] },
      [{ op: 'test', path: '/baz', value: 'qux' }, { op: 'test', path: '/foo/1', value: 2 }],
      { baz: 'qux', foo: ['a', 2, 'c'] },
    ],
    ['A.10 adding a nested member object', { foo: 'bar' }, [{ op: 'add', path: '/child', value: { grandchild: {} } }], { foo: 'bar', child: { grandchild: {} } }],
    ['A.11 ignoring unrecognized elements', { foo: 'bar' }, [{ op: 'add', path: '/baz', value: 'qux', xyz: 123 }], { foo: 'bar', baz: 'qux' }],
    ['A.14 ~ escape ordering', { '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: 10 }], { '/': 9, '~1': 10 }],
    ['A.16 adding an array value', { foo: ['bar'] }, [{ op: 'add', path: '/foo/-', value: ['abc', 'def'] }], { foo: ['bar', ['abc', 'def']] }],
  ])('%s', (_, document, operations, result) => {
    expect(apply(document, operations)).toEqual(result);
  });

  it('A.9 testing a value: error (conflict)', () => {
    const error = syncError(() => apply({ baz: 'qux' }, [{ op: 'test', path: '/baz', value: 'bar' }]));
    expect([error.code, error.status]).toEqual(['conflict', 409]);
  });

  it('A.12 adding to a nonexistent target (invalid-patch)', () => {
    const error = syncError(() => apply({ foo: 'bar' }, [{ op: 'add', path: '/baz/bat', value: 'qux' }]));
    expect([error.code, error.status]).toEqual(['invalid-patch', 422]);
    expect(error.errors?.[0]?.path).toEqual(['body', 0, 'path']);
  });

  it('A.15 comparing strings and numbers (conflict)', () => {
    expect(syncError(() => apply({ '/': 9, '~1': 10 }, [{ op: 'test', path: '/~01', value: '10' }])).code).toBe('conflict');
  });
});

describe('JSON Pointer (RFC 6901 §5)', () => {
  const document = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'c%d': 2, 'e^f': 3, 'g|h': 4, 'i\\j': 5, 'k"l': 6, ' ': 7, 'm~n': 8 };
  it.each<[string, unknown]>([
    ['', document],
    ['/foo', ['bar', 'baz']],
    ['/foo/0', 'bar'],
    ['/', 0],
    ['/a~1b', 1],
    ['/c%d', 2],
    ['/e^f', 3],
    ['/g|h', 4],
    ['/i\\j', 5],
    ['/k"l', 6],
    ['/ ', 7],
    ['/m~0n', 8],
  ])('"%s" points at %j', (path, value) => {
    expect(apply(document, [{ op: 'test', path, value }])).toEqual(document);
  });

  it('round-trips tokens through format and parse (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string()), (tokens) => {
        expect(parseJsonPointer(formatJsonPointer(tokens))).toEqual(tokens);
      }),
    );
  });
});

describe('applyJsonPatch: more cases', () => {
  it('adds and replaces the whole document with an empty path', () => {
    expect(apply({ a: 1 }, [{ op: 'add', path: '', value: [1] }])).toEqual([1]);
    expect(apply({ a: 1 }, [{ op: 'replace', path: '', value: 'x' }])).toEqual('x');
  });

  it('copies deeply, and a later change to the copy leaves the source alone', () => {
    const result = apply({ a: { b: [1] } }, [
      { op: 'copy', from: '/a', path: '/c' },
      { op: 'add', path: '/c/b/-', value: 2 },
    ]);
    expect(result).toEqual({ a: { b: [1] }, c: { b: [1, 2] } });
  });

  it('moves to the same place as a no-op, and from a missing place as an error on from', () => {
    expect(apply({ a: 1 }, [{ op: 'move', from: '/a', path: '/a' }])).toEqual({ a: 1 });
    const error = syncError(() => apply({ a: 1 }, [{ op: 'move', from: '/b', path: '/c' }]));
    expect(error.code).toBe('invalid-patch');
    expect(error.errors?.[0]?.path).toEqual(['body', 0, 'from']);
  });

  it('applies operations in sequence, each seeing the result of the last', () => {
    expect(apply({}, [
      { op: 'add', path: '/list', value: [] },
      { op: 'add', path: '/list/0', value: 'b' },
      { op: 'add', path: '/list/0', value: 'a' },
      { op: 'remove', path: '/list/1' },
      { op: 'test', path: '/list', value: ['a'] },
    ])).toEqual({ list: ['a'] });
  });

  it.each<[string, unknown, unknown[], number]>([
    ['removing a missing member', { a: 1 }, [{ op: 'remove', path: '/b' }], 0],
    ['replacing a missing member', { a: 1 }, [{ op: 'replace', path: '/b', value: 1 }], 0],
    ['reading an inherited member', {}, [{ op: 'test', path: '/toString', value: 1 }], 0],
    ['an index past the end', { a: [1] }, [{ op: 'add', path: '/a/2', value: 1 }], 0],
    ['an index with a leading zero', { a: [1, 2] }, [{ op: 'replace', path: '/a/01', value: 1 }], 0],
    ['a non-numeric index', { a: [1] }, [{ op: 'remove', path: '/a/x' }], 0],
    ['"-" outside add', { a: [1] }, [{ op: 'remove', path: '/a/-' }], 0],
    ['removing past the end', { a: [] }, [{ op: 'remove', path: '/a/0' }], 0],
    ['adding below a scalar', { a: 1 }, [{ op: 'add', path: '/a/b', value: 1 }], 0],
    ['removing the whole document', { a: 1 }, [{ op: 'remove', path: '' }], 0],
    ['moving a value into its own child', { a: { b: 1 } }, [{ op: 'move', from: '/a', path: '/a/b/c' }], 0],
    ['a later operation', { a: 1 }, [{ op: 'add', path: '/b', value: 2 }, { op: 'remove', path: '/c' }], 1],
  ])('refuses %s with invalid-patch', (_, document, operations, index) => {
    const error = syncError(() => apply(document, operations));
    expect(error.code).toBe('invalid-patch');
    expect(error.errors?.[0]?.path).toEqual(['body', index, 'path']);
  });

  it.each<[string, unknown, Array<Array<string | number>>]>([
    ['a non-array', { op: 'add', path: '/a', value: 1 }, [['body']]],
    ['a non-object operation', [1], [['body', 0]]],
    ['an unknown op', [{ op: 'merge', path: '/a' }], [['body', 0, 'op']]],
    ['a missing path', [{ op: 'remove' }], [['body', 0, 'path']]],
    ['a relative path', [{ op: 'remove', path: 'a' }], [['body', 0, 'path']]],
    ['a bad escape', [{ op: 'remove', path: '/a~2' }], [['body', 0, 'path']]],
    ['a missing value', [{ op: 'add', path: '/a' }], [['body', 0, 'value']]],
    ['a missing from', [{ op: 'copy', path: '/a' }], [['body', 0, 'from']]],
    ['every problem at once', [{ op: 'test', path: 1 }, { op: 'move', path: '/a', from: 'x' }], [['body', 0, 'path'], ['body', 0, 'value'], ['body', 1, 'from']]],
  ])('refuses %s with bad-request', (_, operations, paths) => {
    const error = syncError(() => apply({ a: 1 }, operations));
    expect([error.code, error.status]).toEqual(['bad-request', 400]);
    expect(error.errors?.map((e) => e.path)).toEqual(paths);
  });

  it.each<[string, string, Array<string | number>]>([
    ['in a path', '[{"op":"add","path":"/__proto__/polluted","value":true}]', ['body', 0, 'path']],
    ['in a from', '[{"op":"copy","from":"/constructor","path":"/a"}]', ['body', 0, 'from']],
    ['in a value', '[{"op":"add","path":"/a","value":{"b":{"__proto__":{"polluted":true}}}}]', ['body', 0, 'value', 'b', '__proto__']],
    ['in an escaped token', '[{"op":"add","path":"/a/prototype","value":1}]', ['body', 0, 'path']],
  ])('refuses a prototype key %s with forbidden-key', (_, json, path) => {
    const error = syncError(() => applyJsonPatch({ a: {} }, JSON.parse(json)));
    expect(error.code).toBe('forbidden-key');
    expect(error.errors?.[0]?.path).toEqual(path);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  /** Every pointer into a JSON value, with the value there. */
  function locations(value: unknown, tokens: string[] = []): Array<[string[], unknown]> {
    const children = Array.isArray(value) ? value.map((item, i) => [String(i), item] as const) : value !== null && typeof value === 'object' ? Object.entries(value) : [];
    return [[tokens, value], ...children.flatMap(([token, child]) => locations(child, [...tokens, token]))];
  }
  const safeJson = fc.jsonValue({ maxDepth: 3 }).filter((value) => !/"(__proto__|constructor|prototype)":/.test(JSON.stringify(value)));

  it('tests every location true, and removing then adding it back restores the document (property)', () => {
    fc.assert(
      fc.property(safeJson, (document) => {
        const before = structuredClone(document);
        for (const [tokens, value] of locations(document)) {
          const path = formatJsonPointer(tokens);
          expect(applyJsonPatch(document, [{ op: 'test', path, value }])).toEqual(document);
          if (tokens.length === 0) continue;
          expect(applyJsonPatch(document, [{ op: 'remove', path }, { op: 'add', path, value }])).toEqual(document);
        }
        expect(document).toEqual(before);
      }),
    );
  });
});
