import { z } from 'zod';

/**
 * Downstream: the first frame on every connection.
 *
 * @example
 * { "event": "hello", "protocol": 1, "heartbeatMs": 25000, "seq": 41 }
 */
export const helloEventSchema = z.object({
  event: z.literal('hello'),
  protocol: z.number().int().positive(),
  /** The server sends a heartbeat at least this often; a client that hears nothing for twice as long may reconnect. */
  heartbeatMs: z.number().int().positive(),
  /** The change-log position when the connection opened. */
  seq: z.number().int().nonnegative(),
});
export type HelloEvent = z.infer<typeof helloEventSchema>;
