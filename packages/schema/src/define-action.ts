import type { z } from 'zod';
import type { RequestContext } from './context.js';
import type { InputOf, RecordOf, SystemFields } from './define-resource.js';
import type { CollectionQuery } from './filter.js';

/** What an action targets: one record (`POST /<res>/<id>/<action>`) or the collection (`POST /<res>/<action>`). */
export type ActionScope = 'record' | 'collection';

/** A record as an action sees it before its resource's type is known: system fields and any own fields. */
export type ActionRecord = SystemFields & Readonly<Record<string, unknown>>;

/** Any resource definition, as far as an action's transaction needs it (kept structural so the types stay browser-safe). */
export interface ActionResource {
  readonly name: string;
}

/**
 * The writes an action's handler makes, all inside one storage transaction. They run as
 * the server itself (the touched resources' rules are not applied again: the action's
 * `allow` is the authorization) but are validated like any write (schema, references,
 * inherited fields, hooks), logged in the change log and fanned out after commit.
 * Throwing from the handler rolls every one of them back.
 */
export interface ActionTransaction {
  /** The record, or `undefined` when there is none. */
  get<D extends ActionResource>(definition: D, id: string): Promise<RecordOf<D> | undefined>;
  /** Records matching a filter (default: all, in `id` order, at most 1,000). */
  list<D extends ActionResource>(definition: D, query?: Partial<CollectionQuery>): Promise<Array<RecordOf<D>>>;
  /** Creates a record (a UUIDv7 id unless one is given); an existing id is a 409. */
  create<D extends ActionResource>(definition: D, fields: InputOf<D>, id?: string): Promise<RecordOf<D>>;
  /** Merges fields into an existing record (404 when there is none) and validates the result. */
  update<D extends ActionResource>(definition: D, id: string, fields: Partial<InputOf<D>>): Promise<RecordOf<D>>;
  /** Creates the record with this id or replaces its fields. */
  put<D extends ActionResource>(definition: D, id: string, fields: InputOf<D>): Promise<RecordOf<D>>;
  /** Deletes a record (with its cascades); `false` when there was none. */
  delete<D extends ActionResource>(definition: D, id: string): Promise<boolean>;
}

/** The target an action runs on: the record for record actions, nothing for collection actions. */
export type ActionTarget<On extends ActionScope> = On extends 'record' ? ActionRecord : undefined;

/** What a handler receives. */
export interface ActionArgs<Input, On extends ActionScope = 'record'> {
  /** The caller (as the request arrived: their principal and transport). */
  readonly context: RequestContext;
  /** The target record as the caller may read it (`undefined` for collection actions). */
  readonly record: ActionTarget<On>;
  /** The validated input. */
  readonly input: Input;
  readonly tx: ActionTransaction;
}

/** The options of {@link defineAction}. */
export interface ActionOptions<I extends z.ZodType, Result, On extends ActionScope> {
  /** `record` (default) or `collection`. */
  readonly on?: On;
  /** The request body's schema; a body it refuses is a 422 with the field errors. */
  readonly input: I;
  /** Authorization, after the read rule (an unreadable record is a 404): `false` answers 403. Absent: anyone who may read the target. */
  allow?(context: RequestContext, record: ActionTarget<On>): boolean | Promise<boolean>;
  /** Runs inside the write transaction; its result is the answer (default: the target record after the action). */
  handler(args: ActionArgs<z.output<I>, On>): Promise<Result> | Result;
}

/** A declared action: what `defineResource({ actions })` takes. */
export interface ActionDefinition<I extends z.ZodType = z.ZodType, Result = unknown, On extends ActionScope = ActionScope> {
  readonly on: On;
  readonly input: I;
  allow?(context: RequestContext, record: ActionTarget<On>): boolean | Promise<boolean>;
  handler(args: ActionArgs<z.output<I>, On>): Promise<Result> | Result;
}

/** Action names are URI segments: lower case letters, digits, `-` and `_`. */
export const ACTION_NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

/**
 * Declares a custom action of a resource: an input schema, an authorization rule and a
 * handler whose writes share one transaction. Served as `POST /<resource>/<id>/<name>`
 * (or `POST /<resource>/<name>` with `on: 'collection'`), over HTTP and the socket.
 * The record it receives is typed loosely (`ActionRecord`): read it typed with
 * `tx.get(definition, record.id)`. A handler that names its own resource's definition
 * needs a return type annotation (TypeScript cannot infer a definition from itself).
 *
 * @example
 * const close = defineAction({
 *   input: z.object({}),
 *   allow: (ctx, poll) => ctx.principal?.id === poll.owner,
 *   handler: async ({ record, tx }): Promise<void> => {
 *     await tx.update(polls, record.id, { closed: true });
 *   },
 * });
 */
export function defineAction<I extends z.ZodType, Result = void>(
  options: ActionOptions<I, Result, 'collection'> & { readonly on: 'collection' },
): ActionDefinition<I, Result, 'collection'>;
export function defineAction<I extends z.ZodType, Result = void>(options: ActionOptions<I, Result, 'record'>): ActionDefinition<I, Result, 'record'>;
export function defineAction<I extends z.ZodType, Result>(options: ActionOptions<I, Result, ActionScope>): ActionDefinition<I, Result, ActionScope> {
  if (typeof options.handler !== 'function') throw new TypeError('defineAction: handler must be a function');
  const action: ActionDefinition<I, Result, ActionScope> = {
    on: options.on ?? 'record',
    input: options.input,
    handler: options.handler,
  };
  if (options.allow !== undefined) action.allow = options.allow;
  return Object.freeze(action);
}

/** The actions of a definition, by name. */
export type ActionsOf<D> = D extends { readonly actions: infer A } ? A : never;
/** The input type of a definition's action: `ActionInputOf<typeof polls, 'vote'>`. */
export type ActionInputOf<D, Name extends keyof ActionsOf<D>> = ActionsOf<D>[Name] extends ActionDefinition<infer I, infer _R, infer _O> ? z.input<I> : never;
/** The answer type of a definition's action: the handler's result, or the target record when it returns nothing. */
export type ActionResultOf<D, Name extends keyof ActionsOf<D>> =
  ActionsOf<D>[Name] extends ActionDefinition<infer _I, infer R, infer _O> ? ([Awaited<R>] extends [void | undefined] ? RecordOf<D> : Awaited<R>) : never;
/** Names of a definition's record actions (or collection actions). */
export type ActionNamesOf<D, On extends ActionScope = 'record'> = {
  [K in keyof ActionsOf<D>]: ActionsOf<D>[K] extends { readonly on: On } ? K : never;
}[keyof ActionsOf<D>] &
  string;
