/**
 * A field's storage kind worked out from its TypeScript type, as `field-kinds.ts` works it
 * out from the schema at run time: all strings (a string, an enum, a literal) is `string`,
 * all numbers `number`, all booleans `boolean`, anything else (arrays, objects, unions of
 * kinds) `json`. Each is one non-recursive conditional, so checking stays cheap however large
 * the schema. One known difference: a `z.union` of string literals is `string` here and
 * `json` at run time (use `z.enum`, which is `string` on both sides).
 *
 * @example
 * type K = KindOfValue<'low' | 'high' | null>; // 'string'
 */
export type KindOfValue<V> = [NonNullable<V>] extends [never]
  ? 'json'
  : [NonNullable<V>] extends [string]
    ? 'string'
    : [NonNullable<V>] extends [number]
      ? 'number'
      : [NonNullable<V>] extends [boolean]
        ? 'boolean'
        : 'json';

/** A field's value as a filter compares it: a field left out (`undefined`) is never a value. */
export type PresentValue<V> = Exclude<V, undefined>;

/** What an array field holds, for `contains`; `never` for any other field. */
export type ElementOf<V> = NonNullable<V> extends ReadonlyArray<infer E> ? E : never;

/**
 * True when a record type is only known as "any fields" (an untyped definition): queries
 * and filters over it are then checked at run time only.
 */
export type IsLooseRecord<R> = string extends keyof R ? true : false;

/**
 * The fields a collection can be ordered by, as `parseCollectionQuery` allows them: scalar
 * (not json) and never null, so SQL's NULL placement never matters.
 *
 * @example
 * type S = SortableField<{ id: string; title: string; tags: string[]; due: string | null }>; // 'id' | 'title'
 */
export type SortableField<R> = {
  [K in keyof R & string]-?: KindOfValue<R[K]> extends 'json' ? never : null extends R[K] ? never : K;
}[keyof R & string];
