/**
 * Where a page may send the browser: a path of this site. Shared by the server's pages and
 * the browser scripts (no Node API here).
 */

/** Any origin works as the base: only whether the target stays on it matters. */
const PATH_BASE = 'http://same-origin.invalid';

/**
 * A redirect target that stays on this site, written so it can go in a `Location` header:
 * a string that starts with one `/` and, resolved the way a browser resolves it, keeps this
 * origin, answered in the URL parser's serialization (non-ASCII and control characters
 * percent-encoded, dot segments resolved); anything else (another origin, `//host`,
 * `/\host`, a path that becomes `//host` once `/./` is resolved, not a string) is `/`.
 *
 * @example
 * sameOriginPath('/lists/ä?x=1'); // '/lists/%C3%A4?x=1'
 * sameOriginPath('//evil.example'); // '/'
 * sameOriginPath('/.//evil.example'); // '/'
 */
export function sameOriginPath(target: unknown): string {
  if (typeof target !== 'string' || !/^\/(?![/\\])/.test(target)) return '/';
  let url: URL;
  try {
    url = new URL(target, PATH_BASE);
  } catch {
    return '/';
  }
  const path = `${url.pathname}${url.search}${url.hash}`;
  // The parser drops tabs and newlines, so `/\t/host` is `//host`: check what it made, not what came in.
  if (url.origin !== PATH_BASE || !/^\/(?![/\\])[\x21-\x7e]*$/.test(path)) return '/';
  return path;
}
