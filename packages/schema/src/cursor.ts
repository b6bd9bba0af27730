import { SynclineError } from '@syncline/protocol';
import type { OrderTerm, Scalar } from './filter.js';
import { compareOrderValues } from './order.js';
import { isScalar, scalarAt } from './record-value.js';

/**
 * A record's values for each order term: what a keyset cursor holds. Missing and
 * non-scalar fields count as `null`.
 *
 * @example
 * cursorValues([{ field: 'rank', direction: 'asc' }, { field: 'id', direction: 'asc' }], { id: 'a', rank: 2 }); // [2, 'a']
 */
export function cursorValues(order: readonly OrderTerm[], record: Readonly<Record<string, unknown>>): Scalar[] {
  return order.map((term) => scalarAt(record, term.field));
}

/** Base64url without padding (RFC 4648 §5) over UTF-8, with what browsers and Node both have. */
function toBase64Url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(encoded: string): string | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(encoded) || encoded.length % 4 === 1) return undefined;
  try {
    const binary = atob(encoded.replace(/-/g, '+').replace(/_/g, '/'));
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return undefined;
  }
}

/**
 * Encodes order values as an opaque cursor: base64url (no padding) of their JSON.
 *
 * @example
 * encodeCursor([2, 'a']); // 'WzIsImEiXQ'
 */
export function encodeCursor(values: readonly Scalar[]): string {
  return toBase64Url(JSON.stringify(values));
}

function invalidCursor(message: string): SynclineError {
  return new SynclineError('invalid-query', { detail: `The cursor is not valid: ${message}.`, errors: [{ path: ['after'], message }] });
}

/**
 * Decodes a cursor for an order. Only cursors exactly as {@link encodeCursor} writes them
 * are accepted (a client never builds one), so every accepted cursor re-encodes to itself.
 * Throws `invalid-query` (path `['after']`) when it is malformed or holds a number of
 * values other than the order's terms.
 *
 * @example
 * decodeCursor('WzIsImEiXQ', [{ field: 'rank', direction: 'asc' }, { field: 'id', direction: 'asc' }]); // [2, 'a']
 */
export function decodeCursor(cursor: string, order: readonly OrderTerm[]): Scalar[] {
  const text = fromBase64Url(cursor);
  if (text === undefined) throw invalidCursor('not base64url');
  let values: unknown;
  try {
    values = JSON.parse(text);
  } catch {
    throw invalidCursor('not JSON');
  }
  if (!Array.isArray(values) || !values.every(isScalar)) throw invalidCursor('not a list of scalars');
  if (values.length !== order.length) throw invalidCursor(`expected ${order.length} values, got ${values.length}`);
  // Rejects what JSON.parse tolerates but encodeCursor never writes: spaces, `-0`, `1.0`, escapes, a BOM.
  if (encodeCursor(values) !== cursor) throw invalidCursor('not in canonical form');
  return values;
}

/**
 * Whether a record sorts strictly after the cursor's values under the order (directions
 * applied): the keyset condition of the next page, in memory. Agrees with
 * `compareRecords(order, recordAtCursor, record) < 0`.
 *
 * @example
 * const order = [{ field: 'id', direction: 'asc' }] as const;
 * isAfterCursor(order, ['b'], { id: 'c' }); // true
 */
export function isAfterCursor(order: readonly OrderTerm[], after: readonly Scalar[], record: Readonly<Record<string, unknown>>): boolean {
  return compareOrderValues(order, cursorValues(order, record), after) > 0;
}
