import type { HttpRequest, HttpResponse } from './http-handler.js';

/**
 * Headers every answer of Syncline's carries. Its answers are JSON, never a page: nothing in
 * them may run, load or be framed (`default-src 'none'`), a browser must not sniff them into
 * another type (a JSON body read as HTML), and a page that links elsewhere sends only its
 * origin. A host application's pages set their own policy (the demo's: `PAGE_SECURITY_HEADERS`
 * of its kit).
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'strict-origin-when-cross-origin',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/** Whether a request carries credentials a browser or a program sends on its own: a cookie or an `Authorization` header. */
function carriesCredentials(headers: HttpRequest['headers']): boolean {
  return Object.keys(headers).some((name) => {
    const lower = name.toLowerCase();
    return (lower === 'cookie' || lower === 'authorization') && headers[name] !== undefined;
  });
}

/**
 * Adds {@link SECURITY_HEADERS} to an answer (a header it already has is kept), and marks the
 * answer to a request that carries credentials (a cookie, a bearer token) `private`, so no
 * shared cache keeps one user's data for another: no `Cache-Control` becomes
 * `private, no-cache`; one without `private`, `public` or `no-store` gets `private` before it.
 * `no-cache` keeps ETags and 304s working (the browser stores and revalidates).
 *
 * @example
 * secureResponse({ method: 'GET', url: '/lists', headers: { cookie: 's=1' } }, { status: 200, headers: { 'cache-control': 'no-cache' } });
 * // headers: { 'cache-control': 'private, no-cache', 'x-content-type-options': 'nosniff', … }
 */
export function secureResponse(request: Pick<HttpRequest, 'headers'>, response: HttpResponse): HttpResponse {
  const headers: Record<string, string> = { ...SECURITY_HEADERS, ...response.headers };
  if (carriesCredentials(request.headers)) {
    const current = headers['cache-control'];
    if (current === undefined) headers['cache-control'] = 'private, no-cache';
    else if (!/(?:^|[\s,])(?:private|public|no-store)(?:$|[\s,=])/i.test(current)) headers['cache-control'] = `private, ${current}`;
  }
  return { ...response, headers };
}
