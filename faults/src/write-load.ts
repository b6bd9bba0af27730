import type { AckedWrite } from './history.js';
import { HttpWriter, type WriterFigures } from './http-writer.js';
import { LiveSubscriber } from './live-subscriber.js';
import { waitUntil } from './free-port.js';

export interface LoadOptions {
  readonly writers: number;
  readonly subscribers: number;
  /** The servers' HTTP bases, read at each attempt (so a scenario can change them). */
  readonly bases: () => readonly string[];
  /** Where the subscribers connect, when not `bases`. */
  readonly subscriberBases?: () => readonly string[];
  readonly pauseMs?: number;
}

/** The writers' figures added up. */
export type LoadFigures = Omit<WriterFigures, 'serverErrors' | 'anomalies'> & { serverErrors: string[]; anomalies: string[] };

/**
 * Many writers and live subscribers at once: the load a fault happens under. Subscribers are
 * connected (and their first SUBSCRIBE answered) before the first write.
 *
 * @example
 * const load = await startLoad({ writers: 16, subscribers: 8, bases: () => [server.base] });
 * …; await load.stopWriting(); await load.waitConverged(head);
 */
export async function startLoad(options: LoadOptions): Promise<Load> {
  const subscribers = Array.from({ length: options.subscribers }, () => new LiveSubscriber({ bases: options.subscriberBases ?? options.bases }));
  await Promise.all(subscribers.map((subscriber) => subscriber.start()));
  const load = new Load(options, subscribers);
  load.startWriting(options.writers, 'w');
  return load;
}

/** A running load: its writers, its subscribers, and the waits a scenario needs (see {@link startLoad}). */
export class Load {
  readonly writers: HttpWriter[] = [];
  private running: Promise<void>[] = [];

  constructor(
    private readonly options: LoadOptions,
    readonly subscribers: readonly LiveSubscriber[],
  ) {}

  /** Starts `count` more writers, named `<prefix><index>` (a prefix not used before, so their entries stay apart). */
  startWriting(count: number, prefix: string): void {
    for (let index = 0; index < count; index++) {
      const writer = new HttpWriter({ name: `${prefix}${index}`, bases: this.options.bases, ...(this.options.pauseMs !== undefined ? { pauseMs: this.options.pauseMs } : {}) });
      this.writers.push(writer);
      this.running.push(writer.run());
    }
  }

  /** Every write acknowledged so far. */
  acked(): AckedWrite[] {
    return this.writers.flatMap((writer) => writer.acked);
  }

  /** Resolves once `count` writes have been acknowledged in all. */
  async waitForAcks(count: number, timeoutMs = 20_000): Promise<void> {
    await waitUntil(() => this.acked().length >= count, `${count} acknowledged writes`, timeoutMs);
  }

  /** Stops the writers; each finishes (retries to its end) the write it has under way. */
  async stopWriting(): Promise<void> {
    for (const writer of this.writers) writer.stop();
    await Promise.all(this.running);
  }

  /** Waits until every subscriber is at `head`; how long it took, in ms. */
  async waitConverged(head: number, timeoutMs = 30_000): Promise<number> {
    return waitUntil(() => this.subscribers.every((subscriber) => subscriber.position >= head), () => `every subscriber at position ${head} (${this.subscribers.map((subscriber) => subscriber.describe()).join('; ')})`, timeoutMs);
  }

  /** Each subscriber's count of resumed subscriptions, to pass to `waitResumed` later. */
  resumeCounts(): number[] {
    return this.subscribers.map((subscriber) => subscriber.record.resumes);
  }

  /** Waits until every subscriber has resumed since `counts` and reached `head`; how long it took, in ms. */
  async waitResumed(counts: readonly number[], head: number, timeoutMs = 30_000): Promise<number> {
    return waitUntil(
      () => this.subscribers.every((subscriber, index) => subscriber.record.resumes > (counts[index] ?? 0) && subscriber.position >= head),
      () => `every subscriber resumed and at position ${head} (${this.subscribers.map((subscriber) => subscriber.describe()).join('; ')})`,
      timeoutMs,
    );
  }

  figures(): LoadFigures {
    const total: LoadFigures = { attempts: 0, networkErrors: 0, cutOff: 0, cutOffReasons: {}, refused: {}, retryAfter: 0, serverErrors: [], confirmedOnRetry: 0, replayed: 0, anomalies: [] };
    for (const { figures } of this.writers) {
      total.attempts += figures.attempts;
      total.networkErrors += figures.networkErrors;
      total.cutOff += figures.cutOff;
      total.retryAfter += figures.retryAfter;
      total.confirmedOnRetry += figures.confirmedOnRetry;
      total.replayed += figures.replayed;
      total.serverErrors.push(...figures.serverErrors);
      total.anomalies.push(...figures.anomalies);
      for (const [status, count] of Object.entries(figures.refused)) total.refused[status] = (total.refused[status] ?? 0) + count;
      for (const [reason, count] of Object.entries(figures.cutOffReasons)) total.cutOffReasons[reason] = (total.cutOffReasons[reason] ?? 0) + count;
    }
    return total;
  }

  async close(): Promise<void> {
    for (const writer of this.writers) writer.stop();
    await Promise.all(this.subscribers.map((subscriber) => subscriber.close()));
  }
}
