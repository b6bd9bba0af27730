import { isIPv4, isIPv6 } from 'node:net';

/**
 * The key that per-address limits count a client address under. An IPv4 address is itself
 * (also when it arrives mapped into IPv6, `::ffff:10.0.0.1`); an IPv6 address counts as its
 * /64, because one host or home router is routinely given a whole /64 and could otherwise
 * take a fresh address for every request (RFC 4291 §2.5.4, RFC 8981). Anything else, and a
 * missing address, is one shared key.
 *
 * @example
 * addressGroup('2001:db8:1:2:aaaa::1'); // '2001:db8:1:2::/64'
 * addressGroup('::ffff:127.0.0.2');      // '127.0.0.2'
 */
export function addressGroup(address: string | undefined): string {
  if (address === undefined || address === '') return 'unknown';
  const bare = address.trim().toLowerCase().replace(/%.*$/, '');
  if (isIPv4(bare)) return bare;
  if (!isIPv6(bare)) return 'unknown';
  const groups = expandIPv6(bare);
  const mapped = groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff;
  if (mapped) return [groups[6]! >> 8, groups[6]! & 0xff, groups[7]! >> 8, groups[7]! & 0xff].join('.');
  return `${groups.slice(0, 4).map((group) => group.toString(16)).join(':')}::/64`;
}

/** The eight 16-bit groups of a valid IPv6 address (with `::` and a dotted IPv4 tail expanded). */
function expandIPv6(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const start = parse(head);
  const end = tail === undefined ? [] : parse(tail);
  return [...start, ...new Array<number>(8 - start.length - end.length).fill(0), ...end];
}
