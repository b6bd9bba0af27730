import { z } from 'zod';

/**
 * A record as the wire carries it: a JSON object. Its members are the resource's schema and the
 * system fields (protocol.md §4.2), which the application defines, not the protocol.
 */
export const wireRecordSchema = z.record(z.string(), z.unknown());
export type WireRecord = z.infer<typeof wireRecordSchema>;

/**
 * Downstream, as the 200 body of `GET` on a collection (and of its `SUBSCRIBE`, and an event
 * stream's `snapshot`): one page of records and the URI of the next page, `null` after the last
 * (protocol.md §4.5).
 *
 * @example
 * { "items": [{ "id": "01a2…", "version": 3, "title": "Milk" }], "next": "/todos?limit=1&after=WyIw…" }
 */
export const collectionPageSchema = z.object({
  items: z.array(wireRecordSchema),
  next: z.string().startsWith('/').nullable(),
});
export type CollectionPage = z.infer<typeof collectionPageSchema>;
