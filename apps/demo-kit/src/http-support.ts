/**
 * The demo apps' request helpers for their HTML pages and forms (Node only: never imported by
 * browser code): headers and caller of a request, the cross-site check, content negotiation,
 * reading a posted form, and the plain answers.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SynclineError } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import { answerUnreadBody, checkCrossSiteRequest, clientOf, secureResponse, negotiate, type Authenticator } from '@syncline/server';
import { sameOriginPath } from './redirect-target.js';

export { sameOriginPath };

/**
 * Node's request headers as the server's context factory takes them: lower-case names, one string each.
 *
 * @example
 * headersOf(req)['cookie']; // 'syncline_session=…'
 */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Whether the request came over TLS, to the server or to a trusted proxy (a session cookie is then `Secure`): `isSecure(req)`. */
export const isSecure = (req: IncomingMessage): boolean => clientOf(req).secure;

/**
 * The client's address, behind trusted proxies as the server's `trustProxy` says (the one
 * its per-address limits use): `clientAddress(req)`.
 */
export const clientAddress = (req: IncomingMessage): string | undefined => clientOf(req).address;

/**
 * Who is calling: the signed-in user of the request's session cookie (or bearer token), as
 * the JSON API and the socket find them too. A request with an `Authorization` header is
 * never signed in by its cookie: only a valid bearer token counts then.
 *
 * @example
 * (await contextOf(auth, req)).principal?.id; // 'ana'
 */
export function contextOf(auth: Authenticator, req: IncomingMessage): Promise<RequestContext> {
  return Promise.resolve(auth.context({ transport: 'http', headers: headersOf(req), remoteAddress: clientOf(req).address }));
}

/**
 * Whether a form post comes from a page of another site (CSRF), by the server's own policy
 * (`checkCrossSiteRequest`, the same check as its JSON API's): a cookie-carrying post whose
 * `Origin` is neither this server's nor in the allowed `origins` (`SYNCLINE_ORIGINS`), or,
 * without `Origin`, whose `Sec-Fetch-Site` is `cross-site` or `same-site`. The form's CSRF
 * token is checked as well, after this.
 *
 * Unlike the JSON API, a form post is checked even when it carries `Authorization`: forms
 * are posted by browsers, which send remembered Basic credentials as readily as cookies,
 * and a cross-site post must not even clear the session cookie.
 *
 * @example
 * isCrossSite(req, []); // true for a post from https://evil.example carrying the session cookie
 */
export function isCrossSite(req: IncomingMessage, origins: readonly string[] | undefined): boolean {
  try {
    const { authorization: _ambient, ...headers } = headersOf(req);
    checkCrossSiteRequest(req.method ?? 'POST', headers, origins, isSecure(req));
    return false;
  } catch (error) {
    if ((error as { status?: unknown }).status === 403) return true;
    throw error;
  }
}

/**
 * Whether `Accept` prefers `text/html` to `application/json`, as `negotiate(accept,
 * ['application/json', 'text/html'])` decides it: only a strictly higher quality picks HTML,
 * so no `Accept`, `*\/*` and ties all stay JSON (programs see no change).
 *
 * @example
 * prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*\/*;q=0.8'); // true
 * prefersHtml('*\/*'); // false
 */
export const prefersHtml = (accept: string | undefined): boolean => negotiate(accept, ['application/json', 'text/html']) === 'text/html';

/** Whether the body is a posted HTML form (`isForm(req)`). */
export const isForm = (req: IncomingMessage): boolean => req.headers['content-type']?.split(';')[0]?.trim().toLowerCase() === 'application/x-www-form-urlencoded';

const MAX_FORM_BYTES = 64 * 1024;

/**
 * Reads a posted form; more than 64 KiB is refused: the promise rejects with a
 * `SynclineError` `payload-too-large` (413), for the caller's error handler to answer.
 *
 * @example
 * (await readForm(req)).get('choice'); // '2'
 */
export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let text = '';
    req.setEncoding('utf8');
    const collect = (chunk: string): void => {
      text += chunk;
      if (text.length <= MAX_FORM_BYTES) return;
      // Keep nothing more: the 413's lingering close discards the rest (failRequest).
      req.off('data', collect);
      text = '';
      reject(new SynclineError('payload-too-large', { detail: 'This form is too large.' }));
    };
    req.on('data', collect);
    req.on('end', () => resolve(new URLSearchParams(text)));
    req.on('error', reject);
  });
}

