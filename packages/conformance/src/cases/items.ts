import { collectionPageSchema } from '@syncline/protocol';
import { check, checkObject, recordEtag, show } from '../check.js';
import { ConformanceFailure } from '../conformance-failure.js';
import type { CaseContext } from '../case-runner.js';
import { FIXTURE_RESOURCE } from '../fixture.js';
import { expectStatus, http } from '../http-probe.js';

/** The fixture's collection URI. */
export const COLLECTION = `/${FIXTURE_RESOURCE}`;

/** A fixture record as the cases read it (§4.2). */
export interface Item {
  readonly id: string;
  readonly version: number;
  readonly title: string;
  readonly done: boolean;
  readonly [field: string]: unknown;
}

/** Checks that a body is a fixture record: system fields then `title` and `done` (§4.2). */
export function asItem(value: unknown, what: string): Item {
  const record = checkObject(value, what);
  check(typeof record['id'] === 'string' && record['id'] !== '', `${what}: "id" is not a string: ${show(record)}`);
  check(Number.isSafeInteger(record['version']) && (record['version'] as number) > 0, `${what}: "version" is not a positive integer: ${show(record)}`);
  for (const field of ['createdAt', 'updatedAt']) {
    check(typeof record[field] === 'string' && !Number.isNaN(Date.parse(record[field] as string)), `${what}: "${field}" is not an ISO 8601 time: ${show(record)}`);
  }
  check(typeof record['title'] === 'string' && typeof record['done'] === 'boolean', `${what}: "title" or "done" is missing: ${show(record)}`);
  return record as Item;
}

/** Checks that a body is a collection page (`collectionPageSchema`, §4.5) of fixture records. */
export function asPage(value: unknown, what: string): { items: Item[]; next: string | null } {
  const page = collectionPageSchema.safeParse(value);
  if (!page.success) throw new ConformanceFailure('invalid-message', `${what}: not a collection page {"items": [...], "next": <uri> | null}: ${show(value)}`);
  return { items: page.data.items.map((item, index) => asItem(item, `${what}: item ${index}`)), next: page.data.next };
}

/** Creates a record over HTTP and returns it (its creation is checked by its own case). */
export async function createItem(context: CaseContext, title: string, done = false): Promise<Item> {
  const answer = await http(context, 'POST', COLLECTION, { body: { title, done } });
  expectStatus(answer, 201, `POST ${COLLECTION}`);
  return asItem(answer.body, `POST ${COLLECTION}`);
}

/** Changes a record with a merge patch over HTTP (§4.4) and returns it. */
export async function patchItem(context: CaseContext, id: string, patch: Record<string, unknown>): Promise<Item> {
  const answer = await http(context, 'PATCH', `${COLLECTION}/${id}`, { headers: { 'content-type': 'application/merge-patch+json' }, body: patch });
  expectStatus(answer, 200, `PATCH ${COLLECTION}/${id}`);
  return asItem(answer.body, `PATCH ${COLLECTION}/${id}`);
}

/** The collection URI of the records titled `title`: a set no other case or run writes to. */
export function titled(title: string): string {
  return `${COLLECTION}?title=${encodeURIComponent(title)}`;
}

export { recordEtag };
