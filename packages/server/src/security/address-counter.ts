/** Open connections per client address, with a ceiling. */
export interface AddressCounter {
  /** Counts one more connection from `address`; false (and nothing counted) when it already has `max`. */
  acquire(address: string | undefined): boolean;
  /** Counts one fewer. */
  release(address: string | undefined): void;
  count(address: string | undefined): number;
}

/**
 * The key of an address: an IPv4 address mapped into IPv6 (`::ffff:10.0.0.1`) counts as the IPv4 one.
 * Every per-address limit keys on it, so they all agree on who one client is.
 *
 * @example
 * addressKey('::ffff:10.0.0.1'); // '10.0.0.1'
 */
export function addressKey(address: string | undefined): string {
  if (address === undefined) return '';
  return address.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
}

/**
 * Counts open connections by the address they come from (the TCP peer: behind a proxy,
 * every client shares the proxy's address).
 */
export function createAddressCounter(max: number): AddressCounter {
  const open = new Map<string, number>();
  return {
    acquire(address) {
      const key = addressKey(address);
      const count = open.get(key) ?? 0;
      if (count >= max) return false;
      open.set(key, count + 1);
      return true;
    },
    release(address) {
      const key = addressKey(address);
      const count = open.get(key) ?? 0;
      if (count <= 1) open.delete(key);
      else open.set(key, count - 1);
    },
    count: (address) => open.get(addressKey(address)) ?? 0,
  };
}
