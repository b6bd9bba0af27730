import { PROTOCOL_RANGE, SUBPROTOCOL } from '@syncline/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createConnection, createRequestTracker, describeState, type ConnectionState, type SocketLike } from '../src/index.js';

/** A socket double driven by the test: no network, so fake timers rule every delay. */
class FakeSocket implements SocketLike {
  static made: FakeSocket[] = [];
  readyState = 0;
  readonly sent: string[] = [];
  onopen: SocketLike['onopen'] = null;
  onmessage: SocketLike['onmessage'] = null;
  onclose: SocketLike['onclose'] = null;
  onerror: SocketLike['onerror'] = null;
  constructor(
    readonly url: string,
    readonly protocols?: string | string[],
  ) {
    FakeSocket.made.push(this);
  }
  send(data: string): void {
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 3;
  }
  receive(frame: object): void {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  hello(heartbeatMs = 25_000, protocol = PROTOCOL_RANGE): void {
    this.readyState = 1;
    this.onopen?.({});
    this.receive({ event: 'hello', protocol, capabilities: ['reconcile'], heartbeatMs, seq: 0 });
  }
  fail(code = 1006, reason = ''): void {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
}

const last = (): FakeSocket => FakeSocket.made.at(-1)!;

function connect(options: { random?: () => number } = {}) {
  const states: ConnectionState[] = [];
  const connection = createConnection({ url: 'ws://test/live', WebSocket: FakeSocket, minDelayMs: 100, maxDelayMs: 1000, random: options.random ?? (() => 1), onFrame: () => {} });
  connection.onStateChange((state) => states.push(state));
  return { connection, states };
}

describe('connection', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    FakeSocket.made = [];
  });
  afterEach(() => vi.useRealTimers());

  it('offers syncline.1 and is open only once hello arrives', async () => {
    const { connection, states } = connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(last()).toMatchObject({ url: 'ws://test/live', protocols: SUBPROTOCOL });
    expect(connection.state()).toEqual({ kind: 'connecting', attempt: 1 });
    last().hello();
    expect(states).toEqual([{ kind: 'open' }]);
    expect(connection.hello()).toMatchObject({ heartbeatMs: 25_000 });
    connection.close();
    expect(connection.state()).toEqual({ kind: 'closed', reason: 'closed by the client' });
  });

  it('stops for good when the server speaks another major: close 4406, or a hello whose range leaves 1 out', async () => {
    const refused = connect();
    await vi.advanceTimersByTimeAsync(0);
    last().fail(4406, 'supported: 2.0-2.3');
    expect(refused.states).toEqual([{ kind: 'closed', reason: 'protocol not supported: this client speaks 1.0, the server 2.0-2.3' }]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(1);

    const newer = connect();
    await vi.advanceTimersByTimeAsync(0);
    last().hello(25_000, { version: '2.0', min: '2.0', max: '3.1' });
    expect(newer.states).toEqual([{ kind: 'closed', reason: 'protocol not supported: this client speaks 1.0, the server 2.0-3.1' }]);
    expect(newer.connection.hello()).toBeUndefined();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(2);
  });

  it('reconnects with exponential backoff up to the cap, and starts over after an open', async () => {
    const { connection } = connect();
    await vi.advanceTimersByTimeAsync(0);
    const delays: number[] = [];
    for (let attempt = 2; attempt <= 7; attempt++) {
      const before = FakeSocket.made.length;
      last().fail();
      expect(connection.state()).toEqual({ kind: 'connecting', attempt });
      let waited = 0;
      while (FakeSocket.made.length === before) {
        await vi.advanceTimersByTimeAsync(10);
        waited += 10;
      }
      delays.push(waited);
    }
    expect(delays).toEqual([100, 200, 400, 800, 1000, 1000]);
    last().hello();
    last().fail();
    expect(connection.state()).toEqual({ kind: 'connecting', attempt: 2 });
    connection.close();
  });

  it('draws each delay uniformly below the cap (full jitter)', () => {
    expect(backoffDelay(1, { minDelayMs: 100 })).toBe(0);
    expect(backoffDelay(4, { minDelayMs: 100, maxDelayMs: 1000, random: () => 0.5 })).toBe(200);
    expect(backoffDelay(4, { minDelayMs: 100, maxDelayMs: 1000, random: () => 0 })).toBe(0);
    expect(backoffDelay(40, { minDelayMs: 100, maxDelayMs: 1000, random: () => 0.999 })).toBe(999);
  });

  it('treats two heartbeats of silence as a dead socket', async () => {
    const { connection } = connect();
    await vi.advanceTimersByTimeAsync(0);
    last().hello(1000);
    await vi.advanceTimersByTimeAsync(1500);
    last().receive({ event: 'heartbeat', seq: 0 });
    await vi.advanceTimersByTimeAsync(1999);
    expect(connection.state().kind).toBe('open');
    await vi.advanceTimersByTimeAsync(1);
    expect(connection.state()).toEqual({ kind: 'connecting', attempt: 2 });
    connection.close();
  });

  it('stops for good after a close code that blames the client', async () => {
    const { connection } = connect();
    await vi.advanceTimersByTimeAsync(0);
    last().hello();
    last().fail(4400);
    expect(describeState(connection.state())).toBe('closed: socket closed (4400)');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.made).toHaveLength(1);
  });

  it('queues requests until open, and fails them with unavailable after their timeout', async () => {
    const { connection } = connect();
    const tracker = createRequestTracker({ connection, timeoutMs: 500 });
    const late = expect(tracker.request({ method: 'GET', resource: '/lists' })).rejects.toMatchObject({ code: 'unavailable', status: 503 });
    const kept = tracker.request({ method: 'GET', resource: '/todos' }, { timeoutMs: 5000 });
    await vi.advanceTimersByTimeAsync(500);
    await late;
    last().hello();
    const sent = JSON.parse(last().sent[0]!) as { id: number };
    expect(sent).toMatchObject({ method: 'GET', resource: '/todos' });
    tracker.receive({ id: sent.id, status: 200, headers: {}, body: { items: [], next: null } });
    await expect(kept).resolves.toMatchObject({ status: 200 });

    // A request sent on a socket that is lost fails: whether it ran is unknown.
    const lost = expect(tracker.request({ method: 'GET', resource: '/lists' })).rejects.toMatchObject({ code: 'unavailable' });
    last().fail();
    await lost;
    connection.close();
  });
});
