import type { IncomingMessage, ServerResponse } from 'node:http';
import { SynclineError } from '@syncline/protocol';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { ClientInfo, ProxyTrust } from '../security/proxy-trust.js';
import { negotiate } from './content-negotiation.js';
import type { HttpResponse } from './http-handler.js';
import { SECURITY_HEADERS } from './security-headers.js';

/** Each request's client, worked out once where it entered a Syncline server. */
const clients = new WeakMap<IncomingMessage, ClientInfo>();

const peerOf = (req: IncomingMessage): ClientInfo => ({ address: req.socket.remoteAddress, secure: 'encrypted' in req.socket && req.socket.encrypted === true });

/**
 * Who sent a request: its client's address and whether it came over TLS, behind trusted
 * proxies as the server's `trustProxy` setting says (`X-Forwarded-For`,
 * `X-Forwarded-Proto`); for a request that did not go through a Syncline server, its TCP
 * peer. Pages and forms served beside Syncline use it for their per-address limits and
 * `Secure` cookies, so they see what the API sees.
 *
 * @example
 * clientOf(req).address; // '203.0.113.9' behind a trusted proxy
 */
export function clientOf(req: IncomingMessage): ClientInfo {
  return clients.get(req) ?? peerOf(req);
}

/** What a request must pass where it enters the server, before any handler sees it. */
export interface RequestEntryOptions {
  readonly trust: ProxyTrust;
  /** Whether the server answers this `Host` (DNS rebinding). */
  readonly hostAllowed: (host: string | undefined) => boolean;
  readonly reportError: (error: unknown, where: string) => void;
}

/**
 * Where every HTTP request enters: records its client ({@link clientOf}) and refuses a `Host`
 * that is not allowed with 421 Misdirected Request (RFC 9110 §15.5.20): problem+json, or a
 * short page for a browser. Answers whether the request may go on.
 */
export function createRequestEntry(options: RequestEntryOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    if (!clients.has(req)) clients.set(req, options.trust({ peer: req.socket.remoteAddress, encrypted: peerOf(req).secure, headers: req.headers }));
    if (options.hostAllowed(req.headers.host)) return true;
    const answer = misdirected(req.headers.accept, (req.url ?? '/').split('?')[0] ?? '/', options.reportError);
    res.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(answer.body)), connection: 'close' });
    res.end(answer.body);
    return false;
  };
}

/** The 421 answer to a `Host` the server does not answer: problem+json, or a short page for a browser. */
export function misdirected(accept: string | undefined, path: string, reportError: (error: unknown, where: string) => void): HttpResponse & { readonly body: string } {
  const error = new SynclineError('misdirected-request', { detail: 'This server does not answer for that host name.' });
  const page = negotiate(accept, ['application/json', 'text/html']) === 'text/html';
  const outcome = errorOutcome(error, path, reportError);
  const body = page ? '<!doctype html>\n<title>Misdirected request</title>\n<p>This server does not answer for that host name.</p>\n' : JSON.stringify(outcome.body);
  const type = page ? 'text/html; charset=utf-8' : (outcome.headers['content-type'] ?? 'application/problem+json');
  return { status: 421, headers: { ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-store' }, body };
}
