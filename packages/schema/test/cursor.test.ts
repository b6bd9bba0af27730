import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SynclineError } from '@syncline/protocol';
import type { OrderTerm, Scalar } from '../src/filter.js';
import { cursorValues, decodeCursor, encodeCursor, isAfterCursor } from '../src/cursor.js';
import { compareRecords } from '../src/order.js';

const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)), // JSON has no -0
  fc.string({ unit: 'binary' }),
  fc.string(),
);

const orderOf = (length: number): OrderTerm[] => Array.from({ length }, (_, i) => ({ field: `f${i}`, direction: 'asc' }));

function decodeError(cursor: string, order: readonly OrderTerm[]): SynclineError {
  try {
    decodeCursor(cursor, order);
  } catch (error) {
    if (error instanceof SynclineError) return error;
    throw error;
  }
  throw new Error('decodeCursor accepted the cursor');
}

describe('encodeCursor / decodeCursor', () => {
  it('encodes base64url of the JSON, without padding', () => {
    expect(encodeCursor([2, 'a'])).toBe('WzIsImEiXQ');
    expect(decodeCursor('WzIsImEiXQ', orderOf(2))).toEqual([2, 'a']);
  });

  it('round-trips any scalars, and matches base64url over UTF-8', () => {
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 5 }), (values) => {
        const cursor = encodeCursor(values);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(cursor).toBe(Buffer.from(JSON.stringify(values), 'utf8').toString('base64url'));
        expect(decodeCursor(cursor, orderOf(values.length))).toEqual(values);
      }),
    );
  });

  it.each([
    ['not base64url', '!!!'],
    ['an impossible length', 'WzIsImEiXQa'],
    ['padding', 'WzIsImEiXQ=='],
    ['not JSON', Buffer.from('[2,').toString('base64url')],
    ['not UTF-8', Buffer.from([0x5b, 0xff, 0x5d]).toString('base64url')],
    ['not an array', Buffer.from('{"a":1}').toString('base64url')],
    ['a non-scalar value', Buffer.from('[[1],"a"]').toString('base64url')],
    ['a non-canonical form', Buffer.from('[2, "a"]').toString('base64url')],
    ['a negative zero', Buffer.from('[-0,"a"]').toString('base64url')],
    ['too few values', encodeCursor(['a'])],
    ['too many values', encodeCursor([1, 2, 'a'])],
  ])('refuses %s with invalid-query at path after', (_, cursor) => {
    const error = decodeError(cursor, orderOf(2));
    expect(error.code).toBe('invalid-query');
    expect(error.errors?.[0]?.path).toEqual(['after']);
  });
});

describe('cursorValues / isAfterCursor', () => {
  it('reads the order fields, missing ones as null', () => {
    const order: OrderTerm[] = [{ field: 'rank', direction: 'desc' }, { field: 'id', direction: 'desc' }];
    expect(cursorValues(order, { id: 'a', rank: 3, title: 'x' })).toEqual([3, 'a']);
    expect(cursorValues(order, { id: 'a' })).toEqual([null, 'a']);
  });

  it('is strict: the cursor record itself is not after the cursor', () => {
    const order: OrderTerm[] = [{ field: 'id', direction: 'asc' }];
    expect(isAfterCursor(order, ['b'], { id: 'b' })).toBe(false);
    expect(isAfterCursor(order, ['b'], { id: 'c' })).toBe(true);
    expect(isAfterCursor([{ field: 'id', direction: 'desc' }], ['b'], { id: 'a' })).toBe(true);
  });

  it('agrees with compareRecords for any order and directions', () => {
    const record = fc.record({ id: fc.string({ maxLength: 2 }), rank: fc.integer({ min: 0, max: 3 }), name: fc.string({ unit: 'binary', maxLength: 2 }) });
    const direction = fc.constantFrom<'asc' | 'desc'>('asc', 'desc');
    const order = fc
      .tuple(fc.subarray(['rank', 'name']), fc.array(direction, { minLength: 3, maxLength: 3 }))
      .map(([fields, directions]) => [...fields, 'id'].map((field, i): OrderTerm => ({ field, direction: directions[i] ?? 'asc' })));
    fc.assert(
      fc.property(order, record, record, (terms, cursorRecord, other) => {
        const after = decodeCursor(encodeCursor(cursorValues(terms, cursorRecord)), terms);
        expect(isAfterCursor(terms, after, other)).toBe(compareRecords(terms, cursorRecord, other) < 0);
      }),
    );
  });
});
