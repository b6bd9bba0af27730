import { collectionPageSchema, HEADERS, isSynclineError, problemSchema, SynclineError, type CollectionPage } from '@syncline/protocol';
import type { IncomingResponse } from './transport.js';

/** A JSON object, as records arrive on the wire. */
export type JsonRecord = Record<string, unknown>;

/**
 * Turns an error answer into the SynclineError its problem body describes (or a bare one
 * from the status when the body is not a problem), and passes a success through.
 *
 * @example
 * const ok = expectSuccess(await transport.request({ method: 'GET', resource: '/todos/1' }));
 */
export function expectSuccess(response: IncomingResponse): IncomingResponse {
  if (response.status < 400) return response;
  const problem = problemSchema.safeParse(response.body);
  if (problem.success) {
    const error = SynclineError.fromProblem(problem.data);
    // The answer's headers (the current `etag` on a 412, `retry-after`) help the caller.
    Object.assign(error.headers, response.headers);
    throw error;
  }
  throw new SynclineError(response.status >= 500 ? 'internal' : 'bad-request', { detail: `Unexpected status ${response.status}.`, headers: response.headers });
}

/**
 * `Retry-After` in seconds (RFC 9110 §10.2.3) as milliseconds, or undefined when the answer has
 * none (or an HTTP date, which Syncline never sends).
 *
 * @example
 * retryAfterMs({ status: 429, headers: { 'retry-after': '2' }, body: undefined }); // 2000
 */
export function retryAfterMs(response: IncomingResponse): number | undefined {
  const raw = response.headers['retry-after'];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) * 1000 : undefined;
}

/** The record in an answer's body, or a SynclineError when there is none. */
export function recordOf(response: IncomingResponse): JsonRecord {
  if (isRecord(response.body)) return response.body;
  throw new SynclineError('internal', { detail: `Expected a record in the ${response.status} answer.` });
}

/** The page in a collection answer's body (`collectionPageSchema`, protocol.md §4.5). */
export function pageOf(response: IncomingResponse): CollectionPage {
  const page = collectionPageSchema.safeParse(response.body);
  if (page.success) return page.data;
  throw new SynclineError('internal', { detail: `Expected a collection page in the ${response.status} answer.` });
}

/** The `syncline-seq` an answer reflects, if it carries one. */
export function seqOf(response: IncomingResponse): number | undefined {
  const raw = response.headers[HEADERS.seq];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

export function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Any failure as the one error type (a network error becomes `unavailable`). */
export function asSynclineError(error: unknown): SynclineError {
  return isSynclineError(error) ? error : new SynclineError('unavailable', { detail: String(error), cause: error });
}
