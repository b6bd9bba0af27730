/**
 * Read rules are checked against their resource at compile time: `tsc` (npm run typecheck)
 * fails if a `@ts-expect-error` line below compiles, so each proves that a mistake is
 * refused; the runtime assertions prove the typed builders build the same filters as before.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineResource, type ReadRule, type ResourceRecord } from '../src/define-resource.js';
import type { RequestContext } from '../src/context.js';
import { and, not, or, where } from '../src/filter-build.js';
import { MATCH_ALL, type Filter } from '../src/filter.js';
import type { RecordCondition, RecordFilter } from '../src/record-filter.js';

const schema = z.object({
  title: z.string(),
  done: z.boolean().default(false),
  priority: z.number().int().default(0),
  status: z.enum(['open', 'closed']),
  note: z.string().nullable(),
  due: z.string().optional(),
  list: z.string(),
  owner: z.string().default(''),
  members: z.array(z.string()).default([]),
  meta: z.object({ colour: z.string() }).nullable(),
});
type Stored = ResourceRecord<typeof schema>;
type Rule = ReadRule<Stored>;
const me = (ctx: RequestContext): string => ctx.principal?.id ?? '';

describe('read rules typed from the schema', () => {
  it('accepts rules over real fields, system fields included, with fitting operators and values', () => {
    const rules: Rule[] = [
      (ctx) => where({ owner: me(ctx) }),
      (ctx) => (ctx.principal ? or(where({ owner: ctx.principal.id }), { field: 'members', op: 'contains', value: ctx.principal.id }) : false),
      () => where({ priority: { gte: 2, lt: 10 }, status: { in: ['open'] }, done: false }),
      () => where({ note: null, due: { ne: null } }),
      () => where({ createdAt: { gt: '2024-01-01' }, version: { lte: 3 }, id: { in: ['a', 'b'] } }),
      () => and(where({ list: 'l1' }), not(where({ status: 'closed' }))),
      () => ({ field: 'meta', op: 'eq', value: null }),
      () => MATCH_ALL,
      () => true,
    ];
    expect(rules).toHaveLength(9);
  });

  it('refuses an unknown field', () => {
    // @ts-expect-error "ownr" is no field of the resource
    const misspelt: Rule = (ctx) => where({ ownr: me(ctx) });
    // @ts-expect-error "memebrs" is no field, even inside or()
    const nested: Rule = (ctx) => or(where({ owner: me(ctx) }), { field: 'memebrs', op: 'contains', value: me(ctx) });
    // @ts-expect-error a raw condition is checked too
    const raw: Rule = () => ({ field: 'titel', op: 'eq', value: 'x' });
    expect([misspelt, nested, raw]).toHaveLength(3);
  });

  it('refuses a value of the wrong type', () => {
    // @ts-expect-error done is a boolean
    const text: Rule = () => where({ done: 'yes' });
    // @ts-expect-error priority is a number
    const range: Rule = () => where({ priority: { gte: '2' } });
    // @ts-expect-error status is one of 'open' | 'closed'
    const enumValue: Rule = () => where({ status: 'archived' });
    // @ts-expect-error title is never null (neither nullable nor optional)
    const nullTitle: Rule = () => where({ title: null });
    // @ts-expect-error in takes values of the field's type
    const list: Rule = () => where({ list: { in: [1, 2] } });
    expect([text, range, enumValue, nullTitle, list]).toHaveLength(5);
  });

  it('refuses an operator that does not suit the field kind', () => {
    // @ts-expect-error no range over a boolean
    const boolRange: Rule = () => where({ done: { gt: false } });
    // @ts-expect-error contains is for array fields
    const containsText: Rule = () => where({ title: { contains: 'x' } });
    // @ts-expect-error a json field compares only with null (or contains)
    const jsonEq: Rule = () => ({ field: 'meta', op: 'eq', value: 'red' });
    // @ts-expect-error no range on an array
    const arrayRange: Rule = () => where({ members: { gte: 'a' } });
    // @ts-expect-error null compares only with eq and ne
    const nullRange: Rule = () => ({ field: 'note', op: 'gt', value: null });
    expect([boolRange, containsText, jsonEq, arrayRange, nullRange]).toHaveLength(5);
  });

  it('types the builders by what they are given, and a rule shared by resources through the fields it names', () => {
    const built = where({ owner: 'ana', priority: { gte: 2 } });
    expectTypeOf(built).toExtend<RecordFilter<Stored>>();
    expectTypeOf(built).toExtend<Filter>();
    // Built from a shape whose fields are not known: a plain Filter, assignable to no typed rule.
    const loose = where({} as Record<string, string>);
    expectTypeOf(loose).toEqualTypeOf<Filter>();
    expectTypeOf(loose).not.toExtend<RecordFilter<Stored>>();

    const shared = (ctx: RequestContext): boolean | RecordFilter<{ owner: string; members: string[] }> => where({ owner: me(ctx) });
    const rule: Rule = shared;
    expectTypeOf<RecordFilter<{ owner: string; members: string[] }>>().toExtend<RecordFilter<Stored>>();
    expectTypeOf<RecordFilter<{ owner: number }>>().not.toExtend<RecordFilter<Stored>>();
    expect(rule).toBe(shared);
  });

  it('names each field with the operators its kind allows', () => {
    type Ops<F extends string> = Extract<RecordCondition<Stored>, { field: F }>['op'];
    expectTypeOf<Ops<'done'>>().toEqualTypeOf<'eq' | 'ne' | 'in'>();
    expectTypeOf<Ops<'priority'>>().toEqualTypeOf<'eq' | 'ne' | 'in' | 'gt' | 'gte' | 'lt' | 'lte'>();
    expectTypeOf<Ops<'members'>>().toEqualTypeOf<'contains'>();
    // A nullable object: compared with null only; not an array, so no contains.
    expectTypeOf<Ops<'meta'>>().toEqualTypeOf<'eq' | 'ne'>();
    expectTypeOf<Extract<RecordCondition<Stored>, { field: 'meta' }>['value']>().toEqualTypeOf<null>();
    // An optional field may be compared with null (left out is stored as NULL).
    expectTypeOf<Extract<RecordCondition<Stored>, { field: 'due'; op: 'eq' | 'ne' }>['value']>().toEqualTypeOf<string | null>();
  });

  it('checks rules written in defineResource against its schema, hidden fields included', () => {
    const todos = defineResource({
      name: 'todos',
      schema,
      fieldRules: { owner: { hidden: true } },
      rules: { read: (ctx) => (ctx.principal ? where({ owner: ctx.principal.id }) : false) },
    });
    defineResource({
      name: 'todos',
      schema,
      // @ts-expect-error "ownr" is no field of todos
      rules: { read: (ctx) => where({ ownr: me(ctx) }) },
    });
    expect(todos.rules.read?.({ transport: 'http', principal: { id: 'ana' } })).toEqual({ field: 'owner', op: 'eq', value: 'ana' });
  });

  it('builds the same runtime filters as before', () => {
    expect(where({ owner: 'ana', priority: { gte: 2 } })).toEqual({
      and: [
        { field: 'owner', op: 'eq', value: 'ana' },
        { field: 'priority', op: 'gte', value: 2 },
      ],
    });
    expect(or(where({ owner: 'ana' }), { field: 'members', op: 'contains', value: 'ana' })).toEqual({
      or: [
        { field: 'owner', op: 'eq', value: 'ana' },
        { field: 'members', op: 'contains', value: 'ana' },
      ],
    });
    expect(not(not(where({ done: true })))).toEqual({ field: 'done', op: 'eq', value: true });
  });
});
