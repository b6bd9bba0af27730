import { z } from 'zod';
import { problemSchema } from './problem.js';

/**
 * Downstream: a frame-level error that cannot be tied to a request (a binary frame, a frame
 * too deep to read an id from). The connection stays open unless a close code follows.
 *
 * @example
 * { "event": "error", "body": { "type": "urn:syncline:error:invalid-frame", "title": "The frame is not a valid message", "status": 400, "code": "invalid-frame", "detail": "Binary frames are not supported." } }
 */
export const errorEventSchema = z.object({
  event: z.literal('error'),
  body: problemSchema,
});
export type ErrorEvent = z.infer<typeof errorEventSchema>;
