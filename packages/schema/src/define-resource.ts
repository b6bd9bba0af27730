import type { z } from 'zod';
import type { HookContext, RequestContext } from './context.js';
import { ACTION_NAME_PATTERN, type ActionDefinition, type ActionScope } from './define-action.js';
import { closestName } from './closest-name.js';
import { describeFields, type FieldInfo } from './field-kinds.js';
import type { RecordFilter } from './record-filter.js';
import type { RecordReader } from './record-reader.js';

/** Fields every record has; the server owns them and clients can never set them. */
export const SYSTEM_FIELDS = ['id', 'version', 'createdAt', 'updatedAt'] as const;
export type SystemFieldName = (typeof SYSTEM_FIELDS)[number];

export interface SystemFields {
  /** Chosen by the server (a UUIDv7) unless the client creates with `PUT /<resource>/<id>`. */
  readonly id: string;
  /** The change-log position of the record's last write; its ETag is `"<version>"`. */
  readonly version: number;
  /** ISO 8601 timestamps set by the server. */
  readonly createdAt: string;
  readonly updatedAt: string;
}

/** A Zod object schema of a resource's own (client-writable) fields. */
export type AnyObjectSchema = z.ZodObject<z.ZodRawShape>;

/** The fields a client writes (input: defaults may be left out). */
export type ResourceInput<S extends AnyObjectSchema> = z.input<S>;
/** The fields after validation (defaults filled in). */
export type ResourceFields<S extends AnyObjectSchema> = z.output<S>;
/** A whole record as the server stores and serves it. */
export type ResourceRecord<S extends AnyObjectSchema> = SystemFields & z.output<S>;

/**
 * A read rule: which records the caller may see. `true` (all), `false` (none) or a
 * {@link Filter} over the record's fields — the same filter narrows collection queries in
 * SQL and decides which pushed events reach a subscriber, so it is evaluated once per
 * request or subscription, never per record. In `defineResource`, `R` is the stored record
 * (system fields and every field, hidden ones too), so the filter a rule returns is checked
 * at compile time ({@link RecordFilter}): an unknown field, an operator that does not suit
 * a field or a value of the wrong type is a type error.
 *
 * @example
 * rules: { read: (ctx) => (ctx.principal ? where({ owner: ctx.principal.id }) : false) }
 */
export type ReadRule<R = Record<string, unknown>> = (ctx: RequestContext) => boolean | RecordFilter<R>;

/** Write rules decide per record; a `false` answers 403 (404 if the caller may not read it). */
export interface WriteRules<S extends AnyObjectSchema> {
  create?: (ctx: RequestContext, data: ResourceFields<S>) => boolean | Promise<boolean>;
  update?: (ctx: RequestContext, current: ResourceRecord<S>, next: ResourceFields<S>) => boolean | Promise<boolean>;
  delete?: (ctx: RequestContext, current: ResourceRecord<S>) => boolean | Promise<boolean>;
}

export interface Rules<S extends AnyObjectSchema> extends WriteRules<S> {
  read?: ReadRule<ResourceRecord<S>>;
}

/**
 * Hooks. `before*` run inside the write's transaction, after validation and the write
 * rule: they may return replaced fields (validated again) or throw a SynclineError to
 * refuse the write, and run again if the write is retried after a lost race, so keep them
 * quick and free of outside effects. Their last argument reads other records in that same
 * transaction ({@link RecordReader}). `after*` run once the write is committed and
 * published (an error there is reported, never undoes the write): put effects there.
 *
 * They run for every write of a record, whichever path caused it: a request, an action's
 * write, a delete cascaded from a record it refers to, a rewrite of the fields it inherits.
 * `ctx.cause` says which (`request`, `action`, `cascade`, `inherit`); write rules are asked
 * for requests only (docs/design-notes.md, "Every write of a record runs its hooks").
 */
