import { defineResource } from '@syncline/schema';
import { z } from 'zod';
import type { IdempotencyClock, Storage } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, testResources } from '../support/fixtures.js';

/** A clock the test moves by hand; `tick()` runs the sweep it was asked to schedule. */
export interface ManualClock extends IdempotencyClock {
  advance(ms: number): void;
  tick(): void;
  /** How many periodic calls are scheduled. */
  pending(): number;
}

export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  const ticks: Array<() => void> = [];
  return {
    now: () => now,
    every(_ms, tick) {
      ticks.push(tick);
      return () => ticks.splice(ticks.indexOf(tick), 1);
    },
    advance(ms) {
      now += ms;
    },
    tick() {
      for (const tick of [...ticks]) tick();
    },
    pending: () => ticks.length,
  };
}

/** A gate a hook waits at, so a test can hold a write in flight. */
export function gate(): { entered: Promise<void>; release(): void; wait(): Promise<void> } {
  let enter!: () => void;
  let open!: () => void;
  const entered = new Promise<void>((resolve) => (enter = resolve));
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    entered,
    release: () => open(),
    wait: () => {
      enter();
      return opened;
    },
  };
}

/** Holds the next create of `slow` records at a gate (set `slowGate.current` first). */
export const slowGate: { current: ReturnType<typeof gate> | undefined } = { current: undefined };

export const slow = defineResource({
  name: 'slow',
  schema: z.object({ title: z.string() }),
  hooks: {
    beforeCreate: async (_ctx, data) => {
      const held = slowGate.current;
      slowGate.current = undefined;
      await held?.wait();
      return data;
    },
  },
});

/** A test server over storage the test can read directly; `x-user` names the caller. */
export async function keyedServer(options: { storage?: Storage; clock?: IdempotencyClock; ttlMs?: number } = {}) {
  const storage = options.storage ?? createSqliteStorage({ filename: ':memory:' });
  const app = await createTestSyncline({
    resources: [...testResources, slow],
    storage,
    ...(options.clock ? { idempotencyClock: options.clock } : {}),
    ...(options.ttlMs ? { limits: { idempotencyTtlMs: options.ttlMs } } : {}),
  });
  return { app, storage };
}

/** Every change in the log (tests write a few). */
export async function changeLog(storage: Storage) {
  return storage.changesSince(0, 10_000);
}
