import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { RequestContext } from '@syncline/schema';
import { checkCrossSiteRequest, type Authenticator } from '@syncline/server';

/** The cookie that carries the sign-in and sign-up forms' CSRF token, before there is a session. */
export const FORM_COOKIE = 'todo_form';
const FORM_TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** Node's request headers as the server's context factory takes them: lower-case names, one string each. */
export function headersOf(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Whether the request came over TLS (the session cookie is then `Secure`). */
export const isSecure = (req: IncomingMessage): boolean => (req.socket as Partial<TLSSocket>).encrypted === true;

/**
 * Who is calling: the signed-in user of the request's session cookie (or bearer token), as
 * the JSON API and the socket find them too.
 *
 * @example
 * const context = await contextOf(auth, req); // context.principal?.id === 'ana'
 */
export function contextOf(auth: Authenticator, req: IncomingMessage): Promise<RequestContext> {
  return Promise.resolve(auth.context({ transport: 'http', headers: headersOf(req), remoteAddress: req.socket.remoteAddress }));
}

/**
 * Whether a form post comes from a page of another site (CSRF), by the server's own policy
 * (`checkCrossSiteRequest`, the same check as its JSON API's): a cookie-carrying post whose
 * `Origin` is neither this server's nor in the allowed `origins` (`SYNCLINE_ORIGINS`), or,
 * without `Origin`, whose `Sec-Fetch-Site` is `cross-site` or `same-site`. The form's CSRF
 * token is checked as well, after this.
 *
 * @example
 * isCrossSite(req, []); // true for a post from https://evil.example carrying the session cookie
 */
export function isCrossSite(req: IncomingMessage, origins: readonly string[] | undefined): boolean {
  try {
    checkCrossSiteRequest(req.method ?? 'POST', headersOf(req), origins, isSecure(req));
    return false;
  } catch (error) {
    if ((error as { status?: unknown }).status === 403) return true;
    throw error;
  }
}

function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/**
 * The CSRF token of the sign-in and sign-up forms, which are posted before there is a session
 * (login CSRF): a random value in a cookie of its own that the form repeats (double submit).
 * Answers the token and, when it is new, the `Set-Cookie` that stores it.
 *
 * @example
 * const { token, setCookie } = formToken(req, false);
 */
export function formToken(req: IncomingMessage, secure: boolean): { token: string; setCookie?: string } {
  const existing = cookieOf(req, FORM_COOKIE);
  if (existing !== undefined && FORM_TOKEN.test(existing)) return { token: existing };
  const token = randomBytes(32).toString('base64url');
  return { token, setCookie: [`${FORM_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])].join('; ') };
}

/** Whether a pre-session form's `_csrf` field repeats its cookie. */
export function verifyFormToken(req: IncomingMessage, token: unknown): boolean {
  const expected = cookieOf(req, FORM_COOKIE);
  if (expected === undefined || !FORM_TOKEN.test(expected) || typeof token !== 'string' || token.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(token), Buffer.from(expected));
}
