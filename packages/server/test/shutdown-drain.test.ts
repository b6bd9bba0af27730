import { describe, expect, it } from 'vitest';
import { createDrain } from '../src/shutdown-drain.js';
import type { Storage } from '../src/index.js';
import { createSqliteStorage } from '../src/storage/sqlite/index.js';
import { createManualClock } from '../src/testing/manual-clock.js';
import { createTestSyncline } from './support/fixtures.js';
import { LiveClient } from './support/live-client.js';

describe('close() drains the operations already running', () => {
  it('idle() waits for tracked work, and gives up after its timeout', async () => {
    const clock = createManualClock();
    const drain = createDrain(clock);
    expect(await drain.idle(0)).toBe(true);
    let finish = (): void => {};
    const work = drain.track(new Promise<string>((resolve) => (finish = () => resolve('done'))));
    expect(drain.inFlight).toBe(1);
    let gaveUp: boolean | undefined;
    const timedOut = drain.idle(10).then((idle) => (gaveUp = !idle));
    await clock.advance(9);
    expect(gaveUp).toBeUndefined();
    await clock.advance(1);
    await timedOut;
    expect(gaveUp).toBe(true);
    const idle = drain.idle(5000);
    finish();
    expect(await work).toBe('done');
    expect(await idle).toBe(true);
    expect(drain.inFlight).toBe(0);
  });

  it('a failed operation is counted out too', async () => {
    const drain = createDrain();
    await expect(drain.track(Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(drain.inFlight).toBe(0);
  });

  it('a write under way when close() is called is answered before storage closes', async () => {
    const inner = createSqliteStorage({ filename: ':memory:' });
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Writes wait at the gate, so close() is called while one is under way.
    const storage: Storage = {
      ...inner,
      async write(fn) {
        await gate;
        return inner.write(fn);
      },
    };
    // On a clock that stands still the drain's bound never passes: close() waits for the write alone.
    const syncline = await createTestSyncline({ storage, clock: createManualClock() });
    const { port } = await syncline.listen(0, '127.0.0.1');
    const write = syncline.execute({ method: 'POST', uri: '/lists', headers: {}, body: { title: 'in flight' }, context: { transport: 'http' } });
    let closed = false;
    const closing = syncline.close().then(() => (closed = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(closed).toBe(false);
    release();
    const outcome = await write;
    await closing;
    expect(outcome.status).toBe(201);
    await expect(fetch(`http://127.0.0.1:${port}/lists`)).rejects.toThrow();
  });

  it('a SUBSCRIBE whose snapshot is being read when close() starts is answered before the socket closes with 1001', async () => {
    const inner = createSqliteStorage({ filename: ':memory:' });
    let armed = false;
    let entered = (): void => {};
    const reading = new Promise<void>((resolve) => (entered = resolve));
    let release = (): void => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // Once armed, the next read (the snapshot) waits at the gate, so close() starts while it is under way.
    const storage: Storage = {
      ...inner,
      async read(fn) {
        if (armed) {
          armed = false;
          entered();
          await gate;
        }
        return inner.read(fn);
      },
    };
    const syncline = await createTestSyncline({ storage });
    const { port } = await syncline.listen(0, '127.0.0.1');
    const client = await LiveClient.connect(port);
    armed = true;
    const subscribed = client.request('SUBSCRIBE', '/lists', { id: 's1' });
    await reading;
    const closing = syncline.close();
    // Released only once close() has run every step it does not wait on: without the drain
    // counting the SUBSCRIBE, the socket is already closing and the answer would be lost.
    setTimeout(release, 0);
    const answer = await subscribed;
    const closed = await client.closed;
    await closing;
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ items: [] });
    expect(closed.code).toBe(1001);
  });
});
