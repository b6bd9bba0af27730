import { methodSchema, parseJsonSafely, PROBLEM_CONTENT_TYPE, SynclineError } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import type { ContextFactory } from '../context-factory.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Executor } from '../pipeline/executor.js';
import { checkCrossSiteRequest } from '../security/origin-policy.js';
import type { WorkBudget } from '../security/work-budget.js';
import { negotiate } from './content-negotiation.js';

/** A request as the HTTP surface sees it, independent of Node's `http` module (tests call the handler with these). */
export interface HttpRequest {
  readonly method: string;
  /** Origin-relative: `/todos?done=false`. */
  readonly url: string;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body?: Uint8Array;
  readonly remoteAddress?: string | undefined;
  /** Whether the request came over TLS (the session cookie is then `Secure`). */
  readonly secure?: boolean;
}

export interface HttpResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  /** Serialized body; undefined for none. */
  readonly body?: string;
}

export interface HttpHandlerOptions {
  readonly executor: Executor;
  readonly createContext: ContextFactory;
  readonly maxBodyBytes: number;
  readonly maxJsonDepth: number;
  /** Origins besides the server's own that may send cookie-carrying unsafe requests (`*`: any); others get 403. */
  readonly origins?: readonly string[] | undefined;
  readonly reportError: (error: unknown, where: string) => void;
  /** Reconcile entries per user and per client address (the request's `charge`). */
  readonly reconcileBudget?: WorkBudget | undefined;
}

const JSON_BODY = /^application\/(?:[\w.+-]+\+)?json$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Lower-cases names and joins repeated headers with ", " (RFC 9110 §5.3). */
export function normalizeHeaders(headers: HttpRequest['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return result;
}

function decodeBody(body: Uint8Array | undefined, headers: Record<string, string>, options: HttpHandlerOptions): unknown {
  if (body === undefined || body.byteLength === 0) return undefined;
  if (body.byteLength > options.maxBodyBytes) {
    throw new SynclineError('payload-too-large', { detail: `Bodies are limited to ${options.maxBodyBytes} bytes.` });
  }
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type === undefined || !JSON_BODY.test(type)) {
    throw new SynclineError('unsupported-media-type', { detail: 'Bodies must be JSON (application/json or a +json type).' });
  }
  let text: string;
  try {
    text = utf8.decode(body);
  } catch (error) {
    throw new SynclineError('invalid-json', { detail: 'The body is not valid UTF-8.', cause: error });
  }
  return parseJsonSafely(text, { maxDepth: options.maxJsonDepth });
}

function serialize(outcome: Outcome): HttpResponse {
  if (outcome.body === undefined) return { status: outcome.status, headers: outcome.headers };
  return { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) };
}

/**
 * The HTTP surface as a function from request to response: decode, negotiate, build an
 * Operation, run the shared executor, encode.
 *
 * @example
 * const response = await handle({ method: 'GET', url: '/todos', headers: { accept: 'application/json' } });
 */
export function createHttpHandler(options: HttpHandlerOptions): (request: HttpRequest) => Promise<HttpResponse> {
  return async (request) => {
    const headers = normalizeHeaders(request.headers);
    const path = request.url.split('?')[0];
    try {
      const method = methodSchema.safeParse(request.method.toUpperCase());
      if (!method.success || method.data === 'SUBSCRIBE' || method.data === 'UNSUBSCRIBE') {
        const allow = options.executor.allow(request.url);
        throw new SynclineError(allow === undefined ? 'not-found' : 'method-not-allowed', {
          detail: allow === undefined ? `No resource at ${path}.` : `${request.method} is not an HTTP method Syncline serves.`,
          headers: allow === undefined ? {} : { allow },
        });
      }
      checkCrossSiteRequest(method.data, headers, options.origins, request.secure);
      if (negotiate(headers['accept'], ['application/json', PROBLEM_CONTENT_TYPE]) === undefined) {
        throw new SynclineError('not-acceptable', { detail: 'Resources are available as application/json.' });
      }
      const body = decodeBody(request.body, headers, options);
      const context: RequestContext = await options.createContext({ transport: 'http', headers, remoteAddress: request.remoteAddress });
      const budget = options.reconcileBudget;
      const holder = { address: request.remoteAddress, user: context.principal?.id };
      const op: Operation = { method: method.data, uri: request.url, headers, body, context, ...(budget ? { charge: (units: number) => budget.chargeFor(holder)(units) } : {}) };
      return serialize(await options.executor.execute(op));
    } catch (error) {
      return serialize(errorOutcome(error, path, options.reportError));
    }
  };
}
