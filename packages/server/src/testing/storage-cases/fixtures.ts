import { z } from 'zod';
import { defineResource, type ResourceDefinition } from '@syncline/schema';
import type { Storage, StoredRecord, UnversionedRecord } from '../../storage/storage.js';

/** Opens a fresh, empty storage for one case (already migrated with the suite's resources unless `migrate: false`). */
export type OpenStorage = (options?: { readonly migrate?: boolean }) => Promise<Storage>;

/** A resource with a field of every kind, to round-trip. */
export const kindsResource = defineResource({
  name: 'conformance_kinds',
  schema: z.object({
    text: z.string(),
    count: z.number().int(),
    ratio: z.number(),
    flag: z.boolean(),
    meta: z.object({ label: z.string(), weights: z.array(z.number()) }),
    list: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])),
    note: z.string().nullable(),
    nick: z.string().optional(),
  }),
});

/** A resource to query: nullable and optional scalars, a json array and a json field that may hold a scalar. */
export const itemsResource = defineResource({
  name: 'conformance_items',
  schema: z.object({
    name: z.string(),
    rank: z.number().int().nullable(),
    // `value` and `group` double as checks that identifiers are quoted and not shadowed.
    value: z.number(),
    active: z.boolean(),
    group: z.string().nullable(),
    label: z.string().optional(),
    tags: z.array(z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
    extra: z.union([z.string(), z.number(), z.boolean(), z.array(z.number())]).optional(),
  }),
  indexes: [['group', 'rank'], ['name']],
});

/** A resource whose definition grows between two migrations. */
export const notesV1 = defineResource({ name: 'conformance_notes', schema: z.object({ body: z.string() }) });
export const notesV2 = defineResource({
  name: 'conformance_notes',
  schema: z.object({ body: z.string(), pinned: z.boolean().optional(), score: z.number().int().nullable() }),
  indexes: [['pinned']],
});

export const CONFORMANCE_RESOURCES: readonly ResourceDefinition[] = [kindsResource, itemsResource, notesV1];

export const T0 = '2024-05-01T10:00:00.000Z';
export const T1 = '2024-05-02T11:30:00.000Z';

/** A record ready for a create mutation. */
export function draft(id: string, fields: Readonly<Record<string, unknown>>, at = T0): UnversionedRecord {
  return { ...fields, id, createdAt: at, updatedAt: at };
}

/** Creates records in one transaction and answers them as stored. */
export async function createAll(storage: Storage, resource: string, records: readonly UnversionedRecord[]): Promise<StoredRecord[]> {
  return storage.write(async (tx) => {
    const stored: StoredRecord[] = [];
    for (const after of records) stored.push((await tx.apply({ kind: 'create', resource, after })).after as StoredRecord);
    return stored;
  });
}

/** The ids of records, in their order. */
export function idsOf(records: readonly { readonly id: string }[]): string[] {
  return records.map((record) => record.id);
}

/**
 * Twelve items covering NULL, absent, duplicates, signs, booleans, json arrays with mixed
 * element types, json scalars, and names whose code point order differs from UTF-16 order.
 */
export const ITEMS: ReadonlyArray<Readonly<Record<string, unknown>> & { readonly id: string }> = [
  { id: 'i01', name: 'apple', rank: 3, value: 1.5, active: true, group: 'a', label: 'x', tags: ['red', 'sweet'], extra: 'x' },
  { id: 'i02', name: 'Banana', rank: 1, value: -2, active: false, group: 'b', tags: ['yellow'], extra: 5 },
  { id: 'i03', name: 'cherry', rank: null, value: 0, active: true, group: null, label: 'y', tags: [] },
  { id: 'i04', name: 'émigré', rank: 3, value: 10, active: false, group: 'a', tags: [1, 'red'], extra: [1, 2] },
  { id: 'i05', name: '😀 grin', rank: 2, value: 2.25, active: true, group: 'b', label: 'x', tags: [true], extra: 'y' },
  { id: 'i06', name: '\uFFFD replacement', rank: null, value: 7, active: false, group: 'c', label: 'z', extra: 1 },
  { id: 'i07', name: 'Zebra', rank: 2, value: 3, active: true, group: null, tags: ['1'], extra: true },
  { id: 'i08', name: 'ｆｕｌｌ', rank: 1, value: 3, active: false, group: 'a', label: 'y', tags: [null, 'red'] },
  { id: 'i09', name: 'apple', rank: 3, value: 1.5, active: false, group: 'c', label: 'x', tags: ['sweet'], extra: 'x' },
  { id: 'i10', name: '𝒜 script', rank: 0, value: -0.5, active: true, group: 'b', tags: [false] },
  { id: 'i11', name: '', rank: null, value: 0, active: false, group: null },
  { id: 'i12', name: 'apple pie', rank: 3, value: 100, active: true, group: 'a', label: 'x', tags: ['red'], extra: 3 },
];

/** Opens a storage with {@link ITEMS} created in it. */
export async function withItems(open: OpenStorage): Promise<{ storage: Storage; items: StoredRecord[] }> {
  const storage = await open();
  const items = await createAll(storage, itemsResource.name, ITEMS.map(({ id, ...fields }) => draft(id, fields)));
  return { storage, items };
}

/**
 * A small deterministic PRNG (mulberry32), so generated cases are the same on every run
 * and a failure names its seed.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One element of a list, chosen by a PRNG. */
export function pick<T>(random: () => number, values: readonly T[]): T {
  return values[Math.floor(random() * values.length)] as T;
}