export interface Hooks<S extends AnyObjectSchema> {
  beforeCreate?: (ctx: HookContext, data: ResourceFields<S>, read: RecordReader) => ResourceFields<S> | void | Promise<ResourceFields<S> | void>;
  afterCreate?: (ctx: HookContext, record: ResourceRecord<S>) => void | Promise<void>;
  beforeUpdate?: (
    ctx: HookContext,
    next: ResourceFields<S>,
    current: ResourceRecord<S>,
    read: RecordReader,
  ) => ResourceFields<S> | void | Promise<ResourceFields<S> | void>;
  afterUpdate?: (ctx: HookContext, record: ResourceRecord<S>, previous: ResourceRecord<S>) => void | Promise<void>;
  beforeDelete?: (ctx: HookContext, current: ResourceRecord<S>, read: RecordReader) => void | Promise<void>;
  afterDelete?: (ctx: HookContext, previous: ResourceRecord<S>) => void | Promise<void>;
}

/** A field that holds the id of a record of another resource. */
export interface Reference {
  readonly resource: string;
  /** What deleting the referenced record does: refuse with 409 (`restrict`, the default) or delete these too (`cascade`). */
  readonly onDelete: 'restrict' | 'cascade';
  /**
   * Fields copied from the referenced record and kept equal to it: set on create, and
   * rewritten (each with its own change) in the transaction that changes them on the
   * referenced record. A read rule over them (a list's `owner` and `members` on its todos)
   * then decides visibility per record with no join, and a change of membership reaches
   * every subscriber as records entering or leaving. Clients cannot write them.
   */
  readonly inherit: readonly string[];
}

/** What a field's write rule is asked about: one write of that field. */
export interface FieldWrite {
  /** The record as stored before the write; `undefined` when the write creates it. */
  readonly current: Readonly<Record<string, unknown>> | undefined;
  /** The value the write gives the field, as sent (not validated yet); `undefined` when the write leaves the field out. */
  readonly value: unknown;
}

/**
 * Who sees and writes one field. Applied the same way to HTTP and WebSocket responses
 * and to pushed events; a caller who may not read a field cannot filter or sort by it.
 */
export interface FieldRule {
  /** Never leaves the server (a password hash); only the server's own writes set it. */
  readonly hidden?: boolean;
  /** Who sees the field (a function of the caller only, so a subscription's events are serialized once per view). */
  readonly read?: (ctx: RequestContext) => boolean;
  /**
   * Who may write it: `false` makes it server-set (by a default, a hook or inheritance).
   * A write that changes it without leave is refused (403 with the field's path), never
   * dropped; a write that leaves it out keeps its current value. A function decides per
   * write: it sees the caller, the record as stored and the value sent, so "only the
   * owner renames" is `(ctx, { current }) => current === undefined || current['owner'] === ctx.principal?.id`.
   */
  readonly write?: boolean | ((ctx: RequestContext, write: FieldWrite) => boolean);
}

type FieldName<S extends AnyObjectSchema> = Extract<keyof z.output<S>, string>;

type ReferenceOption<S extends AnyObjectSchema> = string | { resource: string; onDelete?: 'restrict' | 'cascade'; inherit?: ReadonlyArray<FieldName<S>> };
/** The `references` option's shape. */
export type ReferenceOptions<S extends AnyObjectSchema> = { [K in FieldName<S>]?: ReferenceOption<S> };
/** The `fieldRules` option's shape. */
export type FieldRuleOptions<S extends AnyObjectSchema> = { [K in FieldName<S>]?: FieldRule };

/** Fields a `fieldRules` option hides. */
export type HiddenFieldsOf<R> = { [K in keyof R]: R[K] extends { readonly hidden: true } ? K : never }[keyof R] & string;
/** Fields the server sets: hidden, `write: false`, or inherited through a reference. */
export type ServerFieldsOf<R, Ref> =
  | HiddenFieldsOf<R>
  | ({ [K in keyof R]: R[K] extends { readonly write: false } ? K : never }[keyof R] & string)
  | ({ [K in keyof Ref]: Ref[K] extends { readonly inherit: ReadonlyArray<infer F> } ? F : never }[keyof Ref] & string);

