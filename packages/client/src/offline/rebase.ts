import { applyMergePatch, SYSTEM_FIELDS } from '@syncline/schema';
import { isRecord, type JsonRecord } from '../requests/answers.js';
import type { HeldConflict, PendingWrite } from './offline-types.js';
import { mergeAgainstDelete } from './three-way-merge.js';

/**
 * What the application sees for a URI (issue 8, point 5): the server's latest known version
 * with that URI's pending writes re-applied in order. A merge patch is merged in (RFC 7396),
 * a `PUT` replaces the fields (the server's system fields stay), a `DELETE` leaves nothing,
 * and a create starts from its body and the id in its URI. A pushed change moves `base`, and
 * the view is computed again from it, so it never erases a pending edit.
 *
 * @example
 * rebase({ id: '1', version: 4, title: 'Milk', done: true }, [patchWrite({ title: 'Oat milk' })]);
 * // { id: '1', version: 4, title: 'Oat milk', done: true }
 */
export function rebase(base: JsonRecord | null, writes: readonly PendingWrite[]): JsonRecord | null {
  let data = base;
  for (const write of writes) data = applyWrite(data, write);
  return data;
}

function applyWrite(data: JsonRecord | null, write: PendingWrite): JsonRecord | null {
  switch (write.method) {
    case 'DELETE':
      return null;
    case 'PATCH': {
      if (data === null) return null;
      const merged = applyMergePatch(data, write.body);
      return isRecord(merged) ? merged : data;
    }
    case 'PUT': {
      if (!isRecord(write.body)) return data;
      const fields = withoutSystemFields(write.body);
      if (data === null) return write.create ? { ...fields, id: idOf(write.uri) } : null;
      return { ...fields, ...systemFieldsOf(data) };
    }
    case 'POST':
      // A custom action's effect is the server's to compute; its answer will tell.
      return data;
  }
}

/**
 * What a held conflict shows until the application resolves it: the server's version with
 * the local changes that merge cleanly (`mergeAgainstDelete`'s `merged`: for an edit against
 * a delete, nothing; for a delete against an edit, the server's record).
 *
 * @example
 * heldView(client.conflicts()[0]);
 */
export function heldView(held: HeldConflict): JsonRecord | null {
  return mergeAgainstDelete(held.base, held.local, held.server).merged;
}

/**
 * The record without `id`, `version`, `createdAt`, `updatedAt` (the server owns them).
 *
 * @example
 * withoutSystemFields({ id: '1', version: 3, title: 'Milk' }); // { title: 'Milk' }
 */
export function withoutSystemFields(record: JsonRecord): JsonRecord {
  const rest: JsonRecord = { ...record };
  for (const field of SYSTEM_FIELDS) delete rest[field];
  return rest;
}

function systemFieldsOf(record: JsonRecord): JsonRecord {
  const system: JsonRecord = {};
  for (const field of SYSTEM_FIELDS) if (Object.hasOwn(record, field)) system[field] = record[field];
  return system;
}

/**
 * The record id a URI ends with.
 *
 * @example
 * idOf('/todos/0193b1c2'); // '0193b1c2'
 */
export function idOf(uri: string): string {
  return decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
}
