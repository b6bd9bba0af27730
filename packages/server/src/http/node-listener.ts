import type { IncomingMessage, ServerResponse } from 'node:http';
import { SynclineError } from '@syncline/protocol';
import type { EventSink, StreamRequest } from '../live/event-sink.js';
import { nodeEventSink } from '../live/node-event-sink.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { HttpRequest, HttpResponse } from './http-handler.js';
import { answerUnreadBody, type LingeringCloseOptions } from './lingering-close.js';
import { clientOf } from './request-entry.js';
import { SECURITY_HEADERS } from './security-headers.js';

export interface NodeListenerOptions {
  readonly handle: (request: HttpRequest) => Promise<HttpResponse>;
  readonly maxBodyBytes: number;
  /** How long and how much of a refused body is discarded after the 413, before the connection closes. */
  readonly lingering: LingeringCloseOptions;
  /** Whether a path belongs to Syncline (a defined resource); others go to `fallback`. */
  readonly owns: (path: string) => boolean;
  /** For paths Syncline does not own: the host application's handler. Without it they get 404. */
  readonly fallback?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Server-sent event streams: the GETs they want are answered there, before any body is read. */
  readonly events?: { wants(req: StreamRequest): boolean; serve(req: StreamRequest, sink: EventSink): void } | undefined;
  readonly reportError: (error: unknown, where: string) => void;
  /** Where a request enters (its client recorded, its `Host` checked); false when it was refused and answered. Default: every request goes on. */
  readonly admit?: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
}

class BodyTooLarge extends Error {}

/** Whether the request declares a body longer than `limit` (`Content-Length`). */
export function declaresTooLarge(req: IncomingMessage, limit: number): boolean {
  return Number(req.headers['content-length'] ?? '0') > limit;
}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  if (declaresTooLarge(req, limit)) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const collect = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > limit) {
        // Nothing more is kept: what follows is discarded by the 413's lingering close.
        req.off('data', collect);
        chunks.length = 0;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', collect);
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The 413 answer of a body over `maxBodyBytes` (problem+json), written before the body is read;
 * the connection then closes gracefully ({@link answerUnreadBody}).
 */
export function refuseTooLarge(req: IncomingMessage, res: ServerResponse, options: Pick<NodeListenerOptions, 'maxBodyBytes' | 'lingering' | 'reportError'>): void {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  const outcome = errorOutcome(new SynclineError('payload-too-large', { detail: `Bodies are limited to ${options.maxBodyBytes} bytes.` }), path, options.reportError);
  answerUnreadBody(req, res, { status: outcome.status, headers: { ...SECURITY_HEADERS, ...outcome.headers }, body: JSON.stringify(outcome.body) }, options.lingering);
}

function send(res: ServerResponse, response: HttpResponse, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...response.headers };
  if (close) headers['connection'] = 'close';
  if (response.body !== undefined) headers['content-length'] = String(Buffer.byteLength(response.body));
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/**
 * Adapts the HTTP surface to Node's `http` server: reads the body under the size limit
 * (413 as soon as it is passed, without buffering the rest, then a lingering close so the
 * client reads it), answers, and hands paths that are not resources to the host application.
 *
 * @example
 * http.createServer(createNodeListener({ handle, maxBodyBytes: 1 << 20, lingering: DEFAULT_LIMITS, owns, reportError: console.error }));
 */
export function createNodeListener(options: NodeListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (options.admit !== undefined && !options.admit(req, res)) return;
    if (options.events !== undefined && req.method === 'GET') {
      const stream: StreamRequest = { method: 'GET', url: req.url ?? '/', headers: req.headers, remoteAddress: clientOf(req).address };
      if (options.events.wants(stream)) return options.events.serve(stream, nodeEventSink(res, options.reportError));
    }
    const url = req.url ?? '/';
    const path = url.split('?')[0] ?? '/';
    if (!options.owns(path)) {
      if (options.fallback) return options.fallback(req, res);
      const outcome = errorOutcome(new SynclineError('not-found', { detail: `No resource at ${path}.` }), path, options.reportError);
      return send(res, { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) }, false);
    }
    res.on('error', (error) => options.reportError(error, 'http response'));
    readBody(req, options.maxBodyBytes).then(
      async (body) => {
        // Behind trusted proxies, the client's address and scheme as they forwarded them.
        const client = clientOf(req);
        const request: HttpRequest = { method: req.method ?? 'GET', url, headers: req.headers, remoteAddress: client.address, secure: client.secure, ...(body ? { body } : {}) };
        send(res, await options.handle(request), false);
      },
      (error: unknown) => {
        if (error instanceof BodyTooLarge) return refuseTooLarge(req, res, options);
        const outcome = errorOutcome(new SynclineError('bad-request', { detail: 'The request body could not be read.' }), path, options.reportError);
        send(res, { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) }, true);
      },
    ).catch((error: unknown) => {
      options.reportError(error, 'http');
      if (!res.headersSent) send(res, { status: 500, headers: {} }, true);
    });
  };
}
