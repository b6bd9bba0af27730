import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderTerm, Scalar } from '../src/filter.js';
import { compareOrderValues, compareRecords, compareScalars, compareStrings } from '../src/order.js';

const scalar: fc.Arbitrary<Scalar> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer({ min: -5, max: 5 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ unit: 'binary', maxLength: 6 }),
);

describe('compareScalars', () => {
  it('orders by type first: null < boolean < number < string', () => {
    expect([3, 'a', true, null, false, '', -1].sort(compareScalars)).toEqual([null, false, true, -1, 3, '', 'a']);
  });

  it('orders numbers numerically, not as strings', () => {
    expect([10, 9, -2, 0.5].sort(compareScalars)).toEqual([-2, 0.5, 9, 10]);
    expect(compareScalars(0, -0)).toBe(0);
  });

  it('orders strings by code point, as SQLite BINARY and PostgreSQL COLLATE "C" do', () => {
    // UTF-16 `<` says U+FFFD > U+1F600 (0xFFFD > 0xD83D); UTF-8 bytes say the opposite.
    expect('\uFFFD' < '😀').toBe(false);
    expect(compareScalars('\uFFFD', '😀')).toBe(-1);
    expect(compareScalars('😀', '\uFFFD')).toBe(1);
    expect(compareScalars('a', 'ab')).toBe(-1);
    expect(compareScalars('B', 'a')).toBe(-1);
  });

  it('agrees with UTF-8 byte order for any strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), (a, b) => {
        expect(compareStrings(a, b)).toBe(Math.sign(Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))));
      }),
    );
  });

  it('is a total order: antisymmetric, and sorting yields non-decreasing pairs', () => {
    fc.assert(
      fc.property(scalar, scalar, (a, b) => {
        expect(compareScalars(a, b)).toBe(-compareScalars(b, a) || 0);
      }),
    );
    fc.assert(
      fc.property(fc.array(scalar), (values) => {
        const sorted = [...values].sort(compareScalars);
        for (let i = 1; i < sorted.length; i++) expect(compareScalars(sorted[i - 1] ?? null, sorted[i] ?? null)).toBeLessThanOrEqual(0);
      }),
    );
  });
});

describe('compareRecords', () => {
  const order: OrderTerm[] = [
    { field: 'rank', direction: 'desc' },
    { field: 'id', direction: 'asc' },
  ];

  it('applies the first term that differs, with its direction', () => {
    const records = [
      { id: 'b', rank: 1 },
      { id: 'a', rank: 1 },
      { id: 'c', rank: 2 },
    ];
    expect([...records].sort((x, y) => compareRecords(order, x, y)).map((r) => r.id)).toEqual(['c', 'a', 'b']);
    expect(compareRecords(order, { id: 'a', rank: 1 }, { id: 'a', rank: 1 })).toBe(0);
  });

  it('counts missing and non-scalar fields as null, and never reads the prototype', () => {
    const byConstructor: OrderTerm[] = [{ field: 'constructor', direction: 'asc' }];
    expect(compareRecords(byConstructor, {}, { constructor: null })).toBe(0);
    expect(compareRecords([{ field: 'rank', direction: 'asc' }], { rank: [1] }, { rank: 0 })).toBe(-1);
  });

  it('agrees with compareOrderValues on the records\' values', () => {
    fc.assert(
      fc.property(scalar, scalar, scalar, scalar, fc.constantFrom<'asc' | 'desc'>('asc', 'desc'), (a1, a2, b1, b2, direction) => {
        const terms: OrderTerm[] = [{ field: 'x', direction }, { field: 'y', direction: 'asc' }];
        expect(compareRecords(terms, { x: a1, y: a2 }, { x: b1, y: b2 })).toBe(compareOrderValues(terms, [a1, a2], [b1, b2]));
      }),
    );
  });
});
