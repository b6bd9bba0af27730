import { describe, expect, it } from 'vitest';
import { addressGroup } from '../../src/security/address-group.js';

describe('the address a per-address limit counts', () => {
  it('groups IPv6 by /64, however the address is written', () => {
    const same = ['2001:db8:1:2::1', '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2:a:b:c:d', '2001:db8:1:2::9%eth0'];
    expect(new Set(same.map(addressGroup))).toEqual(new Set(['2001:db8:1:2::/64']));
    expect(addressGroup('2001:db8:1:3::1')).toBe('2001:db8:1:3::/64');
    expect(addressGroup('::1')).toBe('0:0:0:0::/64');
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address, in either notation', () => {
    expect(addressGroup('::ffff:127.0.0.2')).toBe('127.0.0.2');
    expect(addressGroup('::FFFF:7f00:2')).toBe('127.0.0.2');
    expect(addressGroup('127.0.0.2')).toBe('127.0.0.2');
  });

  it('puts anything else under one key', () => {
    expect(addressGroup(undefined)).toBe('unknown');
    expect(addressGroup('')).toBe('unknown');
    expect(addressGroup('not an address')).toBe('unknown');
  });
});
