import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MATCH_ALL, MATCH_NONE, type Condition, type Filter, type Scalar } from '../src/filter.js';
import { and, evaluateFilter, filterFields, filterKey, matchesFilter, not, or, where } from '../src/filter-match.js';

const c = (field: string, op: Condition['op'], value: Condition['value']): Condition => ({ field, op, value });

describe('matchesFilter: conditions follow SQL', () => {
  const record = { id: 'r1', owner: 'ana', rank: 3, done: false, note: null, tags: ['x', 'y'], meta: { a: 1 } };

  it.each<[string, Condition, boolean]>([
    ['eq null matches null', c('note', 'eq', null), true],
    ['eq null matches a missing field', c('absent', 'eq', null), true],
    ['eq null does not match a value', c('owner', 'eq', null), false],
    ['eq matches a strictly equal scalar', c('owner', 'eq', 'ana'), true],
    ['eq does not coerce', c('rank', 'eq', '3'), false],
    ['eq false does not match null', c('note', 'eq', false), false],
    ['eq on an array field never matches a scalar', c('tags', 'eq', 'x'), false],
    ['eq on an object field never matches a scalar', c('meta', 'eq', 1), false],
    ['ne null matches a value', c('owner', 'ne', null), true],
    ['ne null matches a json value', c('tags', 'ne', null), true],
    ['ne null does not match null', c('note', 'ne', null), false],
    ['ne matches a different value', c('owner', 'ne', 'bob'), true],
    ['ne does not match an equal value', c('owner', 'ne', 'ana'), false],
    ['ne does not match null (NULL <> x is not true)', c('note', 'ne', 'x'), false],
    ['ne does not match a missing field', c('absent', 'ne', 'x'), false],
    ['ne matches a json field', c('tags', 'ne', 'x'), true],
    ['gt compares numbers', c('rank', 'gt', 2), true],
    ['gte includes equality', c('rank', 'gte', 3), true],
    ['lt excludes equality', c('rank', 'lt', 3), false],
    ['lte includes equality', c('rank', 'lte', 3), true],
    ['gt compares strings by code point', c('owner', 'gt', 'Zed'), true],
    ['a range never matches another type', c('rank', 'gt', 'a'), false],
    ['a range never matches null', c('note', 'lt', 'z'), false],
    ['a range with a null value matches nothing', c('rank', 'gt', null), false],
    ['in matches one element', c('owner', 'in', ['bob', 'ana']), true],
    ['in does not match others', c('owner', 'in', ['bob']), false],
    ['in never matches null, even with a null element', c('note', 'in', [null]), false],
    ['in [] matches nothing', c('owner', 'in', []), false],
    ['contains finds an element', c('tags', 'contains', 'y'), true],
    ['contains is strict', c('tags', 'contains', 'z'), false],
    ['contains on a scalar field is false', c('owner', 'contains', 'ana'), false],
    ['contains on null is false', c('note', 'contains', 'x'), false],
  ])('%s', (_, condition, expected) => {
    expect(matchesFilter(condition, record)).toBe(expected);
  });

  it('reads own properties only', () => {
    expect(matchesFilter(c('constructor', 'eq', null), {})).toBe(true);
    expect(matchesFilter(c('toString', 'ne', null), {})).toBe(false);
  });

  it('matches everything with {and: []} and nothing with {or: []}', () => {
    expect(matchesFilter(MATCH_ALL, {})).toBe(true);
    expect(matchesFilter(MATCH_NONE, {})).toBe(false);
    expect(matchesFilter(not(MATCH_NONE), {})).toBe(true);
  });

  it('uses three-valued logic: not(unknown) is unknown, as SQL NOT is', () => {
    const noOwner = { owner: null };
    expect(evaluateFilter(c('owner', 'eq', 'ana'), noOwner)).toBeNull();
    expect(matchesFilter({ not: c('owner', 'eq', 'ana') }, noOwner)).toBe(false);
    expect(matchesFilter({ not: c('owner', 'eq', null) }, noOwner)).toBe(false);
    expect(evaluateFilter({ or: [c('owner', 'eq', 'ana'), MATCH_ALL] }, noOwner)).toBe(true);
    expect(evaluateFilter({ and: [c('owner', 'eq', 'ana'), MATCH_NONE] }, noOwner)).toBe(false);
    expect(evaluateFilter(c('owner', 'in', ['a', null]), { owner: 'b' })).toBeNull();
  });
});

describe('and / or / not', () => {
  const a = c('a', 'eq', 1);
  const b = c('b', 'eq', 2);
  const d = c('d', 'eq', 3);

  it('flattens nested operands and drops identities', () => {
    expect(and(a, { and: [b, MATCH_ALL, { and: [d] }] })).toEqual({ and: [a, b, d] });
    expect(or({ or: [a, MATCH_NONE] }, b)).toEqual({ or: [a, b] });
  });

  it('answers one operand as itself and none as the identity', () => {
    expect(and(a)).toBe(a);
    expect(and()).toEqual(MATCH_ALL);
    expect(and(MATCH_ALL, MATCH_ALL)).toEqual(MATCH_ALL);
    expect(or()).toEqual(MATCH_NONE);
  });

  it('is absorbed by MATCH_NONE (and) or MATCH_ALL (or), even nested', () => {
    expect(and(a, { and: [b, MATCH_NONE] })).toEqual(MATCH_NONE);
    expect(or(a, { or: [MATCH_ALL] })).toEqual(MATCH_ALL);
  });

  it('negates, removing double negation and swapping the constants', () => {
    expect(not(a)).toEqual({ not: a });
    expect(not(not(a))).toBe(a);
    expect(not(MATCH_ALL)).toEqual(MATCH_NONE);
    expect(not(MATCH_NONE)).toEqual(MATCH_ALL);
  });
});

