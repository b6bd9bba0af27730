import { ConformanceFailure } from '../conformance-failure.js';

/**
 * Wakes whoever waits on a client case when something happens (a frame, a connection, a line
 * from the adapter), so waits end as soon as their condition holds instead of polling on a
 * timer, and fail with `timeout` naming what did not happen.
 */
export class Signal {
  private waiting: Array<() => void> = [];
  private failure: ConformanceFailure | undefined;

  /** Something changed: every wait checks its condition again. */
  notify(): void {
    const waiting = this.waiting;
    this.waiting = [];
    for (const wake of waiting) wake();
  }

  /** Ends every wait, now and later, with `failure` (the first one given wins). */
  fail(failure: ConformanceFailure): void {
    this.failure ??= failure;
    this.notify();
  }

  /** Throws the failure given to `fail`, if any: a breach seen after the case's last wait still fails it. */
  throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Waits until `condition` returns a value other than undefined, at most `ms`. */
  async until<T>(condition: () => T | undefined, ms: number, what: string): Promise<T> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const value = condition();
      if (value !== undefined) return value;
      const left = deadline - Date.now();
      if (left <= 0) throw new ConformanceFailure('timeout', `waited ${ms} ms for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Watches for `ms`: throws `mismatch` with `what` if `violated` becomes true meanwhile. */
  async holds(violated: () => string | undefined, ms: number): Promise<void> {
    const deadline = Date.now() + ms;
    for (;;) {
      if (this.failure !== undefined) throw this.failure;
      const reason = violated();
      if (reason !== undefined) throw new ConformanceFailure('mismatch', reason);
      const left = deadline - Date.now();
      if (left <= 0) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }
}
