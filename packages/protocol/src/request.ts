import { z } from 'zod';
import { methodSchema } from './methods.js';

/**
 * A request id: chosen by the client, unique among its requests in flight on one
 * connection. A SUBSCRIBE's id names the subscription for as long as it lives.
 */
export const requestIdSchema = z.union([z.string().min(1).max(128), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);
export type RequestId = z.infer<typeof requestIdSchema>;

/**
 * Upstream: a request, with the meaning HTTP gives the same method, URI and headers.
 *
 * @example
 * { "id": "1", "method": "PATCH", "resource": "/todos/0193…", "headers": { "if-match": "\"12\"" }, "body": { "done": true } }
 */
export const requestMessageSchema = z.object({
  id: requestIdSchema,
  method: methodSchema,
  /** An origin-relative URI: `/todos`, `/todos/<id>`, `/todos?done=false&order=-createdAt`. */
  resource: z.string().min(1).max(8192).startsWith('/'),
  /** Header names in lower case, values as strings. */
  headers: z.record(z.string(), z.string()).optional(),
  /** The JSON body (for POST, PUT, PATCH). */
  body: z.unknown().optional(),
});
export type RequestMessage = z.infer<typeof requestMessageSchema>;
