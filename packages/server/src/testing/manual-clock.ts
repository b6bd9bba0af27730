import type { Clock, TimerHandle } from '../clock.js';

/** A {@link Clock} a test moves by hand. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, running every timer that falls due in order of its time (in
   * the order they were set when two fall due together), each at its own time. After each
   * timer, and at the end, it lets the promises the timer started settle (a few turns of the
   * event loop, no waiting), so timers those set are run too when they fall due. Real I/O is
   * not waited for: over real sockets, move past one heartbeat at a time and let a round trip
   * carry the pongs in between, or the second beat finds them missing and ends the sockets.
   */
  advance(ms: number): Promise<void>;
  /** Timers set and not yet run (or, for intervals, not cleared). */
  readonly pending: number;
}

interface Timer {
  readonly id: number;
  at: number;
  readonly every: number | undefined;
  readonly fn: () => void;
}

/** Event-loop turns given to the promises a timer started: enough for chains over in-process storage, never a wait on time. */
const SETTLE_TURNS = 5;

async function settle(): Promise<void> {
  for (let turn = 0; turn < SETTLE_TURNS; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Creates a clock that stands still until `advance` moves it. `start` is its `now()`, in
 * milliseconds since the epoch (default 2026-01-01T00:00:00Z).
 *
 * @example
 * const clock = createManualClock();
 * const syncline = await createSyncline({ resources, storage, clock });
 * await clock.advance(60_000); // the presence timeout passes, no test waits a minute
 */
export function createManualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, Timer>();
  const add = (fn: () => void, ms: number, every: number | undefined): TimerHandle => {
    const id = ++nextId;
    timers.set(id, { id, at: now + Math.max(0, ms), every, fn });
    return id as unknown as TimerHandle;
  };
  const clear = (handle: TimerHandle | undefined): void => {
    if (handle !== undefined) timers.delete(handle as unknown as number);
  };
  const due = (end: number): Timer | undefined => {
    let first: Timer | undefined;
    for (const timer of timers.values()) {
      if (timer.at <= end && (first === undefined || timer.at < first.at || (timer.at === first.at && timer.id < first.id))) first = timer;
    }
    return first;
  };
  return {
    now: () => now,
    setTimeout: (fn, ms) => add(fn, ms, undefined),
    clearTimeout: clear,
    // An interval of 0 would run forever within one advance; it ticks every millisecond instead.
    setInterval: (fn, ms) => add(fn, Math.max(1, ms), Math.max(1, ms)),
    clearInterval: clear,
    async advance(ms) {
      if (!(ms >= 0)) throw new RangeError(`advance takes a duration of 0 or more, not ${ms}`);
      const end = now + ms;
      await settle();
      for (let timer = due(end); timer !== undefined; timer = due(end)) {
        now = timer.at;
        if (timer.every === undefined) timers.delete(timer.id);
        else timer.at += timer.every;
        timer.fn();
        await settle();
      }
      now = end;
      await settle();
    },
    get pending() {
      return timers.size;
    },
  };
}
