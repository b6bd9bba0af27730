import { defineResource } from '@syncline/schema';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestSyncline, request, testResources } from '../support/fixtures.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { LiveClient } from '../support/live-client.js';
import { upgradeRequest } from './upgrade-request.js';

describe('limits per client address and per connection', () => {
  it('connections per address: past the limit the upgrade gets 429 with Retry-After; a closed socket frees its place', async () => {
    await using app = await createTestSyncline({ limits: { maxConnectionsPerAddress: 2 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const first = await LiveClient.connect(port);
    await using second = await LiveClient.connect(port);
    const refused = await upgradeRequest(port);
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toMatch(/^\d+$/);
    await expect(LiveClient.connect(port)).rejects.toThrow(/429/);
    expect(app.stats().connections).toBe(2);
    expect(second.socket.readyState).toBe(second.socket.OPEN);
    first.socket.close();
    await first.closed;
    await expect.poll(() => app.stats().connections).toBe(1);
    await using third = await LiveClient.connect(port);
    expect(third.socket.readyState).toBe(third.socket.OPEN);
    await expect(LiveClient.connect(port)).rejects.toThrow(/429/);
    expect(app.stats().connections).toBe(2);
  });

  it('message rate: requests past the burst get rate-limited answers and are not run; a client that keeps on is closed with 4429', async () => {
    // A clock that stands still: no token comes back while the test sends, however slow the machine.
    await using app = await createTestSyncline({ clock: createManualClock(), limits: { maxMessagesPerSecond: 1, messageBurst: 5, maxConsecutiveErrors: 3 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const client = await LiveClient.connect(port);
    for (let i = 1; i <= 5; i++) expect((await client.request('POST', '/lists', { id: i, body: { title: `list ${i}` } })).status).toBe(201);
    for (let i = 6; i <= 9; i++) client.socket.send(JSON.stringify({ id: i, method: 'POST', resource: '/lists', body: { title: `list ${i}` } }));
    expect((await client.closed).code).toBe(4429);
    const answers = new Map(client.frames.filter((f) => 'status' in f).map((f) => [f['id'], f]));
    for (let i = 6; i <= 8; i++) {
      const answer = answers.get(i);
      expect(answer?.['status'], `request ${i}`).toBe(429);
      expect(answer?.['body']).toMatchObject({ code: 'rate-limited', status: 429 });
      expect(answer?.['headers']['retry-after']).toMatch(/^\d+$/);
    }
    // The frame that passed the bound is not answered: the socket is closed instead.
    expect(answers.has(9)).toBe(false);
    const stored = await request(app, 'GET', '/lists');
    expect(stored.body.items.map((list: { title: string }) => list.title).sort()).toEqual(['list 1', 'list 2', 'list 3', 'list 4', 'list 5']);
  });

  it('message rate: a client that slows down after a rate-limited answer is served again, one request per refilled token', async () => {
    const clock = createManualClock();
    await using app = await createTestSyncline({ clock, limits: { maxMessagesPerSecond: 20, messageBurst: 2 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const burst = await Promise.all([1, 2, 3].map((id) => client.request('GET', '/lists', { id })));
    expect(burst.map((answer) => answer['status'])).toEqual([200, 200, 429]);
    // 20 a second: one token every 50 ms.
    await clock.advance(49);
    expect((await client.request('GET', '/lists', { id: 4 })).status).toBe(429);
    await clock.advance(1);
    expect((await client.request('GET', '/lists', { id: 5 })).status).toBe(200);
    expect((await client.request('GET', '/lists', { id: 6 })).status).toBe(429);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
  });

  it('requests in flight: one past the limit answers 429 at once; the others complete', async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const slow = defineResource({ name: 'slow', schema: z.object({ n: z.number() }), hooks: { beforeCreate: async () => gate } });
    await using app = await createTestSyncline({ resources: [...testResources, slow], limits: { maxInflight: 2 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const held = [1, 2].map((n) => client.request('POST', '/slow', { id: n, body: { n } }));
    const refused = await client.request('POST', '/slow', { id: 3, body: { n: 3 } });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate-limited' });
    expect(refused.body.detail).toMatch(/2 requests in flight/);
    open();
    expect((await Promise.all(held)).map((answer) => answer.status)).toEqual([201, 201]);
    expect((await client.request('POST', '/slow', { id: 3, body: { n: 3 } })).status).toBe(201);
  });

  it('subscriptions per connection: one past the limit answers 429; an UNSUBSCRIBE makes room', async () => {
    await using app = await createTestSyncline({ limits: { maxSubscriptions: 2 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    await using other = await LiveClient.connect(port);
    expect((await client.request('SUBSCRIBE', '/lists', { id: 'a' })).status).toBe(200);
    expect((await client.request('SUBSCRIBE', '/todos', { id: 'b' })).status).toBe(200);
    const refused = await client.request('SUBSCRIBE', '/lists?order=title', { id: 'c' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ code: 'rate-limited' });
    // The limit is per connection: another connection subscribes freely.
    expect((await other.request('SUBSCRIBE', '/lists', { id: 'a' })).status).toBe(200);
    expect((await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': 'a' } })).status).toBeLessThan(300);
    expect((await client.request('SUBSCRIBE', '/lists?order=title', { id: 'c' })).status).toBe(200);
    expect(app.stats().subscriptions).toBe(3);
  });
});
