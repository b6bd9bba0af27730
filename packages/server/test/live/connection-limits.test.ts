import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { LiveClient } from '../support/live-client.js';

describe('connection limits and liveness', () => {
  it('a client that stops reading is closed with 4008 once its buffer passes the bound; others keep receiving', async () => {
    await using app = await createTestSyncline({ limits: { maxBufferedBytes: 256 * 1024 } });
    const { port } = await app.listen(0, '127.0.0.1');
    const slow = await LiveClient.connect(port);
    await using healthy = await LiveClient.connect(port);
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    await slow.request('SUBSCRIBE', '/todos', { id: 's' });
    await healthy.request('SUBSCRIBE', '/todos', { id: 's' });
    (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const title = 'x'.repeat(4096);
    for (let i = 0; i < 5000 && app.stats().slowConsumers === 0; i++) {
      await request(app, 'POST', '/todos', { body: { title: `${i} ${title}`, list: list.body.id } });
      // Storage answers in microtasks: let I/O run so the healthy client (in this process) reads.
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(app.stats().slowConsumers).toBe(1);
    (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await slow.closed).code).toBe(4008);
    const created = await request(app, 'POST', '/todos', { body: { title: 'after', list: list.body.id } });
    await healthy.waitFor((f) => f['event'] === 'change' && f['seq'] === created.body.version);
  });

  it('sends heartbeats, and terminates a client that misses the ping of one beat, at the next', async () => {
    const clock = createManualClock();
    await using app = await createTestSyncline({ clock, limits: { heartbeatMs: 25_000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using alive = await LiveClient.connect(port);
    const silent = await LiveClient.connect(port);
    expect(app.stats().connections).toBe(2);
    (silent.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    await clock.advance(24_999);
    expect(alive.frames.some((f) => f['event'] === 'heartbeat')).toBe(false);
    await clock.advance(1);
    await alive.waitFor((f) => f['event'] === 'heartbeat' && typeof f['seq'] === 'number');
    // The ping came before that frame, so its pong went out before this request: answered, the server has it.
    await alive.request('GET', '/lists');
    expect(app.stats().connections).toBe(2);
    await clock.advance(25_000);
    // The paused client cannot see its own end; the server's count shows it was terminated.
    await expect.poll(() => app.stats().connections).toBe(1);
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    (silent.socket as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await silent.closed).code).toBe(1006);
  });

  it('refuses upgrades past the connection limit with 503', async () => {
    await using app = await createTestSyncline({ limits: { maxConnections: 1 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using first = await LiveClient.connect(port);
    await expect(LiveClient.connect(port)).rejects.toThrow(/503/);
    expect(first.socket.readyState).toBe(first.socket.OPEN);
  });

  it('closing the server closes every socket with 1001 (going away) so clients reconnect elsewhere', async () => {
    const app = await createTestSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    const client = await LiveClient.connect(port);
    await client.request('SUBSCRIBE', '/lists', { id: 's' });
    await app.close();
    expect(await client.closed).toEqual({ code: 1001, reason: 'server shutting down' });
  });
});
