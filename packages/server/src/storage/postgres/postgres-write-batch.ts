import { sql } from 'kysely';
import type { StorageWriter } from '../storage.js';
import type { ResourceTable } from '../sql/record-codec.js';
import type { SqlDatabase, SqlDialect } from '../sql/sql-dialect.js';
import { TransactionState, createWriter, type TransactionScope } from '../sql/sql-transaction.js';

/** SQLSTATEs after which a write may simply run again: serialization failure, deadlock detected. */
const RETRYABLE_CODES = new Set(['40001', '40P01']);
/** How many times a write is run in all when it keeps meeting a deadlock or serialization failure. */
const MAX_RUNS = 3;
const SAVEPOINT = 'SAVEPOINT syncline_write';

export interface WriteBatcherOptions {
  readonly db: SqlDatabase;
  readonly dialect: SqlDialect;
  readonly tableOf: (resource: string) => ResourceTable;
  readonly now: () => Date;
  /** The most writes one transaction holds (`SYNCLINE_PG_WRITE_BATCH_MAX`). */
  readonly maxBatch: number;
}

/** Writes of one process gathered into shared transactions; see {@link createWriteBatcher}. */
export interface WriteBatcher {
  /** Runs `fn` in its own savepoint of the next batch; settles once that batch has committed (or failed). */
  write<T>(fn: (tx: StorageWriter) => Promise<T>): Promise<T>;
  /** Resolves once every queued write has settled. */
  idle(): Promise<void>;
}

interface QueuedWrite {
  readonly fn: (tx: StorageWriter) => Promise<unknown>;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  runs: number;
}

function isRetryable(error: unknown): boolean {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && RETRYABLE_CODES.has(code);
}

/**
 * Group commit: the concurrent writes of one process share one transaction, so the
 * writers' lock (the `syncline_seq` row) and the WAL flush of the commit are paid once
 * per batch rather than once per write. No timer: the next batch is whatever queued while
 * the previous one was in flight (and one turn of the event loop after it, so requests
 * already received join), at most `maxBatch` writes, and one batch runs at a time.
 *
 * A batch begins, takes the writers' lock, then runs its writes one after another, each
 * in its own SAVEPOINT: each sees the ones before it (so `If-Match` and idempotency keys
 * stay exact), takes the next seq under the lock the batch holds (positions stay gapless
 * and in commit order), and one that throws is rolled back to its savepoint and gets its
 * own error while the others go on. Every write settles only after the batch's COMMIT:
 * nothing is acknowledged that is not durable, and a failed COMMIT (or a lost
 * connection) fails every write of the batch with that error (503 `unavailable` when the
 * database is away). A write that meets a deadlock or serialization failure is queued
 * again for the next batch, at most {@link MAX_RUNS} runs in all.
 *
 * @example
 * const batcher = createWriteBatcher({ db, dialect: postgresDialect, tableOf, now, maxBatch: 64 });
 * const change = await batcher.write((tx) => tx.apply(mutation));
 */
export function createWriteBatcher(options: WriteBatcherOptions): WriteBatcher {
  const { db, dialect, tableOf, now, maxBatch } = options;
  const queue: QueuedWrite[] = [];
  let draining: Promise<void> | undefined;

  function start(): void {
    if (draining !== undefined) return;
    draining = (async () => {
      try {
        while (queue.length > 0) {
          await runBatch(queue.splice(0, maxBatch));
          // One turn of the event loop: the answers of the batch just committed go out, and
          // requests already received are read, so they join the next batch rather than the one after.
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      } finally {
        // Synchronously after the queue was seen empty: a write queued later starts a new drain.
        draining = undefined;
      }
    })();
  }

  /** Runs one batch; never throws: every write of it is settled (or queued again). */
  async function runBatch(batch: readonly QueuedWrite[]): Promise<void> {
    const settle: Array<() => void> = [];
    const again: QueuedWrite[] = [];
    try {
      await db.connection().execute(async (connection) => {
        const scope: TransactionScope = { db: connection, dialect, tableOf, now };
        // Statements without parameters go as one simple query, in one round trip: begin,
        // take the writers' lock and set the first write's savepoint.
        await sql.raw(`${dialect.beginWrite}; ${dialect.lockWriters ?? 'SELECT 1'}; ${SAVEPOINT}`).execute(connection);
        try {
          for (const [index, item] of batch.entries()) {
            const last = index === batch.length - 1;
            const state = new TransactionState();
            try {
              const result = await item.fn(createWriter(scope, state));
              if (state.doomedBy !== undefined) throw state.doomedBy;
              // Keeps this write and sets the next one's savepoint, in one round trip.
              if (!last) await sql.raw(`RELEASE ${SAVEPOINT}; ${SAVEPOINT}`).execute(connection);
              settle.push(() => item.resolve(result));
            } catch (error) {
              state.open = false;
              // Undoes this write alone (its seq too: nobody took a later one), and keeps the
              // savepoint for the next write. A failure here means the connection is gone,
              // and fails the batch below.
              await sql.raw(`ROLLBACK TO ${SAVEPOINT}`).execute(connection);
              if (isRetryable(error) && ++item.runs < MAX_RUNS) again.push(item);
              else settle.push(() => item.reject(error));
            } finally {
              state.open = false;
            }
          }
          await sql.raw('COMMIT').execute(connection);
        } catch (error) {
          await sql.raw('ROLLBACK').execute(connection).catch(() => undefined);
          throw error;
        }
      });
    } catch (error) {
      // Nothing of the batch committed: every write fails with the error that ended it,
      // or runs again in the next batch when the database asks for a retry.
      const retried: QueuedWrite[] = [];
      for (const item of batch) {
        if (isRetryable(error) && ++item.runs < MAX_RUNS) retried.push(item);
        else item.reject(error);
      }
      queue.unshift(...retried);
      return;
    }
    for (const done of settle) done();
    queue.unshift(...again);
  }

  return {
    write<T>(fn: (tx: StorageWriter) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject, runs: 0 });
        start();
      });
    },
    async idle() {
      while (draining !== undefined) await draining;
    },
  };
}
