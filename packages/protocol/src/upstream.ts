import { requestMessageSchema, type RequestMessage } from './request.js';

/** Everything a client sends: today, only requests. */
export const upstreamSchema = requestMessageSchema;
export type Upstream = RequestMessage;
