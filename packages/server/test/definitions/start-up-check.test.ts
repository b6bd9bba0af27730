import { SynclineError } from '@syncline/protocol';
import { defineAction, defineResource, or, where, type ResourceDefinition } from '@syncline/schema';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { checkDefinitions, createPasswordAuth, createSyncline, type SynclineOptions } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { testResources } from '../support/fixtures.js';

const lists = defineResource({
  name: 'lists',
  schema: z.object({ title: z.string(), owner: z.string(), members: z.array(z.string()).default([]), archived: z.boolean().default(false), rank: z.number().default(0) }),
});

/** A list's todo whose read rule `rule` is under test. */
function todosWith(read: NonNullable<ResourceDefinition['rules']['read']>, extra: { signedIn?: boolean } = {}): ResourceDefinition {
  return defineResource({
    name: 'todos',
    schema: z.object({ title: z.string(), list: z.string(), owner: z.string(), members: z.array(z.string()), meta: z.object({ color: z.string() }).optional() }),
    references: { list: { resource: 'lists', inherit: ['owner', 'members'] } },
    rules: { read },
    ...extra,
  }) as unknown as ResourceDefinition;
}

/** What `createSyncline` rejects with for these resources (it must reject). */
async function startUpError(resources: readonly ResourceDefinition[], options: Partial<SynclineOptions> = {}): Promise<SynclineError> {
  const storage = createSqliteStorage({ filename: ':memory:' });
  const migrate = vi.spyOn(storage, 'migrate');
  const error: unknown = await createSyncline({ resources, storage, onError: () => {}, ...options }).then(
    async (syncline) => {
      await syncline.close();
      throw new Error('createSyncline resolved');
    },
    (rejection: unknown) => rejection,
  );
  // Nothing is created or migrated for definitions that cannot be served.
  expect(migrate).not.toHaveBeenCalled();
  await storage.close();
  expect(error).toBeInstanceOf(SynclineError);
  expect((error as SynclineError).code).toBe('invalid-definition');
  return error as SynclineError;
}

