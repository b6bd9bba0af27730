import { cloneJson, copyObject, isJsonObject, setOwn } from './json-object.js';

/**
 * Splits a JSON Pointer (RFC 6901) into reference tokens, unescaping `~1` to `/` and then
 * `~0` to `~` (in that order, §4, so `~01` is `~1`). `undefined` when malformed.
 *
 * @example
 * parseJsonPointer('/a~1b/0'); // ['a/b', '0']
 */
export function parseJsonPointer(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  const tokens = pointer.slice(1).split('/');
  if (tokens.some((token) => /~(?![01])/.test(token))) return undefined;
  return tokens.map((token) => token.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Why a pointer does not reach a location; the patch reports it as `invalid-patch`. */
export class PointerError extends Error {
  override readonly name = 'PointerError';
}

const ARRAY_INDEX = /^(?:0|[1-9]\d*)$/;

/** An existing array index (RFC 6901 §4: no leading zeros; `-` is past the end, so never existing). */
function indexIn(array: readonly unknown[], token: string, allowEnd: boolean): number {
  if (token === '-' && allowEnd) return array.length;
  if (!ARRAY_INDEX.test(token)) throw new PointerError(`"${token}" is not an array index`);
  const index = Number(token);
  if (index > array.length || (index === array.length && !allowEnd)) {
    throw new PointerError(`index "${token}" is out of range for an array of ${array.length}`);
  }
  return index;
}

/**
 * The value at a pointer's tokens; throws {@link PointerError} when there is none.
 *
 * @example
 * valueAt({ a: [1, 2] }, ['a', '1']); // 2
 */
export function valueAt(document: unknown, tokens: readonly string[]): unknown {
  let node = document;
  for (const token of tokens) {
    if (Array.isArray(node)) node = node[indexIn(node, token, false)];
    else if (isJsonObject(node) && Object.hasOwn(node, token)) node = node[token];
    else throw new PointerError(`there is no "${token}" here`);
  }
  return node;
}

/** Rebuilds the path down to the parent of the last token and lets `edit` replace that parent. */
function editParent(node: unknown, tokens: readonly string[], edit: (parent: unknown, token: string) => unknown): unknown {
  const [token, ...rest] = tokens;
  if (token === undefined) throw new PointerError('the whole document has no parent');
  if (rest.length === 0) return edit(node, token);
  const child = valueAt(node, [token]);
  return withMember(node, token, editParent(child, rest, edit), false);
}

/** A copy of a container with one member set (or, for arrays with `insert`, inserted). */
function withMember(container: unknown, token: string, value: unknown, insert: boolean): unknown {
  if (Array.isArray(container)) {
    const index = indexIn(container, token, insert);
    const copy = [...container];
    copy.splice(index, insert ? 0 : 1, value);
    return copy;
  }
  if (!isJsonObject(container)) throw new PointerError(`"${token}" has no parent object or array`);
  if (!insert && !Object.hasOwn(container, token)) throw new PointerError(`there is no "${token}" here`);
  const copy = copyObject(container);
  setOwn(copy, token, value);
  return copy;
}

/**
 * RFC 6902 §4.1 add, without modifying `document`: inserts into an array (`-` appends),
 * sets an object member (replacing one that exists); an empty pointer replaces the whole.
 *
 * @example
 * addAt({ a: [1] }, ['a', '-'], 2); // { a: [1, 2] }
 */
export function addAt(document: unknown, tokens: readonly string[], value: unknown): unknown {
  if (tokens.length === 0) return cloneJson(value);
  return editParent(document, tokens, (parent, token) => withMember(parent, token, cloneJson(value), true));
}

/**
 * RFC 6902 §4.3 replace, without modifying `document`: the location must exist.
 *
 * @example
 * replaceAt({ a: 1 }, ['a'], 2); // { a: 2 }
 */
export function replaceAt(document: unknown, tokens: readonly string[], value: unknown): unknown {
  if (tokens.length === 0) return cloneJson(value);
  return editParent(document, tokens, (parent, token) => withMember(parent, token, cloneJson(value), false));
}

/**
 * RFC 6902 §4.2 remove, without modifying `document`: the location must exist.
 *
 * @example
 * removeAt({ a: 1, b: 2 }, ['a']); // { b: 2 }
 */
export function removeAt(document: unknown, tokens: readonly string[]): unknown {
  return editParent(document, tokens, (parent, token) => {
    if (Array.isArray(parent)) {
      const index = indexIn(parent, token, false);
      return parent.filter((_, i) => i !== index);
    }
    if (!isJsonObject(parent) || !Object.hasOwn(parent, token)) throw new PointerError(`there is no "${token}" here`);
    const copy = copyObject(parent);
    delete copy[token];
    return copy;
  });
}

/**
 * Writes tokens back as a JSON Pointer, escaping `~` and `/`.
 *
 * @example
 * formatJsonPointer(['a/b', '0']); // '/a~1b/0'
 */
export function formatJsonPointer(tokens: readonly string[]): string {
  return tokens.map((token) => '/' + token.replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
