/**
 * The query object: its types refuse what the query string would refuse (checked by `tsc`:
 * a `@ts-expect-error` line that compiled would fail the typecheck), and at run time it is
 * the same query as its string: parsing `formatQueryObject(q)` gives the filter `where(q.where)`
 * gives, with the order and page it names.
 */
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineResource, type RecordOf } from '../src/define-resource.js';
import { isCondition, type Filter, type Scalar } from '../src/filter.js';
import { where, type WhereOperators } from '../src/filter-build.js';
import { formatQueryObject, type OrderOf, type QueryObject, type WhereOf } from '../src/query-object.js';
import { parseCollectionQuery } from '../src/query-string.js';

const tasks = defineResource({
  name: 'tasks',
  schema: z.object({
    title: z.string(),
    done: z.boolean().default(false),
    priority: z.number().int().default(0),
    score: z.number().default(0),
    status: z.enum(['open', 'closed']).default('open'),
    note: z.string().nullable().default(null),
    due: z.string().optional(),
    tags: z.array(z.string()).default([]),
    meta: z.object({ colour: z.string() }).nullable().default(null),
    order: z.number().int().default(0), // named like a reserved parameter
    secret: z.string().default(''),
  }),
  fieldRules: { secret: { hidden: true } },
});
type Task = RecordOf<typeof tasks>;
type Query = QueryObject<Task>;
const limits = { defaultLimit: 50, maxLimit: 1000 };
const parse = (qs: string) => parseCollectionQuery(tasks, new URLSearchParams(qs), limits);

/** A filter with every `and` flattened and sorted: the form in which two equal queries are equal. */
function canonical(filter: Filter): readonly unknown[] {
  const conditions = isCondition(filter) ? [filter] : 'and' in filter ? filter.and : [filter];
  return [...new Map(conditions.map((c) => [JSON.stringify(c), c])).entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([, c]) => c);
}

describe('query object types', () => {
  it('accepts fields of the record (system fields included) with operators that suit them', () => {
    const queries: Query[] = [
      { where: { done: false, priority: { gte: 2 }, status: { in: ['open'] } }, order: '-createdAt', limit: 50 },
      { where: { note: null, meta: { eq: null }, tags: { contains: 'x' } }, order: ['-priority', 'title'] },
      { where: { id: { in: ['a'] }, version: { gt: 3 }, updatedAt: { lt: '2030' }, order: { ne: 2 } }, order: 'order' },
      { where: { due: 'tomorrow', score: { lte: 1.5 } } },
      {},
    ];
    expect(queries).toHaveLength(5);
  });

  it('refuses unknown fields in where and order, hidden fields included', () => {
    // @ts-expect-error "titel" is no field
    const misspelt: Query = { where: { titel: 'x' } };
    // @ts-expect-error hidden fields are not part of the record a client sees
    const hidden: Query = { where: { secret: 'x' } };
    // @ts-expect-error no such field to order by
    const order: Query = { order: '-priorty' };
    // @ts-expect-error the old flat form: conditions go under where
    const flat: Query = { done: false };
    expect([misspelt, hidden, order, flat]).toHaveLength(4);
  });

  it('refuses values of the wrong type', () => {
    // @ts-expect-error done is a boolean
    const text: Query = { where: { done: 'false' } };
    // @ts-expect-error priority is a number
    const range: Query = { where: { priority: { gte: '2' } } };
    // @ts-expect-error status is 'open' | 'closed'
    const enumValue: Query = { where: { status: 'archived' } };
    // @ts-expect-error title is never null; in a query string "null" would be text
    const nullTitle: Query = { where: { title: null } };
    // @ts-expect-error an optional field is not nullable: the query string reads null as text
    const nullDue: Query = { where: { due: null } };
    // @ts-expect-error contains takes one element, not a list
    const list: Query = { where: { tags: { contains: ['x'] } } };
    // @ts-expect-error limit is a number
    const limit: Query = { limit: '50' };
    expect([text, range, enumValue, nullTitle, nullDue, list, limit]).toHaveLength(7);
  });

  it('refuses operators that do not suit the field kind, and orders by unsortable fields', () => {
    // @ts-expect-error no range over a boolean
    const boolRange: Query = { where: { done: { gt: false } } };
    // @ts-expect-error contains is for arrays
    const containsText: Query = { where: { title: { contains: 'x' } } };
    // @ts-expect-error an array compares only with contains
    const arrayEq: Query = { where: { tags: 'x' } };
    // @ts-expect-error a json object compares only with null
    const jsonEq: Query = { where: { meta: { eq: { colour: 'red' } } } };
    // @ts-expect-error null compares only with eq and ne
    const nullRange: Query = { where: { note: { gt: null } } };
    // @ts-expect-error a nullable field cannot be ordered by
    const nullableOrder: Query = { order: 'note' };
    // @ts-expect-error nor a json one
    const jsonOrder: Query = { order: ['-tags'] };
    expect([boolRange, containsText, arrayEq, jsonEq, nullRange, nullableOrder, jsonOrder]).toHaveLength(7);
  });

  it('infers the sortable terms and each field\'s where', () => {
    expectTypeOf<OrderOf<Task>>().toEqualTypeOf<
      'id' | 'version' | 'createdAt' | 'updatedAt' | 'title' | 'done' | 'priority' | 'score' | 'status' | 'due' | 'order'
      | '-id' | '-version' | '-createdAt' | '-updatedAt' | '-title' | '-done' | '-priority' | '-score' | '-status' | '-due' | '-order'
    >();
    expectTypeOf<WhereOf<Task>['done']>().toEqualTypeOf<boolean | { readonly eq?: boolean; readonly ne?: boolean; readonly in?: readonly boolean[] } | undefined>();
    expectTypeOf<Extract<WhereOf<Task>['tags'], object>>().toEqualTypeOf<{ readonly contains?: string; readonly eq?: never; readonly ne?: never }>();
    expectTypeOf<keyof WhereOf<Task>>().toEqualTypeOf<keyof Task>();
    // An untyped definition is checked at run time only.
    expectTypeOf<WhereOf<Record<string, unknown>>>().toEqualTypeOf<Readonly<Record<string, Scalar | WhereOperators>>>();
  });
});