describe('resource definitions are checked when the server starts', () => {
  it('a misspelt field in a read rule stops the start, naming the resource, the rule and the field it meant', async () => {
    const error = await startUpError([lists, todosWith((ctx) => (ctx.principal ? or(where({ ownr: ctx.principal.id }), { field: 'members', op: 'contains', value: ctx.principal.id }) : false))]);
    expect(error.message).toContain('todos, read rule (signed in): names unknown field "ownr" (did you mean "owner"?)');
    expect(error.errors).toEqual([{ path: ['todos', 'read rule (signed in)', 'ownr'], message: 'names unknown field "ownr" (did you mean "owner"?)' }]);
  });

  it('operators must suit the field: contains only on arrays, ranges not on booleans or json, values of the field\'s type', async () => {
    const error = await startUpError([
      lists,
      todosWith(() => ({
        and: [
          { field: 'owner', op: 'contains', value: 'ann' },
          { field: 'meta', op: 'contains', value: 'red' },
          { field: 'meta', op: 'gt', value: 1 },
          { field: 'title', op: 'eq', value: 3 },
          { field: 'version', op: 'gte', value: 'one' },
          { field: 'owner', op: 'in', value: 'ann' },
          { field: 'owner', op: 'like' as never, value: 'a%' },
          { field: 'createdAt', op: 'gt', value: '2026-01-01' },
          { field: 'members', op: 'contains', value: 'ann' },
        ],
      })),
    ]);
    const messages = error.errors?.map((entry) => entry.message);
    expect(messages).toEqual([
      '"contains" applies only to array fields; "owner" is string',
      '"contains" applies only to array fields; "meta" is json but not an array',
      '"gt" does not apply to json field "meta"',
      'compares string field "title" with 3, which no value of it equals',
      'compares integer field "version" with "one", which no value of it equals',
      '"in" on "owner" takes a list of values',
      'uses unknown operator "like" on "owner"',
    ]);
    expect(error.errors?.[0]?.path).toEqual(['todos', 'read rule (anonymous, signed in, internal)', 'owner']);
  });

  it('a rule that throws on a probe caller is reported, unless it throws a SynclineError or the resource admits only signed-in callers', async () => {
    const careless = todosWith((ctx) => where({ owner: ctx.principal!.id }));
    const error = await startUpError([lists, careless]);
    expect(error.message).toContain('todos, read rule (anonymous): threw TypeError');
    expect(error.errors).toHaveLength(1);
    const deliberate = todosWith((ctx) => {
      if (ctx.principal === undefined) throw new SynclineError('unauthenticated');
      return where({ owner: ctx.principal.id });
    });
    expect(checkDefinitions([lists, deliberate])).toEqual([]);
    // An anonymous caller of a signed-in resource is answered 401 before the rule runs.
    expect(checkDefinitions([lists, todosWith((ctx) => where({ owner: ctx.principal!.id }), { signedIn: true })])).toEqual([]);
  });

  it('an asynchronous read rule is refused: the filter must exist when the request is read', async () => {
    const error = await startUpError([lists, todosWith((async () => true) as never)]);
    expect(error.message).toContain('todos, read rule (anonymous, signed in, internal): returned a Promise');
  });

  it('rules that read fields of an application\'s own principal pass with the probe principal it gives', async () => {
    const byRole = todosWith((ctx) => ((ctx.principal as { roles?: string[] } | undefined)?.roles!.includes('admin') ? true : where({ owner: ctx.principal?.id ?? '' })));
    expect(checkDefinitions([lists, byRole]).map((problem) => problem.place)).toEqual(['read rule (signed in)']);
    expect(checkDefinitions([lists, byRole], { probePrincipal: { id: 'probe', roles: ['reader'] } as never })).toEqual([]);
  });

  it('references: the referenced resource exists, the field holds ids, and inherited fields exist on both sides with one kind', async () => {
    const tasks = defineResource({
      name: 'tasks',
      schema: z.object({ list: z.string(), board: z.string(), count: z.number(), owner: z.number(), rank: z.number().nullable(), titel: z.string(), archived: z.boolean().nullable() }),
      references: { list: { resource: 'lists', inherit: ['owner', 'titel', 'archived'] }, board: 'bords', count: 'lists' },
    });
    const error = await startUpError([lists, tasks]);
    expect(error.message.split('\n')).toEqual([
      'The resource definitions have 4 problems:',
      '- tasks, reference "list": inherits "owner" as number, but it is string on lists',
      '- tasks, reference "list": inherits "titel", which lists does not have (did you mean "title"?)',
      '- tasks, reference "board": refers to unknown resource "bords"',
      '- tasks, reference "count": "count" holds ids, so it must be a string field, not number',
    ]);
    const boards = defineResource({ name: 'boards', schema: z.object({ title: z.string() }) });
    const looseLists = defineResource({ name: 'lists', schema: z.object({ title: z.string().nullable() }) });
    const strict = defineResource({ name: 'cards', schema: z.object({ list: z.string(), title: z.string() }), references: { list: { resource: 'lists', inherit: ['title'] } } });
    expect(checkDefinitions([looseLists, strict, boards])).toEqual([
      { resource: 'cards', place: 'reference "list"', field: 'title', message: 'inherits "title", which may be null on lists, into a field that may not' },
    ]);
    const misnamed = defineResource({ name: 'pins', schema: z.object({ board: z.string() }), references: { board: 'bords' } });
    expect(checkDefinitions([boards, misnamed])[0]?.message).toBe('refers to unknown resource "bords" (did you mean "boards"?)');
  });

  it('indexes, field rules and action names of a definition assembled by hand are checked too, every mistake in one error', async () => {
    const base = defineResource({ name: 'notes', schema: z.object({ text: z.string(), owner: z.string() }) });
    const assembled: ResourceDefinition = {
      ...base,
      indexes: [['owner', 'updatedAt'], ['txet']],
      fieldRules: { ownr: { write: false } },
      actions: { presence: defineAction({ on: 'record', input: z.object({}), handler: () => ({}) }) },
    } as unknown as ResourceDefinition;
    const error = await startUpError([assembled, base]);
    expect(error.message.split('\n')).toEqual([
      'The resource definitions have 4 problems:',
      '- notes, name: "notes" is defined twice',
      '- notes, field rule: unknown field "ownr" (did you mean "owner"?)',
      '- notes, index 2: unknown field "txet" (did you mean "text"?)',
      '- notes, action "presence": "presence" is a reserved URI segment, not an action name',
    ]);
  });

  it('the test resources and the built-in sign-in\'s pass, and the server starts', async () => {
    expect(checkDefinitions([...testResources, ...createPasswordAuth().resources])).toEqual([]);
    const syncline = await createSyncline({ resources: testResources, storage: createSqliteStorage({ filename: ':memory:' }), auth: createPasswordAuth(), onError: () => {} });
    await syncline.close();
  });
});
