import { applyJsonPatch, applyMergePatch, SYSTEM_FIELDS, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import { unseenByWriter } from './field-access.js';

export const MERGE_PATCH_TYPE = 'application/merge-patch+json';
export const JSON_PATCH_TYPE = 'application/json-patch+json';

/** Whether a caller's write may name this member: a system field, or a field of the resource it can see. */
function isNameable(definition: ResourceDefinition, member: string, unseen: ReadonlySet<string>): boolean {
  if ((SYSTEM_FIELDS as readonly string[]).includes(member)) return true;
  return Object.hasOwn(definition.fields, member) && !unseen.has(member);
}

/**
 * Applies a PATCH body to the record as the caller sees it (`document`, its
 * representation): a JSON Patch (RFC 6902), whose pointers can reach only what the caller
 * sees, or a JSON Merge Patch (RFC 7396). A merge patch member that names no field the
 * caller can write, set to `null`, stays in the result instead of deleting nothing, so the
 * validation that follows refuses it as an unknown field: `{"colour": null}` would
 * otherwise be accepted as a no-op (and bump the version), and a hidden field, which does
 * not exist for this caller, must be answered just as it is.
 *
 * @example
 * patchRecord({ definition: todos, document, body: { colour: null }, type: MERGE_PATCH_TYPE, context });
 * // { ...document, colour: null }: validation then answers 422 "unknown field"
 */
export function patchRecord(options: {
  readonly definition: ResourceDefinition;
  readonly document: Record<string, unknown>;
  readonly body: unknown;
  readonly type: typeof MERGE_PATCH_TYPE | typeof JSON_PATCH_TYPE;
  readonly context: RequestContext;
}): unknown {
  const { definition, document, body } = options;
  if (options.type === JSON_PATCH_TYPE) return markRemoved(definition, document, applyJsonPatch(document, body));
  const patched = applyMergePatch(document, body);
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof patched !== 'object' || patched === null) return patched;
  const unseen = unseenByWriter(definition, options.context);
  const kept: Record<string, unknown> = markRemoved(definition, document, patched) as Record<string, unknown>;
  for (const [member, value] of Object.entries(body)) {
    if (value === null && !isNameable(definition, member, unseen)) kept[member] = null;
  }
  return kept;
}

/**
 * The patched record with each field the patch removed present and `undefined`: the write
 * names it, so the field rules see a change of it (403 when the caller may not make it)
 * instead of an omitted field, whose current value a write keeps; validation then gives it
 * its default, or refuses it when it has none.
 */
function markRemoved(definition: ResourceDefinition, document: Record<string, unknown>, patched: unknown): unknown {
  if (typeof patched !== 'object' || patched === null || Array.isArray(patched)) return patched;
  const result: Record<string, unknown> = { ...(patched as Record<string, unknown>) };
  for (const field of Object.keys(document)) {
    if (Object.hasOwn(definition.fields, field) && !Object.hasOwn(result, field)) result[field] = undefined;
  }
  return result;
}
