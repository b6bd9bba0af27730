import { z } from 'zod';
import { SynclineError } from './syncline-error.js';

/** The query parameter of `<livePath>/events` that names one URI to follow, repeated for several (§10). */
export const STREAM_SUBSCRIBE_PARAM = 'subscribe';

/** One URI a stream follows: origin-relative (`/todos?list=…`), never `//host/…`. */
export const streamUriSchema = z
  .string()
  .startsWith('/', 'an origin-relative URI (/todos?list=…)')
  .refine((uri) => !uri.startsWith('//'), 'an origin-relative URI (/todos?list=…), not //host/…');

/**
 * Upstream, as the `subscribe` parameters of `<livePath>/events`: at least one URI, each once.
 * Each is named on the stream by its position in this list, from 0.
 *
 * @example
 * streamSubscribeListSchema.parse(['/todos?list=01a2…', '/lists']);
 */
export const streamSubscribeListSchema = z
  .array(streamUriSchema)
  .min(1, 'name at least one URI to follow: ?subscribe=<urlencoded uri>')
  .refine((uris) => new Set(uris).size === uris.length, 'each URI may be subscribed to once per stream');
export type StreamSubscribeList = z.infer<typeof streamSubscribeListSchema>;

/**
 * The URIs a `<livePath>/events` request names, in order; 400 `bad-request` when the list is not
 * {@link streamSubscribeListSchema}'s shape.
 *
 * @example
 * streamSubscriptionsOf(new URL('http://h/live/events?subscribe=%2Flists').searchParams); // ['/lists']
 */
export function streamSubscriptionsOf(params: URLSearchParams): string[] {
  const parsed = streamSubscribeListSchema.safeParse(params.getAll(STREAM_SUBSCRIBE_PARAM));
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const uri = issue?.path.length === 1 ? ` (${JSON.stringify(params.getAll(STREAM_SUBSCRIBE_PARAM)[Number(issue.path[0])])})` : '';
  throw new SynclineError('bad-request', { detail: `Subscribe: ${issue?.message ?? 'not a list of URIs'}${uri}.` });
}

/**
 * The path and query of an event stream following several URIs.
 *
 * @example
 * streamPath('/live', ['/lists', '/todos?list=5']); // '/live/events?subscribe=%2Flists&subscribe=%2Ftodos%3Flist%3D5'
 */
export function streamPath(livePath: string, uris: readonly string[]): string {
  const query = uris.map((uri) => `${STREAM_SUBSCRIBE_PARAM}=${encodeURIComponent(uri)}`).join('&');
  return `${livePath}/events?${query}`;
}
