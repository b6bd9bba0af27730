import { z } from 'zod';
import { changeEventSchema } from './change-event.js';
import { errorEventSchema } from './error-event.js';
import { heartbeatEventSchema } from './heartbeat-event.js';
import { helloEventSchema } from './hello-event.js';
import { presenceEventSchema } from './presence.js';
import { responseMessageSchema } from './response.js';

/** Server-initiated frames, told apart by `event`. */
export const eventSchema = z.discriminatedUnion('event', [helloEventSchema, heartbeatEventSchema, changeEventSchema, errorEventSchema, presenceEventSchema]);
export type Event = z.infer<typeof eventSchema>;

/** Everything a server sends: a response (has `status`) or an event (has `event`). */
export const downstreamSchema = z.union([responseMessageSchema, eventSchema]);
export type Downstream = z.infer<typeof downstreamSchema>;
