/** The matrix's commands, as plain data so fast-check prints a failing sequence readably, and their generators. */
import fc from 'fast-check';

// ---------------------------------------------------------------------------------------
// Commands: plain data, so fast-check prints a failing sequence readably.

export type Via = 'http' | 'ws';
/** Reads also go over event streams: one URI with `Accept: text/event-stream`, or `<livePath>/events?subscribe=`. */
export type ReadVia = Via | 'sse' | 'sse-events';
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

/**
 * A presence target: a list's or a todo's presence, the presence of a list's todos (a
 * collection: `/todos/presence?list=<id>`), or of all todos (`/todos/presence`, which the
 * read rule leaves no one: it cannot be decided from the query). `my*` aim at one the user
 * can see when the command runs, so joins and watches succeed and later lose sight.
 */
export type PresenceTarget =
  | { readonly kind: 'list' | 'myList'; readonly list: number }
  | { readonly kind: 'todo' | 'myTodo'; readonly todo: number }
  | { readonly kind: 'todosOfList' | 'myTodosOfList'; readonly list: number }
  | { readonly kind: 'allTodos' };

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
  | { readonly op: 'get'; readonly user: number; readonly query: Query; readonly via: ReadVia }
  /** A todo's custom action: `toggle` for whoever reads it, `purge` for its list's owner. */
  | { readonly op: 'action'; readonly user: Actor; readonly todo: number; readonly action: 'toggle' | 'purge'; readonly via: Via }
  /** Presence, on the user's writer socket (it lives as long as the run): announce, leave, watch (SUBSCRIBE), read. */
  | { readonly op: 'presenceJoin'; readonly user: Actor; readonly target: PresenceTarget; readonly state: 'viewing' | 'editing' }
  | { readonly op: 'presenceLeave'; readonly user: Actor; readonly target: PresenceTarget }
  | { readonly op: 'presenceWatch'; readonly user: Actor; readonly target: PresenceTarget }
  | { readonly op: 'presenceGet'; readonly user: Actor; readonly target: PresenceTarget; readonly via: ReadVia }
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
const readVia = fc.constantFrom<ReadVia>('http', 'ws', 'sse', 'sse-events');
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

// Presence is mostly asked by the owner or a member of the list the target belongs to, so
// several users meet at one target and then some lose sight of it.
const presenceActor: fc.Arbitrary<Actor> = fc.oneof({ arbitrary: user, weight: 1 }, { arbitrary: fc.constantFrom<Actor>('owner', 'member'), weight: 3 });
const presenceTarget: fc.Arbitrary<PresenceTarget> = fc.oneof(
  { arbitrary: index.map((list): PresenceTarget => ({ kind: 'list', list })), weight: 3 },
  index.map((list): PresenceTarget => ({ kind: 'myList', list })),
  index.map((todo): PresenceTarget => ({ kind: 'todo', todo })),
  index.map((todo): PresenceTarget => ({ kind: 'myTodo', todo })),
  { arbitrary: index.map((list): PresenceTarget => ({ kind: 'todosOfList', list })), weight: 3 },
  index.map((list): PresenceTarget => ({ kind: 'myTodosOfList', list })),
  fc.constant<PresenceTarget>({ kind: 'allTodos' }),
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
  { arbitrary: fc.record({ op: fc.constant('get' as const), user, query, via: readVia }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant('action' as const), user: actor, todo: index, action: fc.constantFrom('toggle' as const, 'purge' as const), via }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('presenceJoin' as const), user: presenceActor, target: presenceTarget, state: fc.constantFrom('viewing' as const, 'editing' as const) }), weight: 7 },
  { arbitrary: fc.record({ op: fc.constant('presenceLeave' as const), user: presenceActor, target: presenceTarget }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('presenceWatch' as const), user: presenceActor, target: presenceTarget }), weight: 5 },
  { arbitrary: fc.record({ op: fc.constant('presenceGet' as const), user: presenceActor, target: presenceTarget, via: readVia }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant('subscribe' as const), user, query }), weight: 4 },
  { arbitrary: fc.record({ op: fc.constant('disconnect' as const), user }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant('reconnect' as const), user, to: fc.constantFrom('reader' as const, 'writer' as const) }), weight: 1 },
);

/**
 * Every run starts with two lists, each shared with one other user, a todo in the first,
 * and presence at both lists' todos (the member watching, the owner there): so that from the
 * first random command on, users meet at the same records and presence targets, and any
 * unsharing or deletion takes someone out of them.
 */
const PRELUDE: readonly Command[] = [
  { op: 'createList', user: 0, title: 'Milk', via: 'http' },
  { op: 'share', user: 'owner', list: 0, target: 1, via: 'http' },
  { op: 'createList', user: 1, title: 'Rye bread', via: 'ws' },
  { op: 'share', user: 'owner', list: 1, target: 2, via: 'ws' },
  { op: 'createTodo', user: 'owner', list: 0, title: 'b', done: false, via: 'http' },
  { op: 'presenceWatch', user: 'member', target: { kind: 'todosOfList', list: 0 } },
  { op: 'presenceJoin', user: 'owner', target: { kind: 'todosOfList', list: 0 }, state: 'viewing' },
  { op: 'presenceWatch', user: 'member', target: { kind: 'todosOfList', list: 1 } },
  { op: 'presenceJoin', user: 'member', target: { kind: 'list', list: 1 }, state: 'editing' },
];

export const scenarioArbitrary = (maxCommands: number): fc.Arbitrary<Scenario> =>
  fc.record({
    users: fc.integer({ min: 3, max: 5 }),
    commands: fc.array(command, { minLength: Math.min(8, maxCommands), maxLength: maxCommands, size: 'max' }).map((commands) => [...PRELUDE, ...commands]),
  });
