import type { JsonRecord } from '../requests/answers.js';
import { assertSafeJson, isPlainObject, jsonEqual, ownValue, setOwn } from './json-values.js';

/** Fields the server owns: a merge always takes them from the server's version. */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set(['id', 'version', 'createdAt', 'updatedAt']);

/** What {@link threeWayMerge} answers. */
export interface ThreeWayMergeResult {
  /** The merged record; a conflicting field holds the server's value. */
  readonly merged: JsonRecord;
  /** Paths (keys joined with `.`) changed on both sides to different values; empty when the merge is clean. */
  readonly conflicts: string[];
}

/**
 * Field-level three-way merge of a local edit and the server's version, from the version
 * the local edit started from (`base`).
 *
 * Per field (a missing field, or one whose value is `undefined`, is "absent"; adding or
 * removing a field is a change):
 * - unchanged on both sides, or changed on both sides to equal values: that value;
 * - changed on one side only: that side's value (a removal removes it);
 * - changed on both sides to different values: when both sides hold plain objects they
 *   merge key by key, recursively (a base that is not an object counts as `{}`); otherwise
 *   a conflict, listed by its path (`address.city`), and `merged` holds the server's value.
 * - Arrays are whole values: two different edits of one array are a conflict, never an
 *   element-wise merge (positions do not identify elements).
 * - `id`, `version`, `createdAt`, `updatedAt` (top level) always come from `server`.
 *
 * `base` null (the local edit was a create) counts as `{}`. Inputs are never modified.
 * Throws a SynclineError `forbidden-key` when any input holds `__proto__`, `constructor`
 * or `prototype` as a key, and `json-too-deep` beyond 64 levels.
 *
 * @example
 * threeWayMerge({ title: 'Milk', done: false }, { title: 'Oat milk', done: false }, { title: 'Milk', done: true });
 * // { merged: { title: 'Oat milk', done: true }, conflicts: [] }
 */
export function threeWayMerge(base: JsonRecord | null, local: JsonRecord, server: JsonRecord): ThreeWayMergeResult {
  assertSafeJson(base, 'base');
  assertSafeJson(local, 'local');
  assertSafeJson(server, 'server');
  const conflicts: string[] = [];
  const merged = mergeObjects({ base: base ?? {}, local, server }, '', conflicts);
  return { merged, conflicts };
}

/** Merges two objects key by key; a conflict's path goes to `conflicts`. */
function mergeObjects({ base, local, server }: Sides<JsonRecord>, prefix: string, conflicts: string[]): JsonRecord {
  const merged: JsonRecord = {};
  // The server's key order first, then keys only the local side has.
  const keys = new Set([...Object.keys(server), ...Object.keys(local), ...Object.keys(base)]);
  for (const key of keys) {
    const path = prefix + key;
    if (prefix === '' && SYSTEM_FIELDS.has(key)) {
      const value = ownValue(server, key);
      if (value !== undefined) setOwn(merged, key, copy(value));
      continue;
    }
    const value = mergeValue({ base: ownValue(base, key), local: ownValue(local, key), server: ownValue(server, key) }, path, conflicts);
    if (value !== undefined) setOwn(merged, key, value);
  }
  return merged;
}

/** A value on each side of the merge: the common version, the local edit, the server's version. */
interface Sides<T> {
  readonly base: T;
  readonly local: T;
  readonly server: T;
}

function mergeValue({ base, local, server }: Sides<unknown>, path: string, conflicts: string[]): unknown {
  if (jsonEqual(local, server)) return copy(server);
  if (jsonEqual(local, base)) return copy(server);
  if (jsonEqual(server, base)) return copy(local);
  if (isPlainObject(local) && isPlainObject(server)) {
    return mergeObjects({ base: isPlainObject(base) ? base : {}, local, server }, `${path}.`, conflicts);
  }
  conflicts.push(path);
  return copy(server);
}

/** A deep copy of a JSON value, so the result shares nothing with the inputs. */
function copy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copy);
  if (!isPlainObject(value)) return value;
  const out: JsonRecord = {};
  for (const key of Object.keys(value)) {
    const item = value[key];
    if (item !== undefined) setOwn(out, key, copy(item));
  }
  return out;
}

/** What {@link mergeAgainstDelete} answers: the record to keep (null: deleted) and whether the user must decide. */
export interface RecordMergeResult {
  /** The merged record, or null for "deleted". When `held`, the server's side plus whatever merged cleanly. */
  readonly merged: JsonRecord | null;
  /** True when the merge cannot settle the conflict: keep both versions and ask the user. */
  readonly held: boolean;
  /** The fields changed on both sides (empty for an edit against a delete). */
  readonly conflicts: string[];
}

/**
 * The three-way merge extended to deletes (null: the record is deleted on that side).
 * "Changed" compares records without their system fields, so a version bump alone is not an edit.
 *
 * | local | server | outcome |
 * |---|---|---|
 * | record | record | {@link threeWayMerge}; held when it lists conflicts |
 * | deleted | deleted | deleted, settled |
 * | deleted | unchanged since base | deleted (the delete goes on), settled |
 * | unchanged since base | deleted | deleted (the server's delete is taken), settled |
 * | deleted | edited | **delete against edit**: held, `merged` = the server's record |
 * | edited | deleted | **edit against delete**: held, `merged` = null |
 *
 * A held outcome drops nothing: the engine keeps both versions as a `HeldConflict`
 * (`local: null` for a delete against an edit, `server: null` for an edit against a delete)
 * until the user, or a policy other than `merge`, decides.
 *
 * @example
 * mergeAgainstDelete({ title: 'Milk' }, { title: 'Oat milk' }, null);
 * // { merged: null, held: true, conflicts: [] }: edited here, deleted there
 */
export function mergeAgainstDelete(base: JsonRecord | null, local: JsonRecord | null, server: JsonRecord | null): RecordMergeResult {
  if (local !== null && server !== null) {
    const { merged, conflicts } = threeWayMerge(base, local, server);
    return { merged, held: conflicts.length > 0, conflicts };
  }
  assertSafeJson(base, 'base');
  assertSafeJson(local, 'local');
  assertSafeJson(server, 'server');
  if (local === null && server === null) return { merged: null, held: false, conflicts: [] };
  if (sameContent(base, server)) return { merged: local === null ? null : (copy(local) as JsonRecord), held: false, conflicts: [] };
  if (sameContent(base, local)) return { merged: server === null ? null : (copy(server) as JsonRecord), held: false, conflicts: [] };
  return { merged: server === null ? null : (copy(server) as JsonRecord), held: true, conflicts: [] };
}

/** Equal records apart from their system fields (null equals only null). */
function sameContent(a: JsonRecord | null, b: JsonRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return jsonEqual(withoutSystemFields(a), withoutSystemFields(b));
}

function withoutSystemFields(record: JsonRecord): JsonRecord {
  const out: JsonRecord = {};
  for (const key of Object.keys(record)) if (!SYSTEM_FIELDS.has(key)) setOwn(out, key, record[key]);
  return out;
}
