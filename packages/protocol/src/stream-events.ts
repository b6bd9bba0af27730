import { z } from 'zod';
import { changeEventSchema, type ChangeEvent } from './change-event.js';
import { HEADERS } from './headers.js';
import { problemSchema } from './problem.js';
import { requestIdSchema } from './request.js';
import { parseJsonSafely } from './safe-json.js';
import { SynclineError } from './syncline-error.js';

/** The deepest JSON an event-stream `data:` line may nest (a record body and its envelope). */
const MAX_DEPTH = 64;

/** A change-log position in a header: a non-negative integer, as text. */
const positionHeaderSchema = z.string().regex(/^\d{1,15}$/, 'a change-log position');

/**
 * Members every answer event of a stream has: `subscription`, the subscription's short id on
 * this stream (its position among the stream's URIs, from 0; a request id, §3), and
 * `resource`, the URI it follows as requested.
 */
const streamSubscriptionShape = {
  subscription: requestIdSchema,
  resource: z.string().min(1).startsWith('/'),
};

/**
 * `event: snapshot`: the SUBSCRIBE answer (its `status`, `headers` with `syncline-seq`, and the
 * record or first page as `body`), first for each subscription of a stream.
 *
 * @example
 * { "subscription": 0, "resource": "/todos?list=01a2…", "status": 200, "headers": { "content-type": "application/json", "syncline-seq": "3" }, "body": { "items": [], "next": null } }
 */
export const snapshotStreamEventSchema = z.object({
  ...streamSubscriptionShape,
  status: z.literal(200),
  headers: z.object({ [HEADERS.seq]: positionHeaderSchema }).catchall(z.string()),
  body: z.unknown(),
});
export type SnapshotStreamEvent = z.infer<typeof snapshotStreamEventSchema>;

/**
 * `event: resumed`: the subscription resumes from `syncline-seq` (the stream's `Last-Event-ID`);
 * exactly the changes since follow. No body.
 *
 * @example
 * { "subscription": 1, "resource": "/lists", "status": 200, "headers": { "syncline-resume": "resumed", "syncline-seq": "4" } }
 */
export const resumedStreamEventSchema = z.object({
  ...streamSubscriptionShape,
  status: z.literal(200),
  headers: z.object({ [HEADERS.seq]: positionHeaderSchema, [HEADERS.resume]: z.literal('resumed') }).catchall(z.string()),
});
export type ResumedStreamEvent = z.infer<typeof resumedStreamEventSchema>;

/**
 * `event: reset`: the log no longer reaches back to `Last-Event-ID`; a `snapshot` carrying
 * `syncline-resume: reset` follows, to replace the copy with.
 *
 * @example
 * { "subscription": 0, "resource": "/lists" }
 */
export const resetStreamEventSchema = z.object(streamSubscriptionShape);
export type ResetStreamEvent = z.infer<typeof resetStreamEventSchema>;

/**
 * `event: error`: a subscription failed after the stream started (the change log could not be
 * read while it caught up); the stream ends after it, and a reconnection resumes.
 *
 * @example
 * { "subscription": 0, "resource": "/todos", "body": { "type": "urn:syncline:error:unavailable", "title": "Service unavailable", "status": 503, "code": "unavailable" } }
 */
export const errorStreamEventSchema = z.object({ ...streamSubscriptionShape, body: problemSchema });
export type ErrorStreamEvent = z.infer<typeof errorStreamEventSchema>;

/** The event types a stream carries, each with its `data:` schema (`change`: one socket change event per line). */
export const STREAM_EVENT_TYPES = ['snapshot', 'resumed', 'reset', 'change', 'error'] as const;

/** One event of a stream, parsed: its type and its data (`change`: every frame of one change, in order). */
export type StreamEvent =
  | { readonly type: 'snapshot'; readonly data: SnapshotStreamEvent }
  | { readonly type: 'resumed'; readonly data: ResumedStreamEvent }
  | { readonly type: 'reset'; readonly data: ResetStreamEvent }
  | { readonly type: 'change'; readonly data: readonly ChangeEvent[] }
  | { readonly type: 'error'; readonly data: ErrorStreamEvent };

function parseWith<T>(schema: z.ZodType<T>, type: string, line: string): T {
  const parsed = schema.safeParse(parseJsonSafely(line, { maxDepth: MAX_DEPTH }));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.map(String).join('.')}`;
  throw new SynclineError('invalid-frame', { detail: `A malformed ${type} event${where}: ${issue?.message ?? 'not an object'}.` });
}

/**
 * Parses one server-sent event of a Syncline event stream (protocol.md §10) by its type and
 * data (the `data:` lines joined by "\n"). Another type is left to newer servers: undefined.
 * Data that is not the type's shape throws `invalid-frame`.
 *
 * @example
 * parseStreamEvent('reset', '{"subscription":0,"resource":"/lists"}'); // { type: 'reset', data: { subscription: 0, resource: '/lists' } }
 */
export function parseStreamEvent(type: string, data: string): StreamEvent | undefined {
  switch (type) {
    case 'snapshot':
      return { type, data: parseWith(snapshotStreamEventSchema, type, data) };
    case 'resumed':
      return { type, data: parseWith(resumedStreamEventSchema, type, data) };
    case 'reset':
      return { type, data: parseWith(resetStreamEventSchema, type, data) };
    case 'error':
      return { type, data: parseWith(errorStreamEventSchema, type, data) };
    case 'change':
      // JSON never holds a raw line break, so each line is one frame.
      return { type, data: data.split('\n').map((line) => parseWith(changeEventSchema, type, line)) };
    default:
      return undefined;
  }
}
