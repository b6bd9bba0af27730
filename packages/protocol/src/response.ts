import { z } from 'zod';
import { requestIdSchema } from './request.js';

/**
 * Downstream: the answer to a request, with exactly the status, headers (lower-case)
 * and body HTTP gives for the same request. `id` is the request's. A frame with no valid
 * id is answered with an `error` event instead.
 *
 * @example
 * { "id": "1", "status": 200, "headers": { "etag": "\"13\"", "content-type": "application/json" }, "body": { "id": "0193…", "version": 13, "title": "Milk", "done": true } }
 */
export const responseMessageSchema = z.object({
  id: requestIdSchema,
  status: z.number().int().min(100).max(599),
  headers: z.record(z.string(), z.string()),
  body: z.unknown().optional(),
});
export type ResponseMessage = z.infer<typeof responseMessageSchema>;
