import type { ReconcileOutcome } from './offline-types.js';

/** What {@link classify} needs to know of a replica entry. */
export interface ReconcileInput {
  /** The ETag of the server version the entry holds (null: none known, or deleted). */
  readonly etag: string | null;
  /** A local edit is not yet confirmed by the server. */
  readonly dirty: boolean;
  /** The entry is a create the server never acknowledged (it has no server version yet). */
  readonly created: boolean;
}

/**
 * Reconciliation of one replica entry against the server's current ETag (null: the server
 * has no such record), exactly the table of docs/design-notes.md, "The reconcile table":
 *
 * | entry | server's ETag equal to the entry's? | outcome |
 * |---|---|---|
 * | a create never acknowledged | — | `create`: send it (`PUT` + `If-None-Match: *`, same idempotency key) |
 * | dirty | yes | `ok`: send the edit with `If-Match` |
 * | dirty | no (including deleted on the server) | `conflict`: apply the conflict policy |
 * | clean | yes | `noop` |
 * | clean | no (including deleted on the server) | `redownload` (or drop it when deleted) |
 *
 * A create stays `create` even when the server already has the record: its answer was lost,
 * and resending it with the same idempotency key replays the stored outcome.
 * ETags compare strongly (RFC 9110 §8.8.3.2): a weak ETag (`W/"…"`) never equals anything,
 * since `If-Match` would not match it either. Two absent ETags (null, null) are equal: the
 * record is absent on both sides.
 *
 * @example
 * classify({ etag: '"3"', dirty: true, created: false }, '"3"'); // 'ok'
 * classify({ etag: '"3"', dirty: false, created: false }, '"5"'); // 'redownload'
 */
export function classify(entry: ReconcileInput, serverEtag: string | null): ReconcileOutcome {
  if (entry.created) return 'create';
  const equal = etagsMatch(entry.etag, serverEtag);
  if (entry.dirty) return equal ? 'ok' : 'conflict';
  return equal ? 'noop' : 'redownload';
}

/** Strong comparison of two ETags (RFC 9110 §8.8.3.2); null matches only null. */
export function etagsMatch(local: string | null, server: string | null): boolean {
  if (local === null || server === null) return local === server;
  return local === server && !local.startsWith('W/');
}
