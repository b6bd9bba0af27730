import { FORBIDDEN_KEYS, SynclineError } from '@syncline/protocol';
import type { JsonRecord } from '../requests/answers.js';

/**
 * Deepest nesting the offline merge walks. The server refuses bodies deeper than 32 levels,
 * so a record that came from it is never deeper; a local value deeper than this is refused
 * (`json-too-deep`) instead of overflowing the stack.
 */
export const MAX_MERGE_DEPTH = 64;

/** A plain JSON object (not an array, not null). */
export function isPlainObject(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `record[key]` when it is an own property (never an inherited one such as `constructor`). */
export function ownValue(record: JsonRecord, key: string): unknown {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined;
}

/** Sets an own, enumerable property without going through a setter (`__proto__` included). */
export function setOwn(record: JsonRecord, key: string, value: unknown): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Throws `forbidden-key` when `value` holds `__proto__`, `constructor` or `prototype` as a key
 * anywhere, and `json-too-deep` when it nests deeper than {@link MAX_MERGE_DEPTH}.
 *
 * @example
 * assertSafeJson(JSON.parse('{"a":{"__proto__":{}}}'), 'local'); // throws forbidden-key
 */
export function assertSafeJson(value: unknown, path: string, depth = 0): void {
  if (typeof value !== 'object' || value === null) return;
  if (depth >= MAX_MERGE_DEPTH) throw new SynclineError('json-too-deep', { detail: `${path || 'The value'} nests deeper than ${MAX_MERGE_DEPTH} levels.` });
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertSafeJson(item, `${path}[${index}]`, depth + 1));
    return;
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      throw new SynclineError('forbidden-key', { detail: `The key "${key}" is not allowed (at ${path || 'the top level'}).` });
    }
    assertSafeJson((value as JsonRecord)[key], path ? `${path}.${key}` : key, depth + 1);
  }
}

/**
 * JSON equality: objects compare by their own keys whatever their order, a property whose
 * value is `undefined` counts as absent, arrays compare element by element.
 *
 * @example
 * jsonEqual({ a: 1, b: [1] }, { b: [1], a: 1, c: undefined }); // true
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((item, index) => jsonEqual(item, b[index]));
  }
  const left = a as JsonRecord;
  const right = b as JsonRecord;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) if (!jsonEqual(ownValue(left, key), ownValue(right, key))) return false;
  return true;
}
