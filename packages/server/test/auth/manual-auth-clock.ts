import type { AuthClock } from '../../src/auth/auth-clock.js';

/** An {@link AuthClock} tests move by hand: `advance` resolves every wait that falls due. */
export interface ManualAuthClock extends AuthClock {
  advance(ms: number): void;
  /** Waits not yet due: a sign-in held for its turn. */
  readonly waiting: number;
}

export function createManualAuthClock(start = 1_000_000): ManualAuthClock {
  let now = start;
  const waits: Array<{ at: number; resolve: () => void }> = [];
  return {
    now: () => now,
    wait: (ms) => new Promise((resolve) => waits.push({ at: now + ms, resolve })),
    advance(ms) {
      now += ms;
      for (const wait of waits.filter((w) => w.at <= now).sort((a, b) => a.at - b.at)) {
        waits.splice(waits.indexOf(wait), 1);
        wait.resolve();
      }
    },
    get waiting() {
      return waits.length;
    },
  };
}
