import { discoverySchema, DISCOVERY_PATH, parseJsonSafely, SynclineError, type Capability } from '@syncline/protocol';
import type { IncomingResponse, OutgoingRequest, Transport } from './transport.js';

/** The deepest JSON an answer may nest, as on the socket (a record body inside its envelope). */
const MAX_ANSWER_DEPTH = 64;

export interface HttpTransportOptions {
  /** The server's origin, e.g. `http://localhost:3000`. */
  readonly baseUrl: string;
  /** Default `globalThis.fetch`. */
  readonly fetch?: typeof fetch;
  /** Default 10 s. */
  readonly timeoutMs?: number;
  /** A bearer token sent as `Authorization` with each request. */
  readonly token?: () => string | undefined | Promise<string | undefined>;
}

/**
 * The same requests over HTTP with `fetch`: for `transport: 'http'`, or where sockets are
 * blocked. The answer has the shape of a socket response: lower-case headers, parsed body.
 *
 * @example
 * const http = createHttpTransport({ baseUrl: 'http://localhost:3000' });
 * const { status, body } = await http.request({ method: 'GET', resource: '/todos' });
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let discovered: Promise<readonly Capability[] | undefined> | undefined;
  // One `GET /_syncline` per transport: the answer is the same for every caller. An answer
  // that is not the document (a server older than 1.0: 404) is kept as "unknown"; a failed
  // request is asked again next time.
  const discover = async (): Promise<readonly Capability[] | undefined> => {
    try {
      const response = await fetchImpl(new URL(DISCOVERY_PATH, options.baseUrl), { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) });
      if (!response.ok) return undefined;
      const document = discoverySchema.safeParse(parseJsonSafely(await response.text(), { maxDepth: MAX_ANSWER_DEPTH }));
      return document.success ? document.data.capabilities : undefined;
    } catch {
      discovered = undefined;
      return undefined;
    }
  };
  return {
    capabilities: () => (discovered ??= discover()),
    async request(request: OutgoingRequest, requestOptions = {}): Promise<IncomingResponse> {
      if (request.method === 'SUBSCRIBE' || request.method === 'UNSUBSCRIBE') {
        throw new SynclineError('method-not-allowed', { detail: `${request.method} needs the socket transport.` });
      }
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...request.headers };
      const token = await options.token?.();
      if (token !== undefined) headers['authorization'] ??= `Bearer ${token}`;
      const init: RequestInit = { method: request.method, headers, signal: AbortSignal.timeout(requestOptions.timeoutMs ?? options.timeoutMs ?? 10_000) };
      if (request.body !== undefined) {
        headers['content-type'] ??= 'application/json';
        init.body = JSON.stringify(request.body);
      }
      let response: Response;
      try {
        response = await fetchImpl(new URL(request.resource, options.baseUrl), init);
      } catch (error) {
        throw new SynclineError('unavailable', { detail: `${request.method} ${request.resource} failed: ${String(error)}`, cause: error });
      }
      const answerHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => (answerHeaders[name.toLowerCase()] = value));
      const text = await response.text();
      const isJson = /[/+]json\b/.test(answerHeaders['content-type'] ?? '');
      return text !== '' && isJson ? { status: response.status, headers: answerHeaders, body: parseJsonSafely(text, { maxDepth: MAX_ANSWER_DEPTH }) } : { status: response.status, headers: answerHeaders };
    },
  };
}
