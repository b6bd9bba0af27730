import type { IncomingMessage, ServerResponse } from 'node:http';
import { SynclineError } from '@syncline/protocol';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { HttpRequest, HttpResponse } from './http-handler.js';

export interface NodeListenerOptions {
  readonly handle: (request: HttpRequest) => Promise<HttpResponse>;
  readonly maxBodyBytes: number;
  /** Whether a path belongs to Syncline (a defined resource); others go to `fallback`. */
  readonly owns: (path: string) => boolean;
  /** For paths Syncline does not own: the host application's handler. Without it they get 404. */
  readonly fallback?: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Server-sent event streams: the GETs they want are answered there, before any body is read. */
  readonly events?: { wants(req: IncomingMessage): boolean; serve(req: IncomingMessage, res: ServerResponse): void } | undefined;
  readonly reportError: (error: unknown, where: string) => void;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > limit) {
        req.removeAllListeners('data');
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(size === 0 ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, response: HttpResponse, close: boolean): void {
  if (res.headersSent || res.destroyed) return;
  const headers: Record<string, string> = { ...response.headers };
  if (close) headers['connection'] = 'close';
  if (response.body !== undefined) headers['content-length'] = String(Buffer.byteLength(response.body));
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/**
 * Adapts the HTTP surface to Node's `http` server: reads the body under the size limit
 * (413 as soon as it is passed, without buffering the rest), answers, and hands paths
 * that are not resources to the host application.
 *
 * @example
 * http.createServer(createNodeListener({ handle, maxBodyBytes: 1 << 20, owns, reportError: console.error }));
 */
export function createNodeListener(options: NodeListenerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    if (options.events?.wants(req)) return options.events.serve(req, res);
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
        const secure = 'encrypted' in req.socket && req.socket.encrypted === true;
        const request: HttpRequest = { method: req.method ?? 'GET', url, headers: req.headers, remoteAddress: req.socket.remoteAddress, secure, ...(body ? { body } : {}) };
        send(res, await options.handle(request), false);
      },
      (error: unknown) => {
        const tooLarge = error instanceof BodyTooLarge;
        const outcome = errorOutcome(
          tooLarge ? new SynclineError('payload-too-large', { detail: `Bodies are limited to ${options.maxBodyBytes} bytes.` }) : new SynclineError('bad-request', { detail: 'The request body could not be read.' }),
          path,
          options.reportError,
        );
        // The rest of the body is not read: close the connection rather than drain it.
        send(res, { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) }, true);
        if (tooLarge) res.on('finish', () => req.destroy());
      },
    ).catch((error: unknown) => {
      options.reportError(error, 'http');
      if (!res.headersSent) send(res, { status: 500, headers: {} }, true);
    });
  };
}
