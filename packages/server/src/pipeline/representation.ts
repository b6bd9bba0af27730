import { createHash } from 'node:crypto';
import { SYSTEM_FIELDS, type ResourceDefinition } from '@syncline/schema';
import type { StoredRecord } from '../storage/storage.js';
import { fieldView, type FieldView } from './field-access.js';

/** A record's strong ETag: its version, which is the change-log position of its last write and never reused. */
export function recordEtag(version: number): string {
  return `"${version}"`;
}

/** The version an ETag names, or undefined when it is not one of ours. */
export function versionOfEtag(etag: string): number | undefined {
  const match = /^"(\d{1,16})"$/.exec(etag);
  return match ? Number(match[1]) : undefined;
}

/**
 * A record as every surface shows it: system fields first, then the schema's fields in
 * declaration order, without those the view withholds (hidden ones always).
 */
export function representRecord(definition: ResourceDefinition, record: StoredRecord, view: FieldView = fieldView(definition)): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const field of SYSTEM_FIELDS) body[field] = record[field];
  for (const field of Object.keys(definition.fields)) {
    if (record[field] !== undefined && !view.withheld.has(field)) body[field] = record[field];
  }
  return body;
}

/**
 * A collection page's strong ETag. The page's representation is fully determined by
 * the ids and versions of its items and its next link, so hashing those is enough.
 */
export function collectionEtag(items: readonly StoredRecord[], next: string | null): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(`${item.id}\u0000${item.version}\u0001`);
  hash.update(next ?? '');
  return `"c${hash.digest('base64url').slice(0, 27)}"`;
}
