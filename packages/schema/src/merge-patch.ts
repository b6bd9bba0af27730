import { assertNoPrototypeKeys, cloneJson, copyObject, isJsonObject, setOwn } from './json-object.js';

/** RFC 7396 §2 MergePatch, building new objects: neither input is ever modified. */
function merge(target: unknown, patch: unknown): unknown {
  if (!isJsonObject(patch)) return cloneJson(patch);
  const result = isJsonObject(target) ? copyObject(target) : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else setOwn(result, key, merge(Object.hasOwn(result, key) ? result[key] : undefined, value));
  }
  return result;
}

/**
 * Applies a JSON Merge Patch (RFC 7396): members of an object patch are merged in
 * recursively, a `null` member deletes, anything else (arrays included) replaces. The
 * inputs are never modified; the result shares unchanged subtrees with `target`. Results
 * hold own properties only, and a patch with a `__proto__`, `constructor` or `prototype`
 * key anywhere is refused with `forbidden-key` (path `['body', …]`).
 *
 * @example
 * applyMergePatch({ title: 'Milk', done: false, note: 'x' }, { done: true, note: null });
 * // { title: 'Milk', done: true }
 */
export function applyMergePatch(target: unknown, patch: unknown): unknown {
  assertNoPrototypeKeys(patch, ['body']);
  return merge(target, patch);
}
