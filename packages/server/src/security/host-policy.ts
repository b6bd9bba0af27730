import { isIP } from 'node:net';

/**
 * Which `Host` values the server answers (DNS rebinding: a page on another site whose name
 * is made to resolve to this server sends its requests with its own name as `Host`). Always
 * allowed: no `Host`, IP literals, `localhost` and `*.localhost` (names that cannot be
 * rebound to), and the hosts of `origins`. Besides them, each entry of `allowed`: a host name
 * (`app.example.com`, any port), a name and port (`app.example.com:8443`), or every name
 * under a domain (`*.example.com`). `*` allows any `Host`.
 *
 * @example
 * const allowed = createHostPolicy({ allowed: ['app.example.com'], origins: [] });
 * allowed('app.example.com:3000'); // true
 * allowed('rebound.attacker.example'); // false
 */
export function createHostPolicy(options: { readonly allowed?: readonly string[] | undefined; readonly origins?: readonly string[] | undefined }): (host: string | undefined) => boolean {
  const entries = [...(options.allowed ?? [])].map((entry) => entry.trim().toLowerCase());
  if (entries.includes('*')) return () => true;
  for (const origin of options.origins ?? []) {
    if (origin === '*') continue;
    try {
      entries.push(new URL(origin).host.toLowerCase());
    } catch {
      // Validated at start; nothing to add.
    }
  }
  return (host) => {
    if (host === undefined || host === '') return true;
    const parsed = parseHost(host);
    if (parsed === undefined) return false;
    const { name, port } = parsed;
    if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return true;
    return entries.some((entry) => {
      const at = entry.startsWith('[') ? entry.indexOf(']') + 1 : entry.lastIndexOf(':');
      const [entryName, entryPort] = at > 0 && entry[at] === ':' ? [entry.slice(0, at), entry.slice(at + 1)] : [entry, undefined];
      if (entryPort !== undefined && entryPort !== port) return false;
      return entryName.startsWith('*.') ? name.endsWith(entryName.slice(1)) : name === entryName;
    });
  };
}

/** A `Host` header's name (lower case, without a trailing dot or IPv6 brackets) and port; undefined when it is not one. */
function parseHost(host: string): { name: string; port: string | undefined } | undefined {
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i.exec(host.trim());
  if (match === null) return undefined;
  const name = (match[1] as string).toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return { name, port: match[2] };
}

/**
 * Whether an entry of `SYNCLINE_ALLOWED_HOSTS` is valid: `*`, a host name or IP literal with
 * an optional port, or `*.` before a domain.
 */
export function isValidHostEntry(entry: string): boolean {
  if (entry === '*') return true;
  return parseHost(entry.startsWith('*.') ? entry.slice(2) : entry) !== undefined;
}
