import type { ContextFactory } from '../context-factory.js';

/**
 * The one rule for which credential a request offers, read by every surface that finds a
 * caller (HTTP requests, WebSocket upgrades, event streams, the sign-in routes, an
 * application's own form posts):
 *
 * - with an `Authorization` header, of any scheme and even empty, the cookie does not
 *   authenticate the request: only a valid `Bearer` token does, and anything else is
 *   anonymous. A page of another site cannot set that header, so such a request is not
 *   checked for its origin, and must therefore not be carried by the browser's cookie;
 * - without one, the cookie authenticates, and unsafe requests carrying it pass the
 *   cross-site check first (`checkCrossSiteRequest`).
 *
 * @param headers lower-case request headers
 * @example
 * cookieAuthenticates({ cookie: 'syncline_session=…' }); // true
 * cookieAuthenticates({ cookie: 'syncline_session=…', authorization: 'Basic YTpi' }); // false
 */
export function cookieAuthenticates(headers: Readonly<Record<string, string | undefined>>): boolean {
  return headers['authorization'] === undefined;
}

/**
 * The headers a context factory may find a caller in: without `Cookie` when the request
 * carries `Authorization` ({@link cookieAuthenticates}), so that no factory, the built-in
 * one or an application's, can sign a request in by its cookie while the cross-site check
 * let it pass for its `Authorization`.
 *
 * @example
 * credentialHeaders({ cookie: 'a=b', authorization: '' }); // { authorization: '' }
 */
export function credentialHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
  if (cookieAuthenticates(headers) || headers['cookie'] === undefined) return headers;
  const { cookie: _ignored, ...rest } = headers;
  return rest;
}

/**
 * Wraps a context factory so it never sees the cookie of a request that carries
 * `Authorization` ({@link credentialHeaders}); the server wraps the one it is given.
 *
 * @example
 * const createContext = withCredentialRule(options.context ?? anonymousContext);
 */
export function withCredentialRule(factory: ContextFactory): ContextFactory {
  return (input) => factory({ ...input, headers: credentialHeaders(input.headers) });
}
