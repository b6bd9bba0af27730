import { SynclineError } from '@syncline/protocol';

/** Keys that reach an object's prototype through a naive assignment or merge (docs/design-notes.md, "Untrusted JSON: depth and prototype keys"). */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * A JSON object: neither null nor an array.
 *
 * @example
 * isJsonObject([]); // false
 */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Sets an own property, even for a key like `__proto__` where `object[key] = value` would
 * replace the prototype instead.
 *
 * @example
 * setOwn(copy, key, value);
 */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A shallow copy with own properties only (`Object.fromEntries` defines, never assigns).
 *
 * @example
 * copyObject({ a: 1 }); // { a: 1 }
 */
export function copyObject(object: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object));
}

/**
 * A deep copy of a JSON value, so a result never shares a subtree with a patch.
 *
 * @example
 * cloneJson({ a: [1] }); // { a: [1] }, a new object and array
 */
export function cloneJson(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(cloneJson);
  if (!isJsonObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, cloneJson(item)]));
}

/**
 * The `forbidden-key` error for a key at a path into the request.
 *
 * @example
 * throw forbiddenKey('__proto__', ['body', 0, 'path']);
 */
export function forbiddenKey(key: string, path: ReadonlyArray<string | number>): SynclineError {
  return new SynclineError('forbidden-key', {
    detail: `The key "${key}" is not allowed.`,
    errors: [{ path: [...path], message: `"${key}" is a forbidden key` }],
  });
}

/**
 * Throws `forbidden-key` if any object in `value` has a {@link PROTOTYPE_KEYS} key.
 *
 * @example
 * assertNoPrototypeKeys(JSON.parse('{"a":{"__proto__":{}}}'), ['body']); // throws, path ['body', 'a', '__proto__']
 */
export function assertNoPrototypeKeys(value: unknown, path: ReadonlyArray<string | number>): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoPrototypeKeys(item, [...path, index]));
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (PROTOTYPE_KEYS.has(key)) throw forbiddenKey(key, [...path, key]);
      assertNoPrototypeKeys(item, [...path, key]);
    }
  }
}

/**
 * Equality of JSON values as RFC 6902 §4.6 defines it for `test`: member order does not matter.
 *
 * @example
 * jsonEqual({ a: 1, b: [2] }, { b: [2], a: 1 }); // true
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((item, i) => jsonEqual(item, b[i]));
  if (!isJsonObject(a)) return a === b;
  if (!isJsonObject(b)) return false;
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && jsonEqual(a[key], b[key]));
}
