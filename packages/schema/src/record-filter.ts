import type { ElementOf, IsLooseRecord, KindOfValue, PresentValue } from './field-types.js';
import type { Filter, Scalar } from './filter.js';

/** The range operators: they apply to strings and numbers only. */
export type RangeOp = 'gt' | 'gte' | 'lt' | 'lte';

/** A value a field may be compared with for equality: its own values, and null when it may be null or left out (stored as NULL). */
type EqualValue<V> = PresentValue<V> | (undefined extends V ? null : never);

/** What `contains` looks for in an array field: one of its scalar elements. */
type ContainedValue<V> = Extract<NonNullable<ElementOf<V>>, Scalar>;

/** The conditions a json field allows: `contains` on an array, and equality with null when it may be null. */
type JsonConditionOn<K extends string, V> =
  | ([ContainedValue<V>] extends [never] ? never : { readonly field: K; readonly op: 'contains'; readonly value: ContainedValue<V> })
  | (null extends EqualValue<V> ? { readonly field: K; readonly op: 'eq' | 'ne'; readonly value: null } : never);

/** The conditions one field allows, by its kind: equality and `in` for every scalar, ranges except on booleans. */
type ConditionOn<K extends string, V> =
  KindOfValue<V> extends 'json'
    ? JsonConditionOn<K, V>
    :
        | { readonly field: K; readonly op: 'eq' | 'ne'; readonly value: EqualValue<V> }
        | { readonly field: K; readonly op: 'in'; readonly value: readonly EqualValue<V>[] }
        | (KindOfValue<V> extends 'boolean' ? never : { readonly field: K; readonly op: RangeOp; readonly value: NonNullable<V> });

/**
 * One condition over a record type: a field it has, an operator that suits the field's
 * kind, and a value of the field's type.
 *
 * @example
 * const open: RecordCondition<{ done: boolean }> = { field: 'done', op: 'eq', value: false };
 */
export type RecordCondition<R> = { [K in keyof R & string]-?: ConditionOn<K, R[K]> }[keyof R & string];

/**
 * A {@link Filter} checked against a record type at compile time: every condition names a
 * field of `R` (system fields included), with an operator that suits its kind and a value
 * of its type. It is the very same runtime tree (a `RecordFilter` is a `Filter`); only the
 * types are narrower. Read rules return one over the resource's stored record, so a
 * misspelt field in a rule does not compile. For a loosely typed record (any field names)
 * it is a plain `Filter`.
 *
 * @example
 * // A rule shared by resources that both have `owner` and `members`:
 * function ownerOrMember(ctx: RequestContext): boolean | RecordFilter<{ owner: string; members: string[] }> {
 *   const id = ctx.principal?.id;
 *   return id !== undefined && or(where({ owner: id }), { field: 'members', op: 'contains', value: id });
 * }
 */
export type RecordFilter<R> =
  IsLooseRecord<R> extends true
    ? Filter
    :
        | RecordCondition<R>
        | { readonly and: readonly RecordFilter<R>[] }
        | { readonly or: readonly RecordFilter<R>[] }
        | { readonly not: RecordFilter<R> };