/** What clients see of a record: every field but hidden ones. */
export type VisibleRecord<S extends AnyObjectSchema, Hidden extends string> = Omit<ResourceRecord<S>, Hidden>;
/** What clients write: server-set fields may be left out (or sent back unchanged), hidden ones never appear. */
export type ClientInput<S extends AnyObjectSchema, Hidden extends string, Server extends string> = Omit<ResourceInput<S>, Server> &
  Partial<Pick<ResourceInput<S>, Exclude<Server, Hidden> & keyof ResourceInput<S>>>;

export interface ResourceOptions<Name extends string, S extends AnyObjectSchema> {
  /** The URI segment: `/<name>` and `/<name>/<id>`. Lower case letters, digits, `-` and `_`. */
  name: Name;
  /** The writable fields. Unknown fields are refused (422), never dropped. */
  schema: S;
  /** Secondary indexes, each a list of fields (`id` is always indexed). */
  indexes?: ReadonlyArray<ReadonlyArray<FieldName<S> | SystemFieldName>>;
  /** Fields that refer to another resource's records: `{ list: 'lists' }` or `{ list: { resource: 'lists', onDelete: 'cascade' } }`. */
  references?: ReferenceOptions<S>;
  rules?: Rules<S>;
  hooks?: Hooks<S>;
  /** Per-field visibility and write rules. */
  fieldRules?: FieldRuleOptions<S>;
  /** Only signed-in callers: an anonymous one gets 401 on every request and subscription. */
  signedIn?: boolean;
  /** Stored and logged, never served: no URI reaches it (sessions). The server's own code uses it. */
  internal?: boolean;
  /** Custom actions by name (see `defineAction`): `POST /<name>/<id>/<action>`. */
  actions?: ActionMap;
}

/** A resource's actions by name. */
export type ActionMap = Readonly<Record<string, ActionDefinition<z.ZodType, unknown, ActionScope>>>;

export interface ResourceDefinition<
  Name extends string = string,
  S extends AnyObjectSchema = AnyObjectSchema,
  Hidden extends string = never,
  Server extends string = never,
  A extends ActionMap = ActionMap,
> {
  readonly name: Name;
  readonly schema: S;
  /** Each field's storage kind, derived from the schema. */
  readonly fields: Readonly<Record<string, FieldInfo>>;
  readonly indexes: ReadonlyArray<ReadonlyArray<string>>;
  readonly references: Readonly<Record<string, Reference>>;
  readonly rules: Rules<S>;
  readonly hooks: Hooks<S>;
  readonly fieldRules: Readonly<Record<string, FieldRule>>;
  readonly signedIn: boolean;
  readonly internal: boolean;
  /** Custom actions by name (`{}` when there are none). */
  readonly actions: A;
  /** Phantom types for inference on the client; never set at run time. */
  readonly $types?: { readonly record: VisibleRecord<S, Hidden>; readonly input: ClientInput<S, Hidden, Server> };
}

const NAME_PATTERN = /^[a-z][a-z0-9_-]{0,62}$/;

/** `"titel" (did you mean "title"?)`: an unknown field as the errors below name it. */
function unknownName(name: string, known: Iterable<string>): string {
  const suggestion = closestName(name, known);
  return suggestion === undefined ? `"${name}"` : `"${name}" (did you mean "${suggestion}"?)`;
}
const RESERVED_FIELDS = new Set<string>([...SYSTEM_FIELDS, '__proto__', 'constructor', 'prototype']);

/**
 * Declares a resource once, for the server and the client alike: this module imports
 * no server code, so a browser bundle can import the definitions.
 *
 * @example
 * export const todos = defineResource({
 *   name: 'todos',
 *   schema: z.object({ title: z.string().min(1), done: z.boolean().default(false), list: z.string() }),
 *   references: { list: { resource: 'lists', onDelete: 'cascade' } },
 *   indexes: [['list']],
 * });
 */
