import { addressGroup } from './address-group.js';

/** Open connections per client address, with a ceiling. */
export interface AddressCounter {
  /** Counts one more connection from `address`; false (and nothing counted) when it already has `max`. */
  acquire(address: string | undefined): boolean;
  /** Counts one fewer. */
  release(address: string | undefined): void;
  count(address: string | undefined): number;
}

/**
 * Counts open connections by the address they come from, grouped as every per-address limit
 * groups them ({@link addressGroup}: IPv6 by /64). The address is the TCP peer, or behind a
 * trusted proxy the client it forwards.
 */
export function createAddressCounter(max: number): AddressCounter {
  const open = new Map<string, number>();
  return {
    acquire(address) {
      const key = addressGroup(address);
      const count = open.get(key) ?? 0;
      if (count >= max) return false;
      open.set(key, count + 1);
      return true;
    },
    release(address) {
      const key = addressGroup(address);
      const count = open.get(key) ?? 0;
      if (count <= 1) open.delete(key);
      else open.set(key, count - 1);
    },
    count: (address) => open.get(addressGroup(address)) ?? 0,
  };
}
