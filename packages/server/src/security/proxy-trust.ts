import { BlockList, isIP } from 'node:net';

/**
 * Which proxies in front of the server are believed (`SYNCLINE_TRUST_PROXY`): `false` (none:
 * the default), a number of hops (that many proxies, the nearest first, each adds the address
 * it received from to `X-Forwarded-For`), or a list of proxy addresses and CIDR blocks
 * (`10.0.0.0/8`, `::1`, and `loopback` for 127.0.0.0/8 and ::1).
 */
export type TrustProxySetting = false | number | readonly string[];

/** Who sent a request, as far as the server can tell. */
export interface ClientInfo {
  /** The client's address: the TCP peer, or with trusted proxies the address the outermost of them received from. */
  readonly address: string | undefined;
  /** Whether the client's connection was TLS: the server's own, or a trusted proxy's `X-Forwarded-Proto: https`. */
  readonly secure: boolean;
}

/** The request's parts that tell where it came from. */
export interface ClientSource {
  readonly peer: string | undefined;
  /** Whether the server's own connection is TLS. */
  readonly encrypted: boolean;
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** Works out a request's {@link ClientInfo} under one {@link TrustProxySetting}. */
export type ProxyTrust = (source: ClientSource) => ClientInfo;

/** An address without its IPv4-in-IPv6 form (`::ffff:10.0.0.1` is `10.0.0.1`), its brackets or its port. */
function plainAddress(entry: string): string {
  let address = entry.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1] ?? address;
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

const lastValue = (value: string | readonly string[] | undefined): string | undefined => {
  const joined = typeof value === 'string' ? value : value?.join(',');
  return joined?.split(',').at(-1)?.trim();
};

/** Whether an entry of a proxy list is valid: an IP address, a CIDR block, or `loopback`. */
export function isValidProxyEntry(entry: string): boolean {
  if (entry === 'loopback') return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

function blockListOf(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    if (entry === 'loopback') {
      list.addSubnet('127.0.0.0', 8, 'ipv4');
      list.addAddress('::1', 'ipv6');
      continue;
    }
    const [address = '', prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}

/**
 * Works out who sent a request behind proxies, believing only what trusted proxies added.
 * `X-Forwarded-For` is read from the right (each proxy appends the address it received
 * from): the TCP peer and the entries after it are passed over while they are trusted
 * proxies (by count or by address), and the first that is not is the client, so an entry a
 * client wrote itself (always to the left) is never believed. `X-Forwarded-Proto` counts
 * only when the peer is a trusted proxy, and then its last value (the nearest proxy's).
 * Without trust, the peer and the server's own TLS are the answer, whatever the headers say.
 *
 * @example
 * const trust = createProxyTrust(1);
 * trust({ peer: '10.0.0.2', encrypted: false, headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9', 'x-forwarded-proto': 'https' } });
 * // { address: '203.0.113.9', secure: true }
 */
export function createProxyTrust(setting: TrustProxySetting): ProxyTrust {
  if (setting === false || setting === 0) return ({ peer, encrypted }) => ({ address: peer, secure: encrypted });
  const list = typeof setting === 'number' ? undefined : blockListOf(setting);
  const trusted = (address: string, hop: number): boolean => {
    if (typeof setting === 'number') return hop < setting;
    const family = isIP(address);
    return family !== 0 && (list as BlockList).check(address, family === 4 ? 'ipv4' : 'ipv6');
  };
  return ({ peer, encrypted, headers }) => {
    if (peer === undefined || !trusted(plainAddress(peer), 0)) return { address: peer, secure: encrypted };
    const forwarded = headers['x-forwarded-for'];
    const entries = (typeof forwarded === 'string' ? forwarded : (forwarded ?? []).join(',')).split(',').map(plainAddress).filter((entry) => entry !== '');
    const chain = [plainAddress(peer), ...entries.reverse()];
    let hop = 0;
    while (hop < chain.length - 1 && trusted(chain[hop] as string, hop)) hop++;
    // An entry that is not an address is not believed: the hop that reported it stands for the client.
    const address = isIP(chain[hop] as string) !== 0 ? chain[hop] : chain[hop - 1];
    return { address, secure: encrypted || lastValue(headers['x-forwarded-proto'])?.toLowerCase() === 'https' };
  };
}
