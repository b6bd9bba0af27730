import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { SseClient } from '../support/sse-client.js';

/** A collection URI of exactly `bytes` bytes whose query is valid (a title that matches nothing). */
function uriOf(bytes: number, tag = 'a'): string {
  const head = `/lists?title=${tag}`;
  return head + 'x'.repeat(bytes - head.length);
}

describe('subscription bounds per address, per user and per URI', () => {
  it('a subscribed URI longer than the bound is refused 414 uri-too-long on the socket, on both forms of event stream and for presence; one at the bound is served', async () => {
    await using app = await createTestSyncline({ limits: { maxSubscriptionUriBytes: 256 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    expect((await client.request('SUBSCRIBE', uriOf(256), { id: 'ok' })).status).toBe(200);
    const refused = await client.request('SUBSCRIBE', uriOf(257), { id: 'long' });
    expect(refused['status']).toBe(414);
    expect(refused['body']).toMatchObject({ code: 'uri-too-long', status: 414 });
    expect((await client.request('SUBSCRIBE', `${uriOf(257).replace('/lists?', '/lists/presence?')}`, { id: 'p' })).status).toBe(414);
    expect((await client.request('PUT', `${uriOf(257).replace('/lists?', '/lists/presence?')}`, { body: { state: 'viewing' } })).status).toBe(414);
    expect(app.stats().subscriptions).toBe(1);

    const single = await SseClient.open(port, uriOf(257));
    expect(single.status).toBe(414);
    expect(await single.json()).toMatchObject({ code: 'uri-too-long' });
    const multi = await SseClient.open(port, `/live/events?subscribe=%2Flists&subscribe=${encodeURIComponent(uriOf(257))}`);
    expect(multi.status).toBe(414);
    // None of the stream's subscriptions was opened, and none is still counted.
    expect(app.stats()).toMatchObject({ streams: 0, subscriptions: 1 });
  });

  it('subscriptions per address are counted across connections and streams (429 past the bound); a connection closing frees exactly its share', async () => {
    await using app = await createTestSyncline({ limits: { maxSubscriptionsPerAddress: 5 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const first = await LiveClient.connect(port);
    for (const id of ['a', 'b', 'c']) expect((await first.request('SUBSCRIBE', `/lists?title=${id}`, { id })).status).toBe(200);
    await using second = await LiveClient.connect(port);
    expect((await second.request('SUBSCRIBE', '/lists', { id: 'd' })).status).toBe(200);
    await using stream = await SseClient.open(port, '/todos');
    expect(stream.status).toBe(200);
    const refused = await second.request('SUBSCRIBE', '/todos', { id: 'e' });
    expect(refused['status']).toBe(429);
    expect(refused['body']).toMatchObject({ code: 'rate-limited', detail: expect.stringMatching(/client address/) });
    expect((await SseClient.open(port, '/lists?title=z')).status).toBe(429);
    // Another address is not affected.
    await using other = await LiveClient.connect(port, { localAddress: '127.0.0.2' });
    expect((await other.request('SUBSCRIBE', '/todos', { id: 'x' })).status).toBe(200);

    first.socket.close();
    await first.closed;
    await expect.poll(() => app.stats().connections).toBe(2);
    // Exactly three places came free: three more subscriptions, then the bound again.
    for (const id of ['f', 'g', 'h']) expect((await second.request('SUBSCRIBE', `/todos?title=${id}`, { id })).status).toBe(200);
    expect((await second.request('SUBSCRIBE', '/todos?title=i', { id: 'i' })).status).toBe(429);
  });

  it('UNSUBSCRIBE frees one place, presence subscriptions count too, and a refused SUBSCRIBE counts nothing', async () => {
    await using app = await createTestSyncline({ limits: { maxSubscriptionsPerAddress: 2 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    expect((await client.request('SUBSCRIBE', '/lists/0193a1f0-0000-7000-8000-000000000000', { id: 'gone' })).status).toBe(404);
    expect((await client.request('SUBSCRIBE', '/lists?colour=red', { id: 'bad' })).status).toBe(400);
    expect((await client.request('SUBSCRIBE', '/lists', { id: 's1' })).status).toBe(200);
    expect((await client.request('SUBSCRIBE', '/lists/presence', { id: 'p1' })).status).toBe(200);
    expect((await client.request('SUBSCRIBE', '/todos', { id: 's2' })).status).toBe(429);
    expect((await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': 'p1' } })).status).toBe(204);
    expect((await client.request('SUBSCRIBE', '/todos', { id: 's2' })).status).toBe(200);
    expect((await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': 's1' } })).status).toBe(204);
    // An UNSUBSCRIBE of an unknown id frees nothing.
    expect((await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': 'nope' } })).status).toBe(404);
    expect((await client.request('SUBSCRIBE', '/lists', { id: 's3' })).status).toBe(200);
    expect((await client.request('SUBSCRIBE', '/lists?title=x', { id: 's4' })).status).toBe(429);
  });

  it('bytes of subscribed URIs per address: long URIs reach the byte bound before the count', async () => {
    await using app = await createTestSyncline({ limits: { maxSubscriptionUriBytes: 1000, maxSubscriptionBytesPerAddress: 3000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    for (const tag of ['a', 'b', 'c']) expect((await client.request('SUBSCRIBE', uriOf(1000, tag), { id: tag })).status).toBe(200);
    const refused = await client.request('SUBSCRIBE', uriOf(1000, 'd'), { id: 'd' });
    expect(refused['status']).toBe(429);
    expect(refused['body']['detail']).toMatch(/bytes/);
    // The bytes are spent: even a short URI waits for an UNSUBSCRIBE.
    expect((await client.request('SUBSCRIBE', '/lists', { id: 'short' })).status).toBe(429);
    expect((await client.request('UNSUBSCRIBE', '/lists', { headers: { 'syncline-subscription': 'a' } })).status).toBe(204);
    expect((await client.request('SUBSCRIBE', '/lists', { id: 'short' })).status).toBe(200);
  });

  it('subscriptions per user are counted across addresses; another user keeps subscribing', async () => {
    await using app = await createTestSyncline({ limits: { maxSubscriptionsPerUser: 3 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using fromOne = await LiveClient.connect(port, { headers: { 'x-user': 'mallory' } });
    await using fromTwo = await LiveClient.connect(port, { headers: { 'x-user': 'mallory' }, localAddress: '127.0.0.2' });
    expect((await fromOne.request('SUBSCRIBE', '/lists', { id: 'a' })).status).toBe(200);
    expect((await fromTwo.request('SUBSCRIBE', '/lists', { id: 'b' })).status).toBe(200);
    await using stream = await SseClient.open(port, '/todos', { 'x-user': 'mallory' });
    expect(stream.status).toBe(200);
    const refused = await fromTwo.request('SUBSCRIBE', '/todos', { id: 'c' });
    expect(refused['status']).toBe(429);
    expect(refused['body']['detail']).toMatch(/per user/);
    await using ana = await LiveClient.connect(port, { headers: { 'x-user': 'ana' } });
    expect((await ana.request('SUBSCRIBE', '/todos', { id: 'c' })).status).toBe(200);
    stream.close();
    await expect.poll(() => app.stats().streams).toBe(0);
    expect((await fromTwo.request('SUBSCRIBE', '/todos', { id: 'c' })).status).toBe(200);
    expect(await request(app, 'GET', '/lists')).toMatchObject({ status: 200 });
  });
});