export function defineResource<
  const Name extends string,
  S extends AnyObjectSchema,
  const R extends FieldRuleOptions<S> = {},
  const Ref extends ReferenceOptions<S> = {},
  const A extends ActionMap = {},
>(
  options: ResourceOptions<Name, S> & { fieldRules?: R; references?: Ref; actions?: A },
): ResourceDefinition<Name, S, HiddenFieldsOf<R>, ServerFieldsOf<R, Ref>, A> {
  if (!NAME_PATTERN.test(options.name)) {
    throw new TypeError(`Resource name "${options.name}" must match ${NAME_PATTERN}`);
  }
  const fields = describeFields(options.schema);
  for (const field of Object.keys(fields)) {
    if (RESERVED_FIELDS.has(field)) throw new TypeError(`Resource "${options.name}": field "${field}" is reserved`);
  }
  const known = new Set<string>([...Object.keys(fields), ...SYSTEM_FIELDS]);
  const indexes = (options.indexes ?? []).map((index) => {
    for (const field of index) {
      if (!known.has(field)) throw new TypeError(`Resource "${options.name}": index on unknown field ${unknownName(field, known)}`);
    }
    return [...index];
  });
  const references: Record<string, Reference> = {};
  for (const [field, value] of Object.entries(options.references ?? {}) as Array<[string, ReferenceOption<S> | undefined]>) {
    if (value === undefined) continue;
    if (!(field in fields)) throw new TypeError(`Resource "${options.name}": reference on unknown field ${unknownName(field, Object.keys(fields))}`);
    const inherit = typeof value === 'string' ? [] : [...(value.inherit ?? [])];
    for (const name of inherit) {
      if (!(name in fields)) throw new TypeError(`Resource "${options.name}": reference "${field}" inherits unknown field ${unknownName(name, Object.keys(fields))}`);
    }
    references[field] = typeof value === 'string' ? { resource: value, onDelete: 'restrict', inherit } : { resource: value.resource, onDelete: value.onDelete ?? 'restrict', inherit };
  }
  const fieldRules: Record<string, FieldRule> = {};
  for (const [field, rule] of Object.entries(options.fieldRules ?? {}) as Array<[string, FieldRule | undefined]>) {
    if (rule === undefined) continue;
    if (!(field in fields)) throw new TypeError(`Resource "${options.name}": field rule on unknown field ${unknownName(field, Object.keys(fields))}`);
    fieldRules[field] = rule;
  }
  for (const name of Object.keys(options.actions ?? {})) {
    if (!ACTION_NAME_PATTERN.test(name)) throw new TypeError(`Resource "${options.name}": action name "${name}" must match ${ACTION_NAME_PATTERN}`);
    // `<uri>/presence` is where a record's or collection's presence lives (protocol §11).
    if (name === 'presence') throw new TypeError(`Resource "${options.name}": "presence" is reserved for presence, not an action name`);
  }
  // Inherited fields are the server's to set.
  for (const reference of Object.values(references)) {
    for (const name of reference.inherit) fieldRules[name] = { ...fieldRules[name], write: false };
  }
  return Object.freeze({
    name: options.name,
    schema: options.schema,
    fields,
    indexes,
    references,
    rules: options.rules ?? {},
    hooks: options.hooks ?? {},
    fieldRules,
    signedIn: options.signedIn ?? false,
    internal: options.internal ?? false,
    actions: options.actions ?? ({} as A),
  });
}

/** The record type of a definition: `RecordOf<typeof todos>`. */
export type RecordOf<D> = D extends { readonly $types?: { readonly record: infer R } } ? R : never;
/** The write input type of a definition: `InputOf<typeof todos>`. */
export type InputOf<D> = D extends { readonly $types?: { readonly input: infer I } } ? I : never;
