import { z } from 'zod';
import { requestIdSchema } from './request.js';

/**
 * How a change appears to one subscription.
 * - On a record subscription: `create`, `update`, `delete`.
 * - On a collection subscription: `enter` (the record now matches: created, or changed into the filter),
 *   `update` (it matched and still does), `leave` (deleted, or changed out of the filter).
 */
export const changeOpSchema = z.enum(['create', 'update', 'delete', 'enter', 'leave']);
export type ChangeOp = z.infer<typeof changeOpSchema>;

/**
 * Downstream: a change pushed to a subscription. `seq` is the change-log position; a client
 * that reconnects subscribes with `last-event-id: <seq>` and receives exactly what it missed.
 * `etag` and `body` are `null` for `delete` and `leave`.
 *
 * @example
 * { "event": "change", "subscription": "s1", "seq": 42, "op": "update", "resource": "/todos/0193…", "etag": "\"42\"", "body": { "id": "0193…", "version": 42, "title": "Milk", "done": true } }
 */
export const changeEventSchema = z.object({
  event: z.literal('change'),
  subscription: requestIdSchema,
  seq: z.number().int().positive(),
  op: changeOpSchema,
  resource: z.string(),
  etag: z.string().nullable(),
  body: z.record(z.string(), z.unknown()).nullable(),
});
export type ChangeEvent = z.infer<typeof changeEventSchema>;
