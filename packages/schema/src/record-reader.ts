import type { ActionRecord, ActionResource } from './define-action.js';
import type { RecordOf } from './define-resource.js';

/** A record a {@link RecordReader} reads: typed by its definition, or loosely when given only `{ name }`. */
export type ReadRecord<D> = unknown extends RecordOf<D> ? ActionRecord : [RecordOf<D>] extends [never] ? ActionRecord : RecordOf<D>;

/**
 * Reads other records inside the write's own transaction, for `before*` hooks: what they
 * read is what the write commits against (a record deleted meanwhile is not there; a write
 * that lost a race re-runs its hooks on a fresh read). It reads as the server: read rules
 * do not apply, so a hook must not hand what it reads back to the caller. A resource the
 * hook cannot import (one of another package, such as the sign-in's `users`) is named by
 * `{ name }`.
 *
 * @example
 * hooks: {
 *   beforeUpdate: async (ctx, next, current, read) => {
 *     for (const name of next.members) {
 *       if ((await read.get({ name: 'users' }, name)) === undefined) throw new SynclineError('validation-failed', { … });
 *     }
 *   },
 * }
 */
export interface RecordReader {
  /** The record, or `undefined` when there is none. */
  get<D extends ActionResource>(resource: D, id: string): Promise<ReadRecord<D> | undefined>;
}
