import { z } from 'zod';

/**
 * Downstream: sent every `heartbeatMs` so a client can tell a quiet server from a dead one
 * (browsers cannot see WebSocket ping frames). `seq` is the newest change-log position the server knows.
 *
 * @example
 * { "event": "heartbeat", "seq": 57 }
 */
export const heartbeatEventSchema = z.object({
  event: z.literal('heartbeat'),
  seq: z.number().int().nonnegative(),
});
export type HeartbeatEvent = z.infer<typeof heartbeatEventSchema>;
