import { afterEach, describe, expect, it } from 'vitest';
import type { Backplane, TopicMessage } from '../backplane/backplane.js';
import type { Change } from '../storage/storage.js';

/** Two backplanes of one cluster (two server processes); fresh for every case. */
export type MakeBackplanes = () => Promise<[Backplane, Backplane]>;

const AT = '2024-05-01T10:00:00.000Z';

function change(seq: number, overrides: Partial<Change> = {}): Change {
  return {
    seq,
    resource: 'notes',
    id: `n${seq}`,
    kind: 'create',
    after: { id: `n${seq}`, version: seq, createdAt: AT, updatedAt: AT, body: `note ${seq}` },
    before: null,
    at: AT,
    ...overrides,
  };
}

/** A listener that keeps what it receives, for `expect.poll`. */
function collector(): { readonly received: Change[]; readonly listener: (change: Change) => void } {
  const received: Change[] = [];
  return { received, listener: (received.push.bind(received) as (change: Change) => void) };
}

type TopicBackplane = Backplane & Required<Pick<Backplane, 'publishTopic' | 'subscribeTopic'>>;

/** Topics are optional in the interface, and required of a conforming backplane. */
function topics(pair: [Backplane, Backplane]): [TopicBackplane, TopicBackplane] {
  for (const backplane of pair) {
    expect(typeof backplane.publishTopic, 'publishTopic').toBe('function');
    expect(typeof backplane.subscribeTopic, 'subscribeTopic').toBe('function');
  }
  return pair as [TopicBackplane, TopicBackplane];
}

/**
 * The backplane conformance suite: declares a Vitest `describe` of named cases that
 * every {@link Backplane} must pass — delivery to every process (the publisher's own
 * included), order kept for one publisher, unsubscribe, idempotent close, and a JSON
 * round trip that keeps every field of a change, nulls included. Delivery may be
 * asynchronous; the cases wait for it and never sleep. Topic messages (presence's
 * channel) reach every process's listeners of that topic only, in order, as JSON. The suite closes both backplanes
 * after each case.
 *
 * @example
 * // test/backplane/memory-backplane.test.ts
 * runBackplaneConformance('memory', async () => {
 *   const bus = createMemoryBus();
 *   return [createMemoryBackplane(bus), createMemoryBackplane(bus)];
 * });
 */
export function runBackplaneConformance(name: string, makeBackplanes: MakeBackplanes): void {
  describe(`backplane conformance: ${name}`, () => {
    const opened: Backplane[] = [];
    const open = async (): Promise<[Backplane, Backplane]> => {
      const pair = await makeBackplanes();
      opened.push(...pair);
      return pair;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((backplane) => backplane.close()));
    });

    it('a change published on one reaches the listeners of both', async () => {
      const [a, b] = await open();
      const onA = collector();
      const onB = collector();
      a.subscribe(onA.listener);
      b.subscribe(onB.listener);
      await a.publish(change(1));
      await expect.poll(() => onB.received.length).toBe(1);
      await expect.poll(() => onA.received.length).toBe(1);
      expect(onB.received[0]?.seq).toBe(1);
    });

    it('keeps the order of one publisher', async () => {
      const [a, b] = await open();
      const onB = collector();
      b.subscribe(onB.listener);
      const seqs = Array.from({ length: 100 }, (_, i) => i + 1);
      // Not awaited one by one: the order must hold for publishes in flight together.
      await Promise.all(seqs.map((seq) => a.publish(change(seq))));
      await expect.poll(() => onB.received.length).toBe(seqs.length);
      expect(onB.received.map((received) => received.seq)).toEqual(seqs);
    });

    it('unsubscribe stops delivery to that listener only', async () => {
      const [a, b] = await open();
      const gone = collector();
      const kept = collector();
      const unsubscribe = b.subscribe(gone.listener);
      b.subscribe(kept.listener);
      await a.publish(change(1));
      await expect.poll(() => gone.received.length).toBe(1);
      unsubscribe();
      await a.publish(change(2));
      // Both listeners hear the same messages: once the kept one has 2, the other would have it too.
      await expect.poll(() => kept.received.length).toBe(2);
      expect(gone.received.map((received) => received.seq)).toEqual([1]);
    });

    it('close is idempotent and stops delivery to the closed one', async () => {
      const [a, b] = await open();
      const onA = collector();
      const onB = collector();
      a.subscribe(onA.listener);
      b.subscribe(onB.listener);
      await b.close();
      await b.close();
      await a.publish(change(1));
      await expect.poll(() => onA.received.length).toBe(1);
      expect(onB.received).toEqual([]);
    });

    it('a JSON round trip keeps every field of a change, nulls included', async () => {
      const [a, b] = await open();
      const onB = collector();
      b.subscribe(onB.listener);
      const before = { id: 'n7', version: 3, createdAt: AT, updatedAt: AT, body: 'héllo "😀"', note: null, tags: ['a', 1, true, null], meta: { nested: { deep: [0.5, -1] } } };
      const sent = [
        change(7, { kind: 'update', before, after: { ...before, version: 7, note: 'set', done: false } }),
        change(8, { kind: 'delete', id: 'n7', before: { ...before, version: 7 }, after: null }),
      ];
      for (const one of sent) await a.publish(one);
      await expect.poll(() => onB.received.length).toBe(2);
      expect(onB.received).toEqual(sent);
      expect(onB.received[1]).toHaveProperty('after', null);
    });
    it('a topic message reaches the listeners of that topic on both, and no other topic', async () => {
      const [a, b] = topics(await open());
      const onA: TopicMessage[] = [];
      const onB: TopicMessage[] = [];
      const other: TopicMessage[] = [];
      const changes = collector();
      a.subscribeTopic('presence', (message) => onA.push(message));
      b.subscribeTopic('presence', (message) => onB.push(message));
      b.subscribeTopic('elsewhere', (message) => other.push(message));
      b.subscribe(changes.listener);
      const message = { type: 'upsert', node: 'a', entry: { user: 'ana', data: { field: 'title', at: [1, null, true] } } };
      await a.publishTopic('presence', message);
      await expect.poll(() => onB.length).toBe(1);
      await expect.poll(() => onA.length).toBe(1);
      expect(onB[0]).toEqual(message);
      // Once a later change has arrived, an earlier topic message would have too.
      await a.publish(change(1));
      await expect.poll(() => changes.received.length).toBe(1);
      expect(other).toEqual([]);
    });

    it('keeps the order of one publisher on a topic, and unsubscribe stops delivery', async () => {
      const [a, b] = topics(await open());
      const received: number[] = [];
      const kept: number[] = [];
      const stop = b.subscribeTopic('presence', (message) => received.push(message['n'] as number));
      b.subscribeTopic('presence', (message) => kept.push(message['n'] as number));
      const ns = Array.from({ length: 50 }, (_, i) => i);
      await Promise.all(ns.map((n) => a.publishTopic('presence', { n })));
      await expect.poll(() => received.length).toBe(ns.length);
      expect(received).toEqual(ns);
      stop();
      await a.publishTopic('presence', { n: 50 });
      await expect.poll(() => kept.length).toBe(51);
      expect(received).toHaveLength(50);
    });
  });
}
