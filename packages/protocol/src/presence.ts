import { z } from 'zod';
import { requestIdSchema } from './request.js';

/** The last path segment that names a resource's or a collection's presence: `/todos/42/presence`. */
export const PRESENCE_SEGMENT = 'presence';

/** The default bound on a presence entry's `data`, in bytes of its JSON (`SYNCLINE_PRESENCE_MAX_DATA_BYTES`). */
export const PRESENCE_DEFAULT_MAX_DATA_BYTES = 1024;

/**
 * What a member is doing: a short lower-case word (`viewing`, `editing`, `typing`). When a
 * user is present from several connections, `editing` wins over any other state, and any
 * state wins over `viewing` (protocol.md, "Presence").
 */
export const presenceStateSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a state is 1–32 characters of a–z, 0–9, _ and -, starting with a letter');
export type PresenceState = z.infer<typeof presenceStateSchema>;

/** Small application data about what a member is doing (`{"field": "title"}`); a JSON object. */
export const presenceDataSchema = z.record(z.string(), z.unknown());
export type PresenceData = z.infer<typeof presenceDataSchema>;

/**
 * Upstream body of `PUT <uri>/presence`: announces or updates this connection's presence.
 *
 * @example
 * { "state": "editing", "data": { "field": "title" } }
 */
export const presenceAnnounceSchema = z.strictObject({
  state: presenceStateSchema,
  data: presenceDataSchema.optional(),
});
export type PresenceAnnounce = z.infer<typeof presenceAnnounceSchema>;

/**
 * One member of a presence set: a signed-in user (counted once however many connections
 * they use), or an anonymous connection (`user: null` and its opaque `connection` id).
 * `state` and `data` are the member's combined state.
 *
 * @example
 * { "user": "ana", "name": "ana", "state": "editing", "data": { "field": "title" } }
 */
export const presenceMemberSchema = z.object({
  user: z.string().nullable(),
  connection: z.string().optional(),
  name: z.string().optional(),
  state: presenceStateSchema,
  data: presenceDataSchema,
});
export type PresenceMember = z.infer<typeof presenceMemberSchema>;

/**
 * The body of `GET <uri>/presence` and of a presence `SUBSCRIBE` answer: who is there now.
 *
 * @example
 * { "members": [{ "user": "ana", "state": "editing", "data": { "field": "title" } }] }
 */
export const presenceSetSchema = z.object({ members: z.array(presenceMemberSchema) });
export type PresenceSet = z.infer<typeof presenceSetSchema>;

export const presenceOpSchema = z.enum(['join', 'update', 'leave']);
export type PresenceOp = z.infer<typeof presenceOpSchema>;

/**
 * Downstream: a member joined, changed its combined state, or left. `subscription` is the
 * presence `SUBSCRIBE`'s id, `resource` the canonical presence URI. A `leave` carries the
 * member's last state.
 *
 * @example
 * { "event": "presence", "subscription": "p1", "resource": "/todos/0193…/presence", "op": "join", "member": { "user": "ana", "state": "editing", "data": { "field": "title" } } }
 */
export const presenceEventSchema = z.object({
  event: z.literal('presence'),
  subscription: requestIdSchema,
  resource: z.string(),
  op: presenceOpSchema,
  member: presenceMemberSchema,
});
export type PresenceEvent = z.infer<typeof presenceEventSchema>;

/**
 * The URI whose presence `uri` names (`/todos/42/presence` → `/todos/42`,
 * `/todos/presence?list=5` → `/todos?list=5`), or `undefined` when it is not a presence URI.
 *
 * @example
 * presenceTarget('/todos/presence?list=5'); // '/todos?list=5'
 */
export function presenceTarget(uri: string): string | undefined {
  const queryStart = uri.indexOf('?');
  const path = queryStart === -1 ? uri : uri.slice(0, queryStart);
  const segments = path.split('/');
  if (segments.length < 3 || segments.length > 4 || segments[segments.length - 1] !== PRESENCE_SEGMENT) return undefined;
  return path.slice(0, -(PRESENCE_SEGMENT.length + 1)) + (queryStart === -1 ? '' : uri.slice(queryStart));
}

/**
 * The presence URI of a record or collection URI.
 *
 * @example
 * presenceUri('/todos?list=5'); // '/todos/presence?list=5'
 */
export function presenceUri(target: string): string {
  const queryStart = target.indexOf('?');
  const path = queryStart === -1 ? target : target.slice(0, queryStart);
  return `${path}/${PRESENCE_SEGMENT}${queryStart === -1 ? '' : target.slice(queryStart)}`;
}
