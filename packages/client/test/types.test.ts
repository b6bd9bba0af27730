import { describe, expectTypeOf, it } from 'vitest';
import { defineResource, type InputOf, type RecordOf } from '@syncline/schema';
import { z } from 'zod';
import { createClient, type ConnectionState, type ListQuery, type LiveView, type Page } from '../src/index.js';
import { todos } from './support.js';

type Todo = RecordOf<typeof todos>;

describe('types inferred from the shared definition', () => {
  // Over HTTP nothing is sent until a request is made, and none is: only the types matter.
  const client = createClient({ url: 'http://127.0.0.1:9', transport: 'http' });
  const api = () => client.resource(todos);

  it('reads answer the record type', () => {
    expectTypeOf(api().get).returns.resolves.toEqualTypeOf<Todo>();
    expectTypeOf<Awaited<ReturnType<ReturnType<typeof api>['get']>>['title']>().toEqualTypeOf<string>();
    expectTypeOf<Todo['done']>().toEqualTypeOf<boolean>();
    expectTypeOf<Todo['version']>().toEqualTypeOf<number>();
    expectTypeOf<Todo['tags']>().toEqualTypeOf<string[] | undefined>();
    expectTypeOf(api().list).returns.resolves.toEqualTypeOf<Page<Todo>>();
  });

  it('writes take the input type: defaults optional, unknown fields refused', () => {
    expectTypeOf(api().create).parameter(0).toEqualTypeOf<InputOf<typeof todos>>();
    expectTypeOf<{ title: string; list: string }>().toExtend<InputOf<typeof todos>>();
    expectTypeOf<{ title: string }>().not.toExtend<InputOf<typeof todos>>();
    expectTypeOf<{ title: string; list: string; nope: 1 }>().not.toEqualTypeOf<InputOf<typeof todos>>();
    expectTypeOf(api().update).parameter(1).toEqualTypeOf<InputOf<typeof todos>>();
    expectTypeOf(api().patch).parameter(1).toExtend<{ done?: boolean | null | undefined }>();
    expectTypeOf<{ done: 'yes' }>().not.toExtend<Parameters<ReturnType<typeof api>['patch']>[1]>();
    expectTypeOf(api().delete).returns.resolves.toBeVoid();
  });

  it('hidden fields are absent from records and inputs; server-set ones are optional in inputs', () => {
    const accounts = defineResource({
      name: 'accounts',
      schema: z.object({ name: z.string(), owner: z.string(), secret: z.string(), team: z.string(), teamOwner: z.string() }),
      fieldRules: { secret: { hidden: true }, owner: { write: false } },
      references: { team: { resource: 'teams', inherit: ['teamOwner'] } },
    });
    type Account = RecordOf<typeof accounts>;
    type Input = InputOf<typeof accounts>;
    expectTypeOf<Account>().not.toHaveProperty('secret');
    expectTypeOf<Account['owner']>().toEqualTypeOf<string>();
    expectTypeOf<{ name: string; team: string }>().toExtend<Input>();
    expectTypeOf<{ name: string; team: string; owner: string; teamOwner: string }>().toExtend<Input>();
    expectTypeOf<Input>().not.toHaveProperty('secret');
  });

  it('live views hold records', () => {
    expectTypeOf(api().live).returns.toEqualTypeOf<LiveView<Todo | undefined>>();
    expectTypeOf(api().liveQuery).returns.toEqualTypeOf<LiveView<readonly Todo[]>>();
    expectTypeOf(api().liveQuery).parameter(0).toEqualTypeOf<ListQuery<typeof todos> | undefined>();
    expectTypeOf(api().list).parameter(0).toEqualTypeOf<ListQuery<typeof todos> | undefined>();
  });

  it('connection states are a discriminated union', () => {
    expectTypeOf<Extract<ConnectionState, { kind: 'connecting' }>>().toEqualTypeOf<{ readonly kind: 'connecting'; readonly attempt: number }>();
    expectTypeOf<Extract<ConnectionState, { kind: 'closed' }>['reason']>().toEqualTypeOf<string>();
    expectTypeOf<ConnectionState['kind']>().toEqualTypeOf<'connecting' | 'open' | 'closed'>();
  });
});
