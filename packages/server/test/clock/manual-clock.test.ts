import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../src/testing/index.js';
import { systemClock, waitOn } from '../../src/clock.js';

describe('the manual clock', () => {
  it('stands still until advanced, and starts at 2026-01-01 unless told', async () => {
    const clock = createManualClock();
    await clock.advance(0);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1));
    await clock.advance(1500);
    expect(clock.now()).toBe(Date.UTC(2026, 0, 1) + 1500);
    expect(createManualClock(42).now()).toBe(42);
  });

  it('runs due timers in the order of their time, each at its own time, ties in the order they were set', async () => {
    const clock = createManualClock(0);
    const runs: string[] = [];
    const at = (name: string) => () => runs.push(`${name}@${clock.now()}`);
    clock.setTimeout(at('c'), 30);
    clock.setTimeout(at('a'), 10);
    clock.setTimeout(at('b1'), 20);
    clock.setTimeout(at('b2'), 20);
    clock.setTimeout(at('late'), 31);
    await clock.advance(30);
    expect(runs).toEqual(['a@10', 'b1@20', 'b2@20', 'c@30']);
    expect(clock.pending).toBe(1);
  });

  it('repeats an interval at each period until it is cleared, and a cleared timeout never runs', async () => {
    const clock = createManualClock(0);
    const ticks: number[] = [];
    const interval = clock.setInterval(() => ticks.push(clock.now()), 100);
    const never = clock.setTimeout(() => ticks.push(-1), 150);
    clock.clearTimeout(never);
    await clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    clock.clearInterval(interval);
    await clock.advance(1000);
    expect(ticks).toEqual([100, 200, 300]);
    expect(clock.pending).toBe(0);
  });

  it('runs what a timer sets, and what its promises set, within the same advance when it falls due', async () => {
    const clock = createManualClock(0);
    const runs: number[] = [];
    clock.setTimeout(() => {
      runs.push(clock.now());
      clock.setTimeout(() => runs.push(clock.now()), 10);
      void Promise.resolve()
        .then(() => undefined)
        .then(() => clock.setTimeout(() => runs.push(clock.now()), 20));
    }, 10);
    await clock.advance(30);
    expect(runs).toEqual([10, 20, 30]);
  });

  it('resolves a wait on the clock once it is due, never before', async () => {
    const clock = createManualClock(0);
    let done = false;
    const waiting = waitOn(clock, 1000).then(() => (done = true));
    await clock.advance(999);
    expect(done).toBe(false);
    await clock.advance(1);
    await waiting;
    expect(done).toBe(true);
  });

  it('refuses to move back', async () => {
    await expect(createManualClock().advance(-1)).rejects.toThrow(RangeError);
  });
});

describe('the system clock', () => {
  it('reads Date.now and runs a timer, without keeping the process alive', async () => {
    const before = Date.now();
    expect(systemClock.now()).toBeGreaterThanOrEqual(before);
    const timer = systemClock.setTimeout(() => {}, 60_000) as unknown as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    systemClock.clearTimeout(timer as never);
    await waitOn(systemClock, 1);
  });

  // Real time, as this clock is: Node fires a delay past 2^31 - 1 ms after 1 ms.
  it('clamps a delay past what Node takes instead of firing it at once', async () => {
    let fired = false;
    const timer = systemClock.setTimeout(() => (fired = true), 2 ** 40);
    await waitOn(systemClock, 5);
    expect(fired).toBe(false);
    systemClock.clearTimeout(timer);
  });
});
