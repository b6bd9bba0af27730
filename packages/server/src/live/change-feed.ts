import { systemClock, type Clock, type TimerHandle } from '../clock.js';
import type { Backplane } from '../backplane/backplane.js';
import type { Change, Storage } from '../storage/storage.js';

export interface ChangeFeedOptions {
  readonly storage: Storage;
  readonly backplane: Backplane;
  /** Called once per change, in `seq` order, with no gap. */
  readonly dispatch: (change: Change) => void;
  /** How often to compare the log's head with what was dispatched, to heal messages the backplane lost. */
  readonly pollMs: number;
  /** The clock of the poll. Default the system's. */
  readonly clock?: Clock;
  readonly reportError: (error: unknown, where: string) => void;
}

export interface ChangeFeed {
  /** The newest `seq` dispatched. */
  readonly head: number;
  start(): Promise<void>;
  stop(): void;
  /** Reads and dispatches anything committed but not yet dispatched (used by tests and after a backplane reconnect). */
  catchUp(): Promise<void>;
}

const FILL_BATCH = 1000;

/**
 * Turns backplane messages into a gapless, ordered stream of changes. The backplane is a
 * hint (docs/design-notes.md, "The change log is the truth"): a message ahead of `head + 1` means one was lost or is late, so the
 * gap is read from the change log; a periodic look at the log's head heals a backplane
 * that went silent.
 */
export function createChangeFeed(options: ChangeFeedOptions): ChangeFeed {
  let head = 0;
  let filling: Promise<void> | undefined;
  // Set when a fill is asked for while one runs: the running one reads the log once more.
  let again = false;
  let unsubscribe: (() => void) | undefined;
  let timer: TimerHandle | undefined;
  const clock = options.clock ?? systemClock;

  const fill = (): Promise<void> => {
    again = true;
    filling ??= (async () => {
      try {
        while (again) {
          again = false;
          for (;;) {
            const batch = await options.storage.changesSince(head, FILL_BATCH);
            for (const change of batch) {
              if (change.seq > head + 1) {
                // The log was trimmed past what this process dispatched: subscribers resume from the log or reload.
                options.reportError(new Error(`change feed skipped ${head + 1}..${change.seq - 1}: trimmed from the log`), 'change feed');
                head = change.seq - 1;
              }
              deliver(change);
            }
            if (batch.length < FILL_BATCH) break;
          }
        }
      } catch (error) {
        options.reportError(error, 'change feed: reading the change log');
      } finally {
        filling = undefined;
      }
    })();
    return filling;
  };

  function deliver(change: Change): void {
    if (change.seq !== head + 1) return;
    head = change.seq;
    try {
      options.dispatch(change);
    } catch (error) {
      options.reportError(error, 'change feed: dispatch');
    }
  }

  function receive(change: Change): void {
    if (change.seq <= head) return;
    if (change.seq === head + 1 && filling === undefined) deliver(change);
    else void fill();
  }

  return {
    get head() {
      return head;
    },
    async start() {
      head = (await options.storage.logBounds()).head;
      unsubscribe = options.backplane.subscribe(receive);
      timer = clock.setInterval(() => {
        options.storage.logBounds().then(
          (bounds) => {
            if (bounds.head > head) void fill();
          },
          (error: unknown) => options.reportError(error, 'change feed: polling the change log'),
        );
      }, options.pollMs);
    },
    stop() {
      unsubscribe?.();
      clock.clearInterval(timer);
    },
    async catchUp() {
      await filling;
      await fill();
    },
  };
}
