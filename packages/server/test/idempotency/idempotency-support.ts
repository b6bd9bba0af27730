import { defineResource } from '@syncline/schema';
import { z } from 'zod';
import type { Clock, Storage } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createTestSyncline, testResources } from '../support/fixtures.js';

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
export async function keyedServer(options: { storage?: Storage; clock?: Clock; ttlMs?: number } = {}) {
  const storage = options.storage ?? createSqliteStorage({ filename: ':memory:' });
  const app = await createTestSyncline({
    resources: [...testResources, slow],
    storage,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ttlMs ? { limits: { idempotencyTtlMs: options.ttlMs } } : {}),
  });
  return { app, storage };
}

/** Every change in the log (tests write a few). */
export async function changeLog(storage: Storage) {
  return storage.changesSince(0, 10_000);
}
