import { afterEach, describe, expect, it, vi } from 'vitest';
import { CLOSE_CODES } from '@syncline/protocol';
import { createTestSyncline, request } from '../support/fixtures.js';
import { MemorySocketHost } from '../support/memory-socket-host.js';

const until = async (condition: () => boolean): Promise<void> => {
  await vi.waitFor(() => expect(condition()).toBe(true), { timeout: 2_000, interval: 5 });
};

describe('the live protocol on a SocketHost (no port, no ws)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('admits an upgrade with the subprotocol, says hello, and answers requests by id', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const admission = await app.upgrade({ url: '/live', headers: { host: 'localhost', 'sec-websocket-protocol': 'syncline.1' }, remoteAddress: '203.0.113.7' });
    expect(admission).toMatchObject({ accepted: true, protocol: 'syncline.1' });
    const host = await MemorySocketHost.connect(app);
    expect(host.sent[0]).toMatchObject({ event: 'hello', heartbeatMs: expect.any(Number) });
    expect(app.stats().connections).toBe(1);

    host.receive({ id: 1, method: 'GET', resource: `/lists/${list.body.id}` });
    await until(() => host.responses(1).length === 1);
    expect(host.responses(1)[0]).toMatchObject({ status: 200, body: { id: list.body.id, title: 'L' } });

    host.receive({ id: 2, method: 'SUBSCRIBE', resource: '/lists' });
    await until(() => host.responses(2).length === 1);
    await request(app, 'POST', '/lists', { body: { title: 'M' } });
    await app.flush();
    expect(host.sent.at(-1)).toMatchObject({ event: 'change', subscription: 2, op: 'enter', body: { title: 'M' } });

    // A binary frame is refused with an error event; the socket stays open.
    host.listener!.message(new Uint8Array([1, 2, 3]));
    expect(host.sent.at(-1)).toMatchObject({ event: 'error', body: { code: 'invalid-frame' } });
    expect(host.open).toBe(true);

    host.listener!.close();
    expect(app.stats()).toMatchObject({ connections: 0, subscriptions: 0 });
  });

  it('refuses before any handshake as the ws host does: another path, a foreign origin, a subprotocol that is not Syncline', async () => {
    await using app = await createTestSyncline();
    expect(await app.upgrade({ url: '/elsewhere', headers: { host: 'localhost' } })).toMatchObject({ accepted: false, status: 404 });
    expect(await app.upgrade({ url: '/live', headers: { host: 'localhost', origin: 'https://evil.example' } })).toMatchObject({ accepted: false, status: 403 });
    expect(await app.upgrade({ url: '/live', headers: { host: 'localhost', 'sec-websocket-protocol': 'chat' } })).toMatchObject({ accepted: false, status: 400 });
    expect(await app.upgrade({ url: '/live', headers: { host: 'attacker.example' } })).toMatchObject({ accepted: false, status: 421 });
  });

  it('accepts another major only to close it with 4406', async () => {
    await using app = await createTestSyncline();
    const admission = await app.upgrade({ url: '/live', headers: { host: 'localhost', 'sec-websocket-protocol': 'syncline.2' } });
    if (!admission.accepted) throw new Error('refused');
    expect(admission.protocol).toBe('syncline.2');
    const host = new MemorySocketHost();
    host.listener = admission.accept(host);
    expect(host.closed?.code).toBe(CLOSE_CODES.protocolNotSupported);
    expect(host.sent).toEqual([]);
  });

  it('holds a place per address from admission until the socket closes', async () => {
    await using app = await createTestSyncline({ limits: { maxConnectionsPerAddress: 1 } });
    const first = await MemorySocketHost.connect(app);
    expect(await app.upgrade({ url: '/live', headers: { host: 'localhost' }, remoteAddress: '203.0.113.7' })).toMatchObject({ accepted: false, status: 429, headers: { 'retry-after': '5' } });
    first.listener!.close();
    const cancelled = await app.upgrade({ url: '/live', headers: { host: 'localhost' }, remoteAddress: '203.0.113.7' });
    if (!cancelled.accepted) throw new Error('refused');
    // A handshake that failed gives its place back.
    cancelled.cancel();
    await expect(MemorySocketHost.connect(app)).resolves.toBeInstanceOf(MemorySocketHost);
  });

  it('closes a slow consumer with 4008 once the host holds more than maxBufferedBytes', async () => {
    await using app = await createTestSyncline({ limits: { maxBufferedBytes: 1_000 } });
    const slow = await MemorySocketHost.connect(app);
    const reader = await MemorySocketHost.connect(app, {}, '203.0.113.8');
    for (const host of [slow, reader]) host.receive({ id: 1, method: 'SUBSCRIBE', resource: '/lists' });
    await until(() => slow.responses(1).length === 1 && reader.responses(1).length === 1);
    slow.bufferedAmount = 990;
    await request(app, 'POST', '/lists', { body: { title: 'M' } });
    await app.flush();
    expect(slow.closed?.code).toBe(CLOSE_CODES.slowConsumer);
    expect(reader.sent.at(-1)).toMatchObject({ event: 'change', body: { title: 'M' } });
    expect(app.stats()).toMatchObject({ connections: 1, slowConsumers: 1 });
  });

  it('pings on each heartbeat and terminates a socket whose ping went unanswered', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await using app = await createTestSyncline({ limits: { heartbeatMs: 1_000 } });
    const live = await MemorySocketHost.connect(app);
    const silent = await MemorySocketHost.connect(app, {}, '203.0.113.8');
    silent.answersPings = false;

    await vi.advanceTimersByTimeAsync(1_000);
    expect([live.pings, silent.pings]).toEqual([1, 1]);
    expect(live.sent.at(-1)).toMatchObject({ event: 'heartbeat' });
    expect(silent.terminated).toBe(false);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(silent.terminated).toBe(true);
    expect(live.terminated).toBe(false);
    expect(live.pings).toBe(2);
    expect(app.stats().connections).toBe(1);
  });
});
