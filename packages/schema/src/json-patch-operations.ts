import { SynclineError, type FieldError } from '@syncline/protocol';
import { assertNoPrototypeKeys, forbiddenKey, isJsonObject, PROTOTYPE_KEYS } from './json-object.js';
import { parseJsonPointer } from './json-pointer.js';

/** One RFC 6902 operation, its pointers split into tokens. */
export type JsonPatchOperation =
  | { readonly op: 'add' | 'replace' | 'test'; readonly path: readonly string[]; readonly value: unknown }
  | { readonly op: 'remove'; readonly path: readonly string[] }
  | { readonly op: 'move' | 'copy'; readonly path: readonly string[]; readonly from: readonly string[] };

const OPS: ReadonlySet<string> = new Set(['add', 'remove', 'replace', 'move', 'copy', 'test']);

type Fail = (member: string | undefined, message: string) => void;

function readPointer(raw: Readonly<Record<string, unknown>>, member: 'path' | 'from', fail: Fail): string[] | undefined {
  const pointer = Object.hasOwn(raw, member) ? raw[member] : undefined;
  if (typeof pointer !== 'string') return void fail(member, 'must be a JSON Pointer string');
  const tokens = parseJsonPointer(pointer);
  if (!tokens) fail(member, 'is not a JSON Pointer (RFC 6901): it must be empty or start with "/", and "~" must be followed by 0 or 1');
  return tokens;
}

/** Reads one operation; members not defined for it are ignored (RFC 6902 §4). */
function readOperation(raw: unknown, fail: Fail): JsonPatchOperation | undefined {
  if (!isJsonObject(raw)) return void fail(undefined, 'an operation is an object');
  const op = Object.hasOwn(raw, 'op') ? raw.op : undefined;
  if (typeof op !== 'string' || !OPS.has(op)) return void fail('op', 'must be one of add, remove, replace, move, copy, test');
  const path = readPointer(raw, 'path', fail);
  if (op === 'move' || op === 'copy') {
    const from = readPointer(raw, 'from', fail);
    return path && from ? { op, path, from } : undefined;
  }
  if (op === 'remove') return path ? { op, path } : undefined;
  const value = Object.hasOwn(raw, 'value') ? raw.value : undefined;
  if (value === undefined) return void fail('value', 'is required');
  return path ? { op: op as 'add' | 'replace' | 'test', path, value } : undefined;
}

/** Refuses prototype keys in pointers and in values, before anything is applied. */
function assertNoPrototypeKeysIn(operation: JsonPatchOperation, index: number): void {
  const pointers = 'from' in operation ? { path: operation.path, from: operation.from } : { path: operation.path };
  for (const [member, tokens] of Object.entries(pointers)) {
    const key = tokens.find((token) => PROTOTYPE_KEYS.has(token));
    if (key !== undefined) throw forbiddenKey(key, ['body', index, member]);
  }
  if ('value' in operation) assertNoPrototypeKeys(operation.value, ['body', index, 'value']);
}

/**
 * Validates a JSON Patch document (RFC 6902 §3): an array of operations, each with a
 * known `op`, well-formed pointers and the members that op needs. Throws `bad-request`
 * listing every problem (paths `['body', index, member]`), then `forbidden-key` for a
 * prototype key in a pointer or a value.
 *
 * @example
 * readJsonPatch([{ op: 'remove', path: '/a~1b' }]); // [{ op: 'remove', path: ['a/b'] }]
 */
export function readJsonPatch(operations: unknown): JsonPatchOperation[] {
  if (!Array.isArray(operations)) {
    throw new SynclineError('bad-request', {
      detail: 'A JSON Patch is an array of operations.',
      errors: [{ path: ['body'], message: 'must be an array of operations' }],
    });
  }
  const errors: FieldError[] = [];
  const result: JsonPatchOperation[] = [];
  operations.forEach((raw: unknown, index) => {
    const operation = readOperation(raw, (member, message) => {
      errors.push({ path: member === undefined ? ['body', index] : ['body', index, member], message });
    });
    if (operation) result.push(operation);
  });
  if (errors.length > 0) throw new SynclineError('bad-request', { detail: 'The JSON Patch is malformed.', errors });
  result.forEach(assertNoPrototypeKeysIn);
  return result;
}
