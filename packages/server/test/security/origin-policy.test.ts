import { describe, expect, it } from 'vitest';
import { checkCrossSiteRequest, isOriginAllowed, isValidOriginEntry, normalizeOrigin } from '../../src/security/origin-policy.js';
import { createAddressCounter } from '../../src/security/address-counter.js';
import { createTokenBucket } from '../../src/security/token-bucket.js';

describe('isOriginAllowed', () => {
  it('allows a request without Origin (a program, not a browser page)', () => {
    expect(isOriginAllowed(undefined, 'api.example.com', undefined)).toBe(true);
    expect(isOriginAllowed(undefined, undefined, [])).toBe(true);
  });

  it("allows the server's own origin: the Origin's host and port equal the Host header", () => {
    expect(isOriginAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', undefined)).toBe(true);
    expect(isOriginAllowed('https://App.Example.com', 'app.example.com', undefined)).toBe(true);
    expect(isOriginAllowed('https://app.example.com', 'app.example.com:443', undefined)).toBe(true);
    expect(isOriginAllowed('http://app.example.com', 'app.example.com:80', undefined)).toBe(true);
    expect(isOriginAllowed('http://[::1]:8080', '[::1]:8080', undefined)).toBe(true);
    // Behind a proxy that terminates TLS the request itself is not secure, and the page is https.
    expect(isOriginAllowed('https://app.example.com', 'app.example.com', undefined, false)).toBe(true);
  });

  it('refuses another host, another port, and a plain-HTTP page talking to a TLS request', () => {
    expect(isOriginAllowed('https://evil.example', 'app.example.com', undefined)).toBe(false);
    expect(isOriginAllowed('https://app.example.com.evil.example', 'app.example.com', undefined)).toBe(false);
    expect(isOriginAllowed('http://127.0.0.1:3001', '127.0.0.1:3000', undefined)).toBe(false);
    expect(isOriginAllowed('http://app.example.com', 'app.example.com:8080', undefined)).toBe(false);
    expect(isOriginAllowed('https://app.example.com', 'app.example.com:80', undefined)).toBe(false);
    expect(isOriginAllowed('http://app.example.com', 'app.example.com', undefined, true)).toBe(false);
    expect(isOriginAllowed('https://app.example.com', undefined, undefined)).toBe(false);
  });

  it('refuses Origin: null and anything that is not an http(s) origin', () => {
    for (const origin of ['null', '', 'file://', 'chrome-extension://abc', 'not a url', 'javascript:alert(1)']) {
      expect(isOriginAllowed(origin, 'app.example.com', ['https://app.example.com']), origin).toBe(false);
    }
  });

  it('allows the listed origins exactly (case, default port and trailing slash aside)', () => {
    const allowed = ['https://app.example.com', 'http://localhost:5173/'];
    expect(isOriginAllowed('https://app.example.com', 'api.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('https://APP.example.com:443', 'api.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('http://localhost:5173', 'api.example.com', allowed)).toBe(true);
    expect(isOriginAllowed('http://app.example.com', 'api.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://app.example.com:8443', 'api.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('https://sub.app.example.com', 'api.example.com', allowed)).toBe(false);
    expect(isOriginAllowed('http://localhost:5174', 'api.example.com', allowed)).toBe(false);
  });

  it('* allows any origin, even null', () => {
    expect(isOriginAllowed('https://anything.example', 'api.example.com', ['*'])).toBe(true);
    expect(isOriginAllowed('null', 'api.example.com', ['*'])).toBe(true);
  });
});

describe('origin entries', () => {
  it('normalizes origins and accepts only scheme://host[:port] or *', () => {
    expect(normalizeOrigin('HTTPS://App.Example.com:443/')).toBe('https://app.example.com');
    expect(normalizeOrigin('http://localhost:3000')).toBe('http://localhost:3000');
    expect(normalizeOrigin('null')).toBeUndefined();
    for (const good of ['*', 'https://app.example.com', 'http://localhost:3000', 'http://[::1]:8080', 'https://app.example.com/']) expect(isValidOriginEntry(good), good).toBe(true);
    for (const bad of ['', 'app.example.com', 'https://app.example.com/path', 'https://u:p@app.example.com', 'ftp://x', 'https://x?y', 'null', '**']) expect(isValidOriginEntry(bad), bad).toBe(false);
  });
});

describe('checkCrossSiteRequest', () => {
  const evil = { cookie: 's=1', origin: 'https://evil.example', host: 'app.example.com' };

  it('refuses an unsafe cookie request from a foreign origin with 403 forbidden', () => {
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE', 'post']) {
      expect(() => checkCrossSiteRequest(method, evil, undefined)).toThrow(expect.objectContaining({ code: 'forbidden', status: 403, detail: expect.stringMatching(/Cross-origin request refused/) }));
    }
  });

  it('lets safe methods, cookie-less and bearer-authenticated requests, and allowed origins through', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) expect(() => checkCrossSiteRequest(method, evil, undefined)).not.toThrow();
    expect(() => checkCrossSiteRequest('POST', { origin: evil.origin, host: evil.host }, undefined)).not.toThrow();
    expect(() => checkCrossSiteRequest('POST', { ...evil, authorization: 'Bearer t' }, undefined)).not.toThrow();
    expect(() => checkCrossSiteRequest('POST', evil, ['https://evil.example'])).not.toThrow();
    expect(() => checkCrossSiteRequest('POST', { ...evil, origin: 'https://app.example.com' }, undefined)).not.toThrow();
  });

  it('without Origin, refuses by Sec-Fetch-Site cross-site or same-site, and allows same-origin, none or no header', () => {
    const noOrigin = { cookie: 's=1', host: 'app.example.com' };
    for (const site of ['cross-site', 'same-site', 'Cross-Site']) expect(() => checkCrossSiteRequest('POST', { ...noOrigin, 'sec-fetch-site': site }, undefined)).toThrow(/Cross-origin/);
    for (const site of ['same-origin', 'none']) expect(() => checkCrossSiteRequest('POST', { ...noOrigin, 'sec-fetch-site': site }, undefined)).not.toThrow();
    expect(() => checkCrossSiteRequest('POST', noOrigin, undefined)).not.toThrow();
  });
});

describe('token bucket', () => {
  it('allows a burst, then the rate, and refills over time without passing the burst', () => {
    let now = 0;
    const bucket = createTokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
    expect(bucket.waitMs()).toBe(100);
    now += 100;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 10_000;
    expect([bucket.take(), bucket.take(), bucket.take(), bucket.take()]).toEqual([true, true, true, false]);
  });

  it('a clock set back neither refills nor drains it, and time counts again from there', () => {
    let now = 1_000_000;
    const bucket = createTokenBucket(10, 3, () => now);
    expect([bucket.take(), bucket.take()]).toEqual([true, true]);
    now -= 60_000;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
    now += 100;
    expect([bucket.take(), bucket.take()]).toEqual([true, false]);
  });
});

describe('address counter', () => {
  it('counts per address up to the ceiling, treats IPv4-mapped IPv6 as IPv4, and frees on release', () => {
    const counter = createAddressCounter(2);
    expect(counter.acquire('10.0.0.1')).toBe(true);
    expect(counter.acquire('::ffff:10.0.0.1')).toBe(true);
    expect(counter.acquire('10.0.0.1')).toBe(false);
    expect(counter.acquire('10.0.0.2')).toBe(true);
    counter.release('10.0.0.1');
    expect(counter.count('10.0.0.1')).toBe(1);
    expect(counter.acquire('10.0.0.1')).toBe(true);
    counter.release('10.0.0.1');
    counter.release('10.0.0.1');
    expect(counter.count('10.0.0.1')).toBe(0);
  });

  it('counts IPv6 connections by their /64, as every per-address limit does: a host cannot take a fresh address per connection', () => {
    const counter = createAddressCounter(2);
    expect(counter.acquire('2001:db8:1:2::a')).toBe(true);
    expect(counter.acquire('2001:DB8:1:2:ffff::1')).toBe(true);
    expect(counter.acquire('2001:db8:1:2:1:2:3:4')).toBe(false);
    expect(counter.acquire('2001:db8:1:3::a')).toBe(true);
    expect(counter.count('2001:db8:1:2::1')).toBe(2);
  });
});
