import type { ListQuery, MergePatchOf, SynclineClient } from '@syncline/client';
import type { SynclineError } from '@syncline/protocol';
import type { InputOf, RecordOf } from '@syncline/schema';
import { describe, expectTypeOf, it } from 'vitest';
import { type useCollection, type useMutation, type useRecord, useSynclineClient, type LiveStatus } from '../src/index.js';
import type { todos } from './support.js';

type Todo = RecordOf<typeof todos>;

// Only the types are checked: no hook is called outside a component.
describe('hook types inferred from the shared definition', () => {
  it('useRecord holds the record or undefined', () => {
    type State = ReturnType<typeof useRecord<typeof todos>>;
    expectTypeOf<State['data']>().toEqualTypeOf<Todo | undefined>();
    expectTypeOf<NonNullable<State['data']>['title']>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<State['data']>['done']>().toEqualTypeOf<boolean>();
    expectTypeOf<State['status']>().toEqualTypeOf<'loading' | 'ready' | 'error'>();
    expectTypeOf<State['status']>().toEqualTypeOf<LiveStatus>();
    expectTypeOf<State['error']>().toEqualTypeOf<SynclineError | undefined>();
    expectTypeOf<Parameters<typeof useRecord<typeof todos>>[1]>().toEqualTypeOf<string>();
  });

  it('useCollection holds a read-only array of records and takes the client\'s queries', () => {
    type State = ReturnType<typeof useCollection<typeof todos>>;
    expectTypeOf<State['data']>().toEqualTypeOf<readonly Todo[]>();
    expectTypeOf<State['data'][number]['list']>().toEqualTypeOf<string>();
    expectTypeOf<Parameters<typeof useCollection<typeof todos>>[1]>().toEqualTypeOf<ListQuery<typeof todos> | undefined>();
    // The object form is checked against the resource's fields.
    expectTypeOf<{ where: { list: string; done: boolean }; order: '-order' }>().toExtend<ListQuery<typeof todos>>();
    expectTypeOf<{ where: { lits: string } }>().not.toExtend<ListQuery<typeof todos>>();
  });

  it('useMutation takes the input types and answers records', () => {
    type M = ReturnType<typeof useMutation<typeof todos>>;
    expectTypeOf<M['create']>().parameter(0).toEqualTypeOf<InputOf<typeof todos>>();
    expectTypeOf<{ title: string; list: string }>().toExtend<Parameters<M['create']>[0]>();
    expectTypeOf<{ title: string }>().not.toExtend<Parameters<M['create']>[0]>();
    expectTypeOf<M['create']>().returns.resolves.toEqualTypeOf<Todo | undefined>();
    expectTypeOf<M['update']>().parameter(1).toEqualTypeOf<InputOf<typeof todos>>();
    expectTypeOf<M['patch']>().parameter(1).toEqualTypeOf<MergePatchOf<typeof todos>>();
    expectTypeOf<{ done: 'yes' }>().not.toExtend<Parameters<M['patch']>[1]>();
    expectTypeOf<M['delete']>().returns.resolves.toEqualTypeOf<boolean>();
    expectTypeOf<M['pending']>().toEqualTypeOf<boolean>();
    expectTypeOf<M['error']>().toEqualTypeOf<SynclineError | undefined>();
  });

  it('useSynclineClient answers the client', () => {
    expectTypeOf(useSynclineClient).returns.toEqualTypeOf<SynclineClient>();
  });
});
