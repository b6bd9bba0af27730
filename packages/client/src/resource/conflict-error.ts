import { SynclineError } from '@syncline/protocol';

/**
 * A write refused with 412 because the record changed on the server since the local copy
 * was taken (dirty, remote etag differs → CONFLICT: docs/design-notes.md, "The reconcile table"). It carries both sides, so
 * the application (or, later, a conflict policy) can resolve it; it is never dropped.
 *
 * @example
 * try {
 *   await client.resource(todos).patch(id, { title: 'Oat milk' });
 * } catch (error) {
 *   if (error instanceof ConflictError) showBoth(error.local, error.server);
 * }
 */
export class ConflictError<T = Record<string, unknown>> extends SynclineError {
  /** The record's URI. */
  readonly uri: string;
  /** The version the local write attempted (null for a delete). */
  readonly local: T | null;
  /** The server's current version (null when it was deleted), and its ETag. */
  readonly server: T | null;
  readonly serverEtag: string | null;

  constructor(options: { uri: string; local: T | null; server: T | null; serverEtag: string | null; cause?: unknown }) {
    super('precondition-failed', { detail: `${options.uri} changed on the server; the local write was not applied.`, cause: options.cause });
    this.name = 'ConflictError';
    this.uri = options.uri;
    this.local = options.local;
    this.server = options.server;
    this.serverEtag = options.serverEtag;
  }
}
