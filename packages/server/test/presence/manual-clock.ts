import type { PresenceClock } from '../../src/presence/presence-clock.js';

/** A clock tests move by hand: `advance` runs every tick that falls due, in order. */
export interface ManualClock extends PresenceClock {
  advance(ms: number): void;
}

export function createManualClock(start = 1_000_000): ManualClock {
  let now = start;
  const timers = new Set<{ every: number; next: number; tick: () => void }>();
  return {
    now: () => now,
    every(ms, tick) {
      const timer = { every: ms, next: now + ms, tick };
      timers.add(timer);
      return () => void timers.delete(timer);
    },
    advance(ms) {
      const end = now + ms;
      for (;;) {
        let due: { every: number; next: number; tick: () => void } | undefined;
        for (const timer of timers) if (timer.next <= end && (due === undefined || timer.next < due.next)) due = timer;
        if (due === undefined) break;
        now = due.next;
        due.next += due.every;
        due.tick();
      }
      now = end;
    },
  };
}
