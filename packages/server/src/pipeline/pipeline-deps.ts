import type { Change, Storage } from '../storage/storage.js';
import type { ResourceRegistry } from '../resource-registry.js';

/** Limits the pipeline enforces; each has an environment variable (docs/configuration.md). */
export interface PipelineLimits {
  /** Page size when a collection query gives no `limit`. */
  readonly defaultPageSize: number;
  /** Largest `limit` a collection query may ask for. */
  readonly maxPageSize: number;
  /** Conditions a collection query may hold, each value of an `in` list counting as one (400 beyond). */
  readonly maxQueryConditions: number;
  /** Refuse PUT/PATCH/DELETE of an existing record without `If-Match` (428). */
  readonly requireIfMatch: boolean;
}

/** Where committed changes go: the live layer publishes them to the backplane. */
export interface ChangePublisher {
  publish(changes: readonly Change[]): void;
}

/** What the pipeline needs from the server it runs in. */
export interface PipelineDeps {
  readonly registry: ResourceRegistry;
  readonly storage: Storage;
  readonly publisher: ChangePublisher;
  readonly limits: PipelineLimits;
  /**
   * Counts work that answers a caller without going through the executor (a SUBSCRIBE's
   * snapshot or resume), as the executor's operations are counted, so that `close()` lets
   * it answer before the sockets close (shutdown-drain.ts). Returns `work` unchanged.
   */
  readonly track: <T>(work: Promise<T>) => Promise<T>;
  /** Errors that must not fail the request (after-hooks) and unexpected ones (500). */
  readonly reportError: (error: unknown, where: string) => void;
}
