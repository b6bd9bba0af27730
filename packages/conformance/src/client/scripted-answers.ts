import { HEADERS, PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_PREFIX, type Headers } from '@syncline/protocol';
import { COLLECTION_URI, etagOf, type ScriptedFeed, type ScriptedRecord } from './scripted-records.js';

/** An answer as both surfaces give it (§5): status, lower-case headers, optional JSON body. */
export interface ScriptedAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body?: unknown;
}

/** A request as the scripted server saw it, from a socket frame or over HTTP. */
export interface ScriptedRequest {
  readonly method: string;
  /** The origin-relative URI, query included. */
  readonly resource: string;
  /** Lower-case names. */
  readonly headers: Headers;
  readonly body?: unknown;
  readonly via: 'socket' | 'http';
}

/** A case's own answer to a write, given the feed; the scripted server answers 405 to writes otherwise. */
export type WriteHandler = (request: ScriptedRequest, feed: ScriptedFeed) => ScriptedAnswer;

/** What a problem answer says (RFC 9457, docs/errors.md): its status, `code`, title and detail, and any headers beside. */
export interface ProblemSpec {
  readonly status: number;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly headers?: Headers;
}

/** A problem answer (RFC 9457, docs/errors.md) with `code`. */
export function problem({ status, code, title, detail, headers = {} }: ProblemSpec): ScriptedAnswer {
  return { status, headers: { ...headers, 'content-type': PROBLEM_CONTENT_TYPE }, body: { type: `${PROBLEM_TYPE_PREFIX}${code}`, title, status, code, detail } };
}

/** The GET answer of the collection (§4.5): every record, one page. */
export function collectionAnswer(feed: ScriptedFeed): ScriptedAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', etag: `"c${feed.head}"`, [HEADERS.seq]: String(feed.head) },
    body: { items: feed.snapshot(), next: null },
  };
}

/** The GET answer of one record (§4.3). */
export function recordAnswer(feed: ScriptedFeed, record: ScriptedRecord): ScriptedAnswer {
  return { status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache', etag: etagOf(record), [HEADERS.seq]: String(feed.head) }, body: record };
}

/**
 * Answers the requests the scripted server serves the same way on both surfaces: GET of the
 * collection and of its records, writes through the case's handler; 404 and 405 otherwise.
 * SUBSCRIBE and UNSUBSCRIBE are the socket's own and are answered there.
 */
export function answer(feed: ScriptedFeed, request: ScriptedRequest, write: WriteHandler | undefined): ScriptedAnswer {
  const path = request.resource.split('?')[0] ?? '';
  const prefix = `${COLLECTION_URI}/`;
  const id = path.startsWith(prefix) ? path.slice(prefix.length) : undefined;
  if (path !== COLLECTION_URI && (id === undefined || id === '' || id.includes('/'))) return problem({ status: 404, code: 'not-found', title: 'Not found', detail: `The scripted server serves ${COLLECTION_URI} only.` });
  if (request.method === 'GET' || request.method === 'HEAD') {
    if (id === undefined) return collectionAnswer(feed);
    const record = feed.get(id);
    return record === undefined ? problem({ status: 404, code: 'not-found', title: 'Not found', detail: `No record ${id}.` }) : recordAnswer(feed, record);
  }
  if (['POST', 'PUT', 'PATCH', 'DELETE'].includes(request.method) && write !== undefined) return write(request, feed);
  return problem({ status: 405, code: 'method-not-allowed', title: 'Method not allowed', detail: `This case does not expect ${request.method} ${path}.`, headers: { allow: 'GET, HEAD' } });
}
