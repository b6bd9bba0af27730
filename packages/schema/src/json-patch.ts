import { SynclineError } from '@syncline/protocol';
import { jsonEqual } from './json-object.js';
import { readJsonPatch, type JsonPatchOperation } from './json-patch-operations.js';
import { addAt, formatJsonPointer, PointerError, removeAt, replaceAt, valueAt } from './json-pointer.js';

function invalidPatch(index: number, member: 'path' | 'from', message: string): SynclineError {
  return new SynclineError('invalid-patch', {
    detail: `Operation ${index}: ${message}.`,
    errors: [{ path: ['body', index, member], message }],
  });
}

/** Runs one step, reporting a pointer that leads nowhere against the member that holds it. */
function at<T>(index: number, member: 'path' | 'from', tokens: readonly string[], step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (!(error instanceof PointerError)) throw error;
    throw invalidPatch(index, member, `"${formatJsonPointer(tokens)}": ${error.message}`);
  }
}

function isPrefix(prefix: readonly string[], tokens: readonly string[]): boolean {
  return prefix.length <= tokens.length && prefix.every((token, i) => token === tokens[i]);
}

function applyOperation(document: unknown, operation: JsonPatchOperation, index: number): unknown {
  const { path } = operation;
  switch (operation.op) {
    case 'add':
      return at(index, 'path', path, () => addAt(document, path, operation.value));
    case 'replace':
      return at(index, 'path', path, () => replaceAt(document, path, operation.value));
    case 'remove':
      if (path.length === 0) throw invalidPatch(index, 'path', 'the whole document cannot be removed');
      return at(index, 'path', path, () => removeAt(document, path));
    case 'copy': {
      const value = at(index, 'from', operation.from, () => valueAt(document, operation.from));
      return at(index, 'path', path, () => addAt(document, path, value));
    }
    case 'move': {
      const { from } = operation;
      const value = at(index, 'from', from, () => valueAt(document, from));
      if (from.length === path.length && isPrefix(from, path)) return document;
      // RFC 6902 §4.4: "from" MUST NOT be a proper prefix of "path".
      if (isPrefix(from, path)) throw invalidPatch(index, 'path', 'a value cannot be moved into one of its children');
      const removed = at(index, 'from', from, () => removeAt(document, from));
      return at(index, 'path', path, () => addAt(removed, path, value));
    }
    case 'test': {
      const value = at(index, 'path', path, () => valueAt(document, path));
      if (jsonEqual(value, operation.value)) return document;
      throw new SynclineError('conflict', {
        detail: `Operation ${index}: the value at "${formatJsonPointer(path)}" is not the tested value.`,
        errors: [{ path: ['body', index, 'value'], message: 'test failed' }],
      });
    }
  }
}

/**
 * Applies a JSON Patch (RFC 6902, pointers per RFC 6901) and answers the new document;
 * `document` is never modified, so a failing operation leaves nothing half applied (§5).
 * Errors: `bad-request` when `operations` is not a well-formed patch, `forbidden-key` for
 * a prototype key in a pointer or value, `invalid-patch` when a pointer leads nowhere or
 * an index is out of range (path `['body', index, 'path' | 'from']`), and `conflict` when
 * a `test` fails.
 *
 * @example
 * applyJsonPatch({ tags: ['a'] }, [{ op: 'test', path: '/tags/0', value: 'a' }, { op: 'add', path: '/tags/-', value: 'b' }]);
 * // { tags: ['a', 'b'] }
 */
export function applyJsonPatch(document: unknown, operations: unknown): unknown {
  return readJsonPatch(operations).reduce<unknown>((current, operation, index) => applyOperation(current, operation, index), document);
}
