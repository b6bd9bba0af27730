import { SynclineError } from '@syncline/protocol';
import { cookieAuthenticates } from './request-credentials.js';

const DEFAULT_PORTS: Readonly<Record<string, string>> = { 'http:': '80', 'https:': '443', 'ws:': '80', 'wss:': '443' };

/** Methods that change state: the ones a cross-site form or script must not send with the user's cookie. */
const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface ParsedOrigin {
  readonly scheme: string;
  readonly hostname: string;
  readonly port: string;
}

function parseOrigin(origin: string): ParsedOrigin | undefined {
  let url: URL;
  try {
    url = new URL(origin.trim());
  } catch {
    return undefined;
  }
  if (url.hostname === '' || !(url.protocol in DEFAULT_PORTS)) return undefined;
  return { scheme: url.protocol, hostname: url.hostname.toLowerCase(), port: url.port || (DEFAULT_PORTS[url.protocol] as string) };
}

/** `scheme://host[:port]`, lower case, without a default port or a trailing slash; undefined when it is not an origin. */
export function normalizeOrigin(origin: string): string | undefined {
  const parsed = parseOrigin(origin);
  if (parsed === undefined) return undefined;
  const port = parsed.port === DEFAULT_PORTS[parsed.scheme] ? '' : `:${parsed.port}`;
  return `${parsed.scheme}//${parsed.hostname}${port}`;
}

/**
 * Whether an entry of an origins list is valid: `*`, or an origin such as
 * `https://app.example.com` or `http://localhost:3000` (a scheme, a host and an optional
 * port; no path, query or credentials).
 */
export function isValidOriginEntry(entry: string): boolean {
  if (entry === '*') return true;
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return false;
  }
  if (!(url.protocol === 'http:' || url.protocol === 'https:') || url.hostname === '') return false;
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') return false;
  return url.pathname === '/';
}

/** Whether the Origin names the host the request was sent to (its `Host` header). */
function isSameOrigin(origin: ParsedOrigin, host: string | undefined, secureHint: boolean | undefined): boolean {
  if (host === undefined || host.trim() === '') return false;
  // A request that arrived over TLS was not sent by a page served over plain HTTP.
  if (secureHint === true && origin.scheme === 'http:') return false;
  let target: URL;
  try {
    target = new URL(`${origin.scheme}//${host.trim()}`);
  } catch {
    return false;
  }
  // A Host without a port carries the default port of the scheme the page used (also behind a TLS-terminating proxy).
  const port = target.port || (DEFAULT_PORTS[origin.scheme] as string);
  return target.hostname.toLowerCase() === origin.hostname && port === origin.port;
}

/**
 * Whether a request's `Origin` may use this server: no `Origin` (a program, not a browser
 * page), the server's own origin (the `Origin`'s host and port equal the `Host` header), an
 * origin in the allow-list, or any origin when the list holds `*`. Everything else is
 * refused, including `Origin: null`.
 *
 * `secureHint` tells whether the request came over TLS; when true, an `http:` origin is not
 * the server's own.
 *
 * @example
 * isOriginAllowed('https://app.example.com', 'api.example.com', ['https://app.example.com']); // true
 * isOriginAllowed('https://evil.example', 'api.example.com', []); // false
 */
export function isOriginAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | undefined, secureHint?: boolean): boolean {
  if (origin === undefined) return true;
  if (allowed?.includes('*') === true) return true;
  const parsed = parseOrigin(origin);
  if (parsed === undefined) return false;
  if (isSameOrigin(parsed, host, secureHint)) return true;
  if (allowed === undefined || allowed.length === 0) return false;
  const normalized = normalizeOrigin(origin);
  return allowed.some((entry) => normalizeOrigin(entry) === normalized);
}

/**
 * Refuses a cross-site request that a browser sent with the user's cookie (CSRF): an
 * unsafe method (POST, PUT, PATCH, DELETE) that carries a `Cookie` and no `Authorization`,
 * whose `Origin` is not allowed by {@link isOriginAllowed}, or, without an `Origin`, whose
 * `Sec-Fetch-Site` is `cross-site` or `same-site`. Throws `forbidden` (403); returns
 * otherwise. Safe methods, requests without a cookie and requests with an `Authorization`
 * header pass: a cross-site page cannot set that header, and with it the cookie does not
 * authenticate the request (`cookieAuthenticates`: only a valid bearer token does).
 *
 * Host applications that answer form posts themselves call it before acting on one.
 *
 * @param headers lower-case request headers
 * @example
 * checkCrossSiteRequest('POST', { cookie: 'syncline_session=…', origin: 'https://evil.example', host: 'app.example.com' }, []); // throws 403
 */
export function checkCrossSiteRequest(method: string, headers: Readonly<Record<string, string | undefined>>, allowedOrigins: readonly string[] | undefined, secureHint?: boolean): void {
  if (!UNSAFE_METHODS.has(method.toUpperCase())) return;
  if (headers['cookie'] === undefined || !cookieAuthenticates(headers)) return;
  const origin = headers['origin'];
  if (origin !== undefined) {
    if (isOriginAllowed(origin, headers['host'], allowedOrigins, secureHint)) return;
    throw new SynclineError('forbidden', { detail: `Cross-origin request refused: ${method.toUpperCase()} with a cookie from origin ${JSON.stringify(origin)}, which this server does not allow.` });
  }
  const site = headers['sec-fetch-site']?.trim().toLowerCase();
  if (site === 'cross-site' || site === 'same-site') {
    throw new SynclineError('forbidden', { detail: `Cross-origin request refused: ${method.toUpperCase()} with a cookie from a ${site} page.` });
  }
}
