import { SynclineError } from './syncline-error.js';

/** Keys that could reach an object's prototype in a naive merge; refused anywhere in a body. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface SafeJsonOptions {
  /** Deepest nesting of arrays and objects accepted (JSON.parse takes any depth, JSON.stringify does not). */
  maxDepth: number;
  /** Refuse prototype keys (default true). A caller that wants to read a request id first checks them itself with {@link assertNoForbiddenKeys}. */
  checkKeys?: boolean;
}

/** Throws `json-too-deep` when brackets nest deeper than `maxDepth`, before anything is parsed. */
function checkDepth(text: string, maxDepth: number): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) {
        throw new SynclineError('json-too-deep', { detail: `JSON nests deeper than ${maxDepth} levels.` });
      }
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
}

/** Throws `forbidden-key` if any object in `value` has a key in {@link FORBIDDEN_KEYS}; answers the path. */
export function assertNoForbiddenKeys(value: unknown, path: Array<string | number> = []): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => assertNoForbiddenKeys(item, [...path, index]));
  } else if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) {
        throw new SynclineError('forbidden-key', {
          detail: `The key "${key}" is not allowed.`,
          errors: [{ path: [...path, key], message: 'forbidden key' }],
        });
      }
      assertNoForbiddenKeys((value as Record<string, unknown>)[key], [...path, key]);
    }
  }
}

/**
 * Parses untrusted JSON: depth limited before parsing, prototype keys refused after.
 * Errors are SynclineErrors: `invalid-json`, `json-too-deep`, `forbidden-key`.
 *
 * @example
 * parseJsonSafely('{"title":"Milk"}', { maxDepth: 32 }); // { title: 'Milk' }
 */
export function parseJsonSafely(text: string, options: SafeJsonOptions): unknown {
  checkDepth(text, options.maxDepth);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new SynclineError('invalid-json', { detail: (error as Error).message, cause: error });
  }
  if (options.checkKeys !== false) assertNoForbiddenKeys(value);
  return value;
}
