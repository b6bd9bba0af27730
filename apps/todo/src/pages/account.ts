import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The cookie that carries the sign-in and sign-up forms' CSRF token, before there is a session. */
export const FORM_COOKIE = 'todo_form';
const FORM_TOKEN = /^[A-Za-z0-9_-]{43}$/;

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