describe('formatQueryObject', () => {
  it('writes the canonical query string', () => {
    expect(formatQueryObject({ where: { priority: { gte: 2 }, done: false }, order: '-createdAt', limit: 20 })).toBe('done=false&priority[gte]=2&order=-createdAt&limit=20');
    expect(formatQueryObject({ where: { order: 3, title: 'a&b=c' }, order: ['order', '-title'] })).toBe('order[eq]=3&title=a%26b%3Dc&order=order,-title');
    expect(formatQueryObject({ where: { status: { in: ['open', 'closed'] } }, after: 'abc' })).toBe('status[in]=open,closed&after=abc');
    expect(formatQueryObject({})).toBe('');
  });

  it('gives the filter, order and page the string gives', () => {
    const query: Query = { where: { done: false, priority: { gte: 2, lt: 9 }, note: null, tags: { contains: 'x' } }, order: ['-priority', 'title'], limit: 20 };
    const parsed = parse(formatQueryObject(query, tasks));
    expect(canonical(parsed.filter)).toEqual(canonical(where(query.where ?? {})));
    expect(parsed.order).toEqual([
      { field: 'priority', direction: 'desc' },
      { field: 'title', direction: 'asc' },
      { field: 'id', direction: 'asc' },
    ]);
    expect(parsed.limit).toBe(20);
  });

  it('throws for what a query string cannot say', () => {
    expect(() => formatQueryObject({ done: false } as never)).toThrow(/not "done"/);
    expect(() => formatQueryObject({ where: { title: { in: ['a,b'] } } })).toThrow(TypeError);
    expect(() => formatQueryObject({ where: { title: { like: 'a' } } } as never)).toThrow(/unknown operator "like"/);
    // "null" would be read as null for a nullable field; as text elsewhere.
    expect(() => formatQueryObject({ where: { note: 'null' } }, tasks)).toThrow(/read as null/);
    expect(parse(formatQueryObject({ where: { title: 'null' } }, tasks)).filter).toEqual({ field: 'title', op: 'eq', value: 'null' });
  });

  it('is the same query as its string for any where the types allow', () => {
    const text = fc.string({ maxLength: 6 }).filter((s) => !s.includes(',') && s !== 'null');
    const int = fc.integer({ min: -1000, max: 1000 });
    const spec = <T>(value: fc.Arbitrary<T>) =>
      fc.oneof(value, fc.record({ eq: value, ne: value, in: fc.array(value, { minLength: 1, maxLength: 3 }) }, { requiredKeys: [] }));
    const range = <T>(value: fc.Arbitrary<T>) =>
      fc.oneof(spec(value), fc.record({ gt: value, gte: value, lt: value, lte: value }, { requiredKeys: [] }));
    const whereShape = fc.record(
      {
        title: range(text),
        done: spec(fc.boolean()),
        priority: range(int),
        score: range(fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })),
        status: spec(fc.constantFrom('open' as const, 'closed' as const)),
        note: fc.oneof(fc.constant(null), range(text)),
        tags: fc.record({ contains: text }),
        order: range(int),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(whereShape, (shape) => {
        const query = { where: shape } as Query;
        expect(canonical(parse(formatQueryObject(query, tasks)).filter)).toEqual(canonical(where(shape as never)));
      }),
      { numRuns: 300 },
    );
  });
});