describe('where', () => {
  it('builds an and of conditions; a scalar means eq', () => {
    expect(where({ owner: 'ana', order: { gte: 3 }, tags: { contains: 'x' } })).toEqual({
      and: [c('owner', 'eq', 'ana'), c('order', 'gte', 3), c('tags', 'contains', 'x')],
    });
    expect(where({ owner: null })).toEqual(c('owner', 'eq', null));
    expect(where({ rank: { gt: 1, lt: 5 }, owner: { in: ['a', 'b'] } })).toEqual({
      and: [c('rank', 'gt', 1), c('rank', 'lt', 5), c('owner', 'in', ['a', 'b'])],
    });
    expect(where({})).toEqual(MATCH_ALL);
  });

  it('refuses unknown operators and misplaced lists', () => {
    expect(() => where({ a: { like: 'x' } as never })).toThrow(TypeError);
    expect(() => where({ a: ['x'] as never })).toThrow(TypeError);
    expect(() => where({ a: { in: 'x' } as never })).toThrow(TypeError);
  });
});

describe('filterFields', () => {
  it('lists every field mentioned, sorted, once', () => {
    expect(filterFields({ or: [where({ owner: 'a', done: false }), { not: c('owner', 'eq', 'b') }] })).toEqual(['done', 'owner']);
    expect(filterFields(MATCH_ALL)).toEqual([]);
  });
});

// Random filters over a small vocabulary, so that collisions and matches are likely.
const scalar: fc.Arbitrary<Scalar> = fc.oneof(fc.constant(null), fc.boolean(), fc.integer({ min: 0, max: 3 }), fc.constantFrom('a', 'b', '😀'));
const conditionArb: fc.Arbitrary<Condition> = fc.oneof(
  fc.record({ field: fc.constantFrom('x', 'y', 'tags'), op: fc.constantFrom<Condition['op']>('eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains'), value: scalar }),
  fc.record({ field: fc.constantFrom('x', 'y'), op: fc.constant<Condition['op']>('in'), value: fc.array(scalar, { maxLength: 3 }) }),
);
const { filter: filterArb } = fc.letrec<{ filter: Filter }>((tie) => ({
  filter: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    conditionArb,
    fc.array(tie('filter'), { maxLength: 3 }).map((and): Filter => ({ and })),
    fc.array(tie('filter'), { maxLength: 3 }).map((or): Filter => ({ or })),
    tie('filter').map((f): Filter => ({ not: f })),
  ),
}));
const recordArb = fc.record(
  { x: scalar, y: scalar, tags: fc.oneof(fc.constant(null), fc.array(scalar, { maxLength: 3 })) },
  { requiredKeys: [] },
);

describe('builders and filterKey keep the meaning (property)', () => {
  it('and/or/not evaluate as Kleene logic over their operands', () => {
    fc.assert(
      fc.property(filterArb, filterArb, recordArb, (f, g, record) => {
        const [x, y] = [evaluateFilter(f, record), evaluateFilter(g, record)];
        const kleeneAnd = x === false || y === false ? false : x === null || y === null ? null : true;
        const kleeneOr = x === true || y === true ? true : x === null || y === null ? null : false;
        expect(evaluateFilter(and(f, g), record)).toBe(kleeneAnd);
        expect(evaluateFilter(or(f, g), record)).toBe(kleeneOr);
        expect(evaluateFilter(not(f), record)).toBe(x === null ? null : !x);
      }),
    );
  });

  it('filterKey is the JSON of an equivalent filter', () => {
    fc.assert(
      fc.property(filterArb, recordArb, (f, record) => {
        const canonical = JSON.parse(filterKey(f)) as Filter;
        expect(evaluateFilter(canonical, record)).toBe(evaluateFilter(f, record));
        expect(filterKey(canonical)).toBe(filterKey(f));
      }),
    );
  });

  it('filterKey ignores the order and repetition of and/or operands and in values', () => {
    fc.assert(
      fc.property(fc.array(filterArb, { maxLength: 4 }).chain((fs) => fc.tuple(fc.constant(fs), fc.shuffledSubarray(fs, { minLength: fs.length }))), ([fs, shuffled]) => {
        expect(filterKey({ and: fs })).toBe(filterKey({ and: [...shuffled, ...shuffled.slice(0, 1)] }));
        expect(filterKey({ or: fs })).toBe(filterKey({ or: shuffled }));
      }),
    );
    expect(filterKey(c('x', 'in', [2, 1, 2]))).toBe(filterKey(c('x', 'in', [1, 2])));
    expect(filterKey(where({ a: 1, b: 2 }))).toBe(filterKey({ and: [{ and: [c('b', 'eq', 2)] }, c('a', 'eq', 1), MATCH_ALL] }));
  });

  it('filterKey differs for filters that differ', () => {
    expect(filterKey(c('x', 'eq', 1))).not.toBe(filterKey(c('x', 'eq', '1')));
    expect(filterKey(c('x', 'eq', null))).not.toBe(filterKey(c('x', 'eq', 'null')));
    expect(filterKey({ and: [c('x', 'eq', 1), c('y', 'eq', 1)] })).not.toBe(filterKey({ or: [c('x', 'eq', 1), c('y', 'eq', 1)] }));
    expect(filterKey(MATCH_ALL)).not.toBe(filterKey(MATCH_NONE));
    expect(filterKey({ field: 'x', op: 'eq', value: 1, extra: true } as Condition)).toBe(filterKey(c('x', 'eq', 1)));
  });
});
