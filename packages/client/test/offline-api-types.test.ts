import { describe, expectTypeOf, it } from 'vitest';
import { createClient, memoryPersistence, type ConflictChoice, type HeldConflict, type WriteOptions, type WriteRejection } from '../src/index.js';
import { todos } from './support.js';

describe('the offline API types', () => {
  // Over HTTP nothing is sent until a request is made, and none is: only the types matter.
  const client = createClient({ url: 'http://127.0.0.1:9', transport: 'http', offline: { persistence: memoryPersistence(), tabs: false, policies: { todos: 'merge' } } });
  client.close();
  const api = client.resource(todos);

  it('a write names its own policy, one of the built-in names', () => {
    expectTypeOf(api.patch).parameter(2).toEqualTypeOf<WriteOptions | undefined>();
    expectTypeOf<{ conflict: 'client-wins' }>().toExtend<WriteOptions>();
    expectTypeOf<{ conflict: 'mine' }>().not.toExtend<WriteOptions>();
  });

  it('conflicts are listed, resolved with a record, null or the server, and emitted', () => {
    expectTypeOf(client.conflicts).returns.toEqualTypeOf<readonly HeldConflict[]>();
    expectTypeOf(client.resolve).parameter(1).toEqualTypeOf<ConflictChoice>();
    expectTypeOf<'server'>().toExtend<ConflictChoice>();
    expectTypeOf<null>().toExtend<ConflictChoice>();
    expectTypeOf<'mine'>().not.toExtend<ConflictChoice>();
    expectTypeOf(client.on<'rejected'>).parameter(1).parameter(0).toEqualTypeOf<WriteRejection>();
    expectTypeOf(client.outbox.size).returns.toEqualTypeOf<number>();
  });
});
