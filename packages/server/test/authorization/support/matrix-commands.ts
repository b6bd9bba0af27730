/** The matrix's commands, as plain data so fast-check prints a failing sequence readably, and their generators. */
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------
// Commands: plain data, so fast-check prints a failing sequence readably.

export type Via = 'http' | 'ws';
export type Query =
  | { readonly kind: 'lists' }
  | { readonly kind: 'todos' }
  | { readonly kind: 'todosOfList'; readonly list: number }
  | { readonly kind: 'todosNotDone' }
  | { readonly kind: 'list'; readonly list: number }
  | { readonly kind: 'todo'; readonly todo: number }
  /** A list or todo among those the user can see when the command runs (so record subscriptions open, then see it leave). */
  | { readonly kind: 'myList'; readonly list: number }
  | { readonly kind: 'myTodo'; readonly todo: number };

/** Who acts: a user by index, or the owner (or first member) of the list the command aims at. */
export type Actor = number | 'owner' | 'member';

export type Command =
  | { readonly op: 'createList'; readonly user: number; readonly title: string; readonly via: Via }
  | { readonly op: 'share'; readonly user: Actor; readonly list: number; readonly target: number; readonly via: Via }
  | { readonly op: 'unshare'; readonly user: Actor; readonly list: number; readonly target: number; readonly via: Via }
  | { readonly op: 'renameList'; readonly user: Actor; readonly list: number; readonly title: string; readonly via: Via }
  | { readonly op: 'deleteList'; readonly user: Actor; readonly list: number; readonly via: Via }
  | { readonly op: 'createTodo'; readonly user: Actor; readonly list: number; readonly title: string; readonly done: boolean; readonly via: Via }
  | { readonly op: 'updateTodo'; readonly user: Actor; readonly todo: number; readonly title: string; readonly done: boolean; readonly via: Via }
  | { readonly op: 'deleteTodo'; readonly user: Actor; readonly todo: number; readonly via: Via }
  | { readonly op: 'writeServerField'; readonly user: Actor; readonly field: 'listOwner' | 'todoSecret' | 'todoOwner' | 'todoMembers'; readonly index: number; readonly via: Via }
  | { readonly op: 'get'; readonly user: number; readonly query: Query; readonly via: Via }
  | { readonly op: 'subscribe'; readonly user: number; readonly query: Query }
  /** The user's subscriber socket goes away; its subscriptions miss what follows until it comes back. */
  | { readonly op: 'disconnect'; readonly user: number }
  /** It comes back (to the subscriber server or the other one) and resumes every subscription with `last-event-id`. */
  | { readonly op: 'reconnect'; readonly user: number; readonly to: 'reader' | 'writer' };

export interface Scenario {
  readonly users: number;
  readonly commands: readonly Command[];
}

const user = fc.nat({ max: 4 });
const actor: fc.Arbitrary<Actor> = fc.oneof({ arbitrary: user, weight: 2 }, { arbitrary: fc.constantFrom<Actor>('owner', 'member'), weight: 2 });
const index = fc.nat({ max: 7 });
const via = fc.constantFrom<Via>('http', 'ws');
const title = fc.constantFrom('Milk', 'b', 'Rye bread', 'ünïcødé 😀', 'long '.repeat(40).trim());
const query: fc.Arbitrary<Query> = fc.oneof(
  fc.constant<Query>({ kind: 'lists' }),
  fc.constant<Query>({ kind: 'todos' }),
  index.map((list): Query => ({ kind: 'todosOfList', list })),
  fc.constant<Query>({ kind: 'todosNotDone' }),
  index.map((list): Query => ({ kind: 'list', list })),
  index.map((todo): Query => ({ kind: 'todo', todo })),
  index.map((list): Query => ({ kind: 'myList', list })),
  index.map((todo): Query => ({ kind: 'myTodo', todo })),
);

const command: fc.Arbitrary<Command> = fc.oneof(
  { arbitrary: fc.record({ op: fc.constant('createList' as const), user, title, via }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('share' as const), user: actor, list: index, target: user, via }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('unshare' as const), user: actor, list: index, target: user, via }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('renameList' as const), user: actor, list: index, title, via }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('deleteList' as const), user: actor, list: index, via }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('createTodo' as const), user: actor, list: index, title, done: fc.boolean(), via }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('updateTodo' as const), user: actor, todo: index, title, done: fc.boolean(), via }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('deleteTodo' as const), user: actor, todo: index, via }), weight: 1 },
  {
    arbitrary: fc.record({ op: fc.constant('writeServerField' as const), user: actor, field: fc.constantFrom('listOwner' as const, 'todoSecret' as const, 'todoOwner' as const, 'todoMembers' as const), index, via }),
    weight: 1,
  },
  { arbitrary: fc.record({ op: fc.constant('get' as const), user, query, via }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('subscribe' as const), user, query }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('disconnect' as const), user }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('reconnect' as const), user, to: fc.constantFrom('reader' as const, 'writer' as const) }), weight: 1 },
);

export const scenarioArbitrary = (maxCommands: number): fc.Arbitrary<Scenario> =>
  fc.record({ users: fc.integer({ min: 3, max: 5 }), commands: fc.array(command, { minLength: Math.min(8, maxCommands), maxLength: maxCommands, size: 'max' }) });