/**
 * The headers of the demo's answers. Every answer: no type sniffing (a script or stylesheet
 * is only ever what it says), no framing (clickjacking), only the origin in `Referer` to
 * other sites. Pages besides: a Content-Security-Policy that runs only this site's own
 * scripts (the page data is a JSON block, which is never run) and connects only to it (its
 * socket and streams). Inline `style` attributes stay allowed: the polls' result bars set
 * their width in the markup, and a style cannot run code.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "frame-ancestors 'none'",
};
/** {@link SECURITY_HEADERS} with the policy of a page. */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** What {@link send} answers: a status, a body of this content type, and headers to add. */
export interface SentAnswer {
  readonly status: number;
  /** The `Content-Type`, `text/html; charset=utf-8` for a page. */
  readonly type: string;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

/**
 * Answers with a body of this type, with {@link SECURITY_HEADERS} ({@link PAGE_SECURITY_HEADERS} for HTML);
 * to a request with a cookie or `Authorization`, a `private` cache policy.
 *
 * @example
 * send(res, { status: 404, type: 'text/plain; charset=utf-8', body: 'Not found' });
 */
export function send(res: ServerResponse, sent: SentAnswer): void {
  const { status, type, body, headers = {} } = sent;
  const security = type.startsWith('text/html') ? PAGE_SECURITY_HEADERS : SECURITY_HEADERS;
  // A signed-in user's answer is theirs: `private` (secureResponse), as the API's are.
  const answer = secureResponse(res.req, { status, headers: { ...security, 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers } });
  // Answered before the body it came with was read (a 405, a cross-site form): discard the rest
  // before closing, or a client still sending gets a reset instead of this answer.
  if (hasUnreadBody(res.req)) return answerUnreadBody(res.req, res, { status, headers: answer.headers, body });
  res.writeHead(status, answer.headers);
  res.end(body);
}

/** Whether a request declares a body (a length or chunks) that has not been read to its end. */
function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete || req.readableEnded) return false;
  return Number(req.headers['content-length'] ?? '0') > 0 || req.headers['transfer-encoding'] !== undefined;
}

/**
 * 303: the browser follows with a GET, so reloading never re-posts the form (RFC 9110 §15.4.4).
 * Not cached; `headers` (a `Set-Cookie`, say) are added. `location` goes through
 * {@link sameOriginPath}: a target off this site becomes `/`.
 *
 * @example
 * redirect(res, '/polls/42');
 * redirect(res, '/sign-in', { 'set-cookie': cookie });
 */
export function redirect(res: ServerResponse, location: string, headers: Record<string, string> = {}): void {
  // Every redirect of the pages is to a path of this site; this also keeps the header writable whatever the target holds.
  res.writeHead(303, { ...SECURITY_HEADERS, location: sameOriginPath(location), 'content-length': '0', 'cache-control': 'no-store', ...headers });
  res.end();
}

/**
 * Answers a page or form request that failed: a client error (`SynclineError` with a 4xx
 * status, e.g. a form over the size limit: 413, answered with a lingering close so a browser
 * still sending the form reads it) gets its status and detail as text; anything
 * else is reported and gets 500 without details. A response already started is cut off.
 *
 * @example
 * serve(req, res).catch((error) => failRequest(res, error, (e) => reportError(e, `${req.method} ${req.url}`)));
 */
export function failRequest(res: ServerResponse, error: unknown, report: (error: unknown) => void): void {
  const refused = error instanceof SynclineError && error.status < 500;
  if (!refused) report(error);
  if (res.headersSent) return void res.destroy();
  // A body left unread (413) is answered so that a client still sending it can read the answer.
  if (refused && error.status === 413) return answerUnreadBody(res.req, res, { status: 413, headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' }, body: error.message });
  if (refused) send(res, { status: error.status, type: 'text/plain; charset=utf-8', body: error.message, headers: { 'cache-control': 'no-store' } });
  else send(res, { status: 500, type: 'text/plain; charset=utf-8', body: 'The server failed to answer; the error was logged.', headers: { 'cache-control': 'no-store' } });
}
