import { z } from 'zod';
import { capabilitiesSchema } from './capabilities.js';
import { protocolRangeSchema } from './version.js';

/**
 * Downstream: the first frame on every connection.
 *
 * @example
 * { "event": "hello", "protocol": { "version": "1.0", "min": "1.0", "max": "1.0" }, "capabilities": ["reconcile", "presence", "idempotency", "event-streams"], "heartbeatMs": 25000, "seq": 41 }
 */
export const helloEventSchema = z.object({
  event: z.literal('hello'),
  /** The version this connection speaks and the range the server speaks. */
  protocol: protocolRangeSchema,
  /** What the server offers; a client decides from it instead of probing. Unknown names are kept and ignored. */
  capabilities: capabilitiesSchema,
  /** The server sends a heartbeat at least this often; a client that hears nothing for twice as long may reconnect. */
  heartbeatMs: z.number().int().positive(),
  /** The change-log position when the connection opened. */
  seq: z.number().int().nonnegative(),
});
export type HelloEvent = z.infer<typeof helloEventSchema>;
