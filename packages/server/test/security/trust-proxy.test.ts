import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import type { ContextInput, SynclineOptions } from '../../src/index.js';
import { createProxyTrust } from '../../src/index.js';
import { createTestSyncline } from '../support/fixtures.js';
import { createSignedInSyncline } from '../support/signed-in.js';
import { upgradeRequest } from './upgrade-request.js';

// Behind a TLS proxy, the client's address and scheme are what a trusted proxy forwarded, and
// only that: an X-Forwarded-For a client wrote itself is never believed.

/** Opens an event stream and answers its status (the stream is left to the server's close). */
function openStream(port: number, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/live/events?subscribe=%2Flists', headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      resolve(res.statusCode ?? 0);
      if (res.statusCode !== 200) res.resume();
    });
    req.on('error', reject);
    req.end();
  });
}

/** A server whose context factory records the address each request and upgrade was given. */
async function recordingSyncline(options: Partial<SynclineOptions>) {
  const seen: (string | undefined)[] = [];
  const app = await createTestSyncline({
    ...options,
    context: (input: ContextInput) => {
      seen.push(input.remoteAddress);
      return { transport: input.transport };
    },
  });
  return { app, seen };
}

describe('the client address behind proxies', () => {
  it('reads X-Forwarded-For from the right, passing over trusted proxies only', () => {
    const hops = createProxyTrust(1);
    const headers = { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' };
    expect(hops({ peer: '10.0.0.2', encrypted: false, headers }).address).toBe('203.0.113.9');
    const byAddress = createProxyTrust(['10.0.0.0/8', '::1']);
    expect(byAddress({ peer: '::ffff:10.0.0.2', encrypted: false, headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9, 10.1.2.3' } }).address).toBe('203.0.113.9');
    // The peer is not a trusted proxy: nothing it says is believed.
    expect(byAddress({ peer: '198.51.100.7', encrypted: false, headers: { ...headers, 'x-forwarded-proto': 'https' } })).toEqual({ address: '198.51.100.7', secure: false });
    // Every entry trusted: the left-most stands for the client.
    expect(byAddress({ peer: '10.0.0.2', encrypted: false, headers: { 'x-forwarded-for': '10.9.9.9' } }).address).toBe('10.9.9.9');
    // An entry that is not an address is not believed: the proxy that wrote it stands for the client.
    expect(hops({ peer: '10.0.0.2', encrypted: false, headers: { 'x-forwarded-for': 'unknown' } }).address).toBe('10.0.0.2');
    expect(createProxyTrust(false)({ peer: '10.0.0.2', encrypted: false, headers }).address).toBe('10.0.0.2');
  });

  it('without trust, a spoofed X-Forwarded-For is ignored on HTTP, upgrades and event streams', async () => {
    const { app, seen } = await recordingSyncline({ limits: { maxConnectionsPerAddress: 1 } });
    await using _app = app;
    const { port } = await app.listen(0, '127.0.0.1');
    await fetch(`http://127.0.0.1:${port}/lists`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
    const first = await upgradeRequest(port, { 'x-forwarded-for': '203.0.113.1' });
    expect(first.status).toBe(101);
    // Another forwarded address from the same peer is the same client: its limit is reached.
    expect((await upgradeRequest(port, { 'x-forwarded-for': '203.0.113.2' })).status).toBe(429);
    first.socket?.destroy();
    expect(await openStream(port, { 'x-forwarded-for': '203.0.113.3' })).toBe(200);
    expect(await openStream(port, { 'x-forwarded-for': '203.0.113.4' })).toBe(429);
    expect(seen.every((address) => address === '127.0.0.1')).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
  });

  it('with trust, limits key on the forwarded address: sockets and event streams per address', async () => {
    const { app, seen } = await recordingSyncline({ trustProxy: ['loopback'], limits: { maxConnectionsPerAddress: 1 } });
    await using _app = app;
    const { port } = await app.listen(0, '127.0.0.1');
    const a = await upgradeRequest(port, { 'x-forwarded-for': '203.0.113.1' });
    const b = await upgradeRequest(port, { 'x-forwarded-for': '6.6.6.6, 203.0.113.2' });
    expect([a.status, b.status]).toEqual([101, 101]);
    // The same client again (whatever it puts on the left) is at its limit.
    expect((await upgradeRequest(port, { 'x-forwarded-for': '6.6.6.7, 203.0.113.1' })).status).toBe(429);
    a.socket?.destroy();
    b.socket?.destroy();
    expect(await openStream(port, { 'x-forwarded-for': '203.0.113.3' })).toBe(200);
    expect(await openStream(port, { 'x-forwarded-for': '203.0.113.4' })).toBe(200);
    expect(await openStream(port, { 'x-forwarded-for': '203.0.113.3' })).toBe(429);
    await fetch(`http://127.0.0.1:${port}/lists`, { headers: { 'x-forwarded-for': '6.6.6.6, 203.0.113.9' } });
    expect(new Set(seen)).toEqual(new Set(['203.0.113.1', '203.0.113.2', '203.0.113.3', '203.0.113.4', '203.0.113.9']));
  });

  it('with trust, the sign-in limiter keys on the forwarded address', async () => {
    await using app = await createSignedInSyncline({ maxFailures: 1 }, { trustProxy: 1 });
    const { port } = await app.listen(0, '127.0.0.1');
    const signIn = (username: string, forwardedFor: string) =>
      fetch(`http://127.0.0.1:${port}/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: JSON.stringify({ username, password: 'wrong horse' }) });
    let status = 0;
    for (let i = 0; i < 40 && status !== 429; i++) status = (await signIn(`guess${i}`, '203.0.113.1')).status;
    expect(status).toBe(429);
    // Another client behind the same proxy is not refused for the first one's failures.
    expect((await signIn('someone', '203.0.113.2')).status).toBe(401);
  });

  it('X-Forwarded-Proto: https from a trusted proxy makes the session cookie Secure; from anyone else it does not', async () => {
    for (const [trustProxy, secure] of [[1, true], [false, false], [['10.0.0.0/8'], false]] as const) {
      await using app = await createSignedInSyncline({}, { trustProxy });
      const { port } = await app.listen(0, '127.0.0.1');
      const body = JSON.stringify({ username: 'ana', password: 'correct horse' });
      await fetch(`http://127.0.0.1:${port}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const signedIn = await fetch(`http://127.0.0.1:${port}/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.1' }, body });
      expect(signedIn.status).toBe(201);
      expect(/;\s*Secure/i.test(signedIn.headers.get('set-cookie') ?? ''), `trustProxy ${JSON.stringify(trustProxy)}`).toBe(secure);
    }
  });
});
