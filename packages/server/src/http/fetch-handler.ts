import { SynclineError } from '@syncline/protocol';
import type { EventSink, StreamRequest } from '../live/event-sink.js';
import { responseEventSink } from '../live/response-event-sink.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { ProxyTrust } from '../security/proxy-trust.js';
import type { HttpRequest, HttpResponse } from './http-handler.js';
import { misdirected } from './request-entry.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** What a Fetch host knows of a request besides the `Request` itself. */
export interface FetchInfo {
  /** The TCP peer's address (Deno's `info.remoteAddr.hostname`, Bun's `server.requestIP(req)?.address`). */
  readonly remoteAddress?: string | undefined;
  /** Whether the connection is TLS. Default: whether the request's URL is `https:`. */
  readonly secure?: boolean | undefined;
}

export interface FetchHandlerOptions {
  /** The shared core every HTTP host calls. */
  readonly handle: (request: HttpRequest) => Promise<HttpResponse>;
  readonly maxBodyBytes: number;
  /** Whether a path belongs to Syncline; others are answered 404 (a host routes its own paths first). */
  readonly owns: (path: string) => boolean;
  readonly events: { wants(req: StreamRequest): boolean; serve(req: StreamRequest, sink: EventSink): void };
  readonly trust: ProxyTrust;
  readonly hostAllowed: (host: string | undefined) => boolean;
  readonly reportError: (error: unknown, where: string) => void;
}

class BodyTooLarge extends Error {}

/** Reads a body up to `limit` bytes; past it, stops reading (the rest is cancelled) and throws {@link BodyTooLarge}. */
async function readBody(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | undefined> {
  if (body === null) return undefined;
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLarge();
    }
    chunks.push(value);
  }
  if (size === 0) return undefined;
  if (chunks.length === 1) return chunks[0];
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

function toResponse(answer: HttpResponse): Response {
  return new Response(answer.body ?? null, { status: answer.status, headers: { ...SECURITY_HEADERS, ...answer.headers } });
}

function problem(error: SynclineError, path: string, reportError: FetchHandlerOptions['reportError']): Response {
  const outcome = errorOutcome(error, path, reportError);
  return toResponse({ status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) });
}

/**
 * The HTTP surface for any host that speaks Fetch (`Request` in, `Response` out): the same core
 * as Node's listener (`Host` check, discovery, sign-in routes, presence, resources, security
 * headers, the body limit on `Content-Length` and on the bytes read), and event streams as a
 * `Response` whose body stays open until either side ends it.
 *
 * @example
 * Deno.serve((request, info) => syncline.fetch(request, { remoteAddress: info.remoteAddr.hostname }));
 */
export function createFetchHandler(options: FetchHandlerOptions): (request: Request, info?: FetchInfo) => Promise<Response> {
  return async (request, info = {}) => {
    const url = new URL(request.url);
    const path = url.pathname;
    // Header names come lower-cased from `Headers`; repeated ones joined with ", ".
    const headers: Record<string, string> = {};
    for (const [name, value] of request.headers) headers[name] = value;
    headers['host'] ??= url.host;
    const client = options.trust({ peer: info.remoteAddress, encrypted: info.secure ?? url.protocol === 'https:', headers });
    if (!options.hostAllowed(headers['host'])) return toResponse(misdirected(headers['accept'], path, options.reportError));
    const target = `${path}${url.search}`;
    const method = request.method.toUpperCase();
    if (method === 'GET') {
      const stream: StreamRequest = { method, url: target, headers, remoteAddress: client.address };
      if (options.events.wants(stream)) {
        const { sink, response } = responseEventSink(request.signal);
        options.events.serve(stream, sink);
        return response;
      }
    }
    if (!options.owns(path)) return problem(new SynclineError('not-found', { detail: `No resource at ${path}.` }), path, options.reportError);
    const tooLarge = (): Response => problem(new SynclineError('payload-too-large', { detail: `Bodies are limited to ${options.maxBodyBytes} bytes.` }), path, options.reportError);
    if (Number(headers['content-length'] ?? '0') > options.maxBodyBytes) return tooLarge();
    let body: Uint8Array | undefined;
    try {
      body = await readBody(request.body, options.maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge();
      return problem(new SynclineError('bad-request', { detail: 'The request body could not be read.', cause: error }), path, options.reportError);
    }
    try {
      return toResponse(await options.handle({ method: request.method, url: target, headers, remoteAddress: client.address, secure: client.secure, ...(body ? { body } : {}) }));
    } catch (error) {
      options.reportError(error, 'http');
      return toResponse({ status: 500, headers: {} });
    }
  };
}
