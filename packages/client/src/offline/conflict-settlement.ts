import { uuidv7 } from '@syncline/schema';
import type { JsonRecord } from '../requests/answers.js';
import { resolveConflict, type PolicyOutcome } from './conflict-policy.js';
import { jsonEqual } from './json-values.js';
import type { ConflictPolicyName, ConflictResolution, HeldConflict, PendingWrite } from './offline-types.js';
import { rebase, withoutSystemFields } from './rebase.js';
import { conflictErrorOf, type ReplicaCore } from './replica-core.js';

/** A URI whose pending writes meet a server version they did not start from. */
export interface ConflictInput {
  readonly uri: string;
  /** The server version the local writes started from (null: none, a create). */
  readonly base: JsonRecord | null;
  /** The server's current version (null: deleted) and its ETag. */
  readonly server: JsonRecord | null;
  readonly serverEtag: string | null;
}

/**
 * Settles a conflict by its policy (the first pending write's, else its resource's):
 *
 * - `server`: the pending writes are dropped (their calls reject with a ConflictError) and
 *   the server's version shows.
 * - a record (client wins, a clean merge, a custom policy): the pending writes are replaced
 *   by one write-back with a new idempotency key and `If-Match` on the server version it was
 *   made against, so a third writer in between causes another 412 and another settlement,
 *   never a silent overwrite. Against a server delete the write-back re-creates the record
 *   (`PUT` with `If-None-Match: *`); a `null` record is a `DELETE`. The calls that made the
 *   replaced writes settle with the write-back. A record equal to the server's (apart from
 *   system fields) sends nothing: the local intent is already there (e.g. a retry after the
 *   idempotency key expired).
 * - hold: a HeldConflict is persisted, the writes are dropped (their calls reject with a
 *   ConflictError), the entry shows the server's version with the local changes that merged
 *   cleanly, and `conflict` is emitted, until `client.resolve` decides.
 *
 * Runs inside the core's serial queue.
 *
 * @example
 * await settleConflict(core, { uri: '/todos/1', base, server, serverEtag: '"9"' });
 */
export async function settleConflict(core: ReplicaCore, input: ConflictInput): Promise<void> {
  const { uri, server, serverEtag } = input;
  const writes = core.outbox.forUri(uri);
  const local = rebase(input.base, writes);
  const conflict = { uri, base: input.base, local, server, serverEtag };
  let outcome: PolicyOutcome;
  try {
    outcome = await resolveConflict(core.policyFor(uri, writes[0]), conflict);
  } catch {
    // A policy that fails (a custom function that throws) keeps the conflict for the user.
    outcome = { resolution: { use: 'hold' }, fields: [] };
  }
  const keys = writes.map((write) => write.key);
  const resolution = settledByServer(outcome.resolution, server);
  core.outbox.remove(keys);
  core.setBase(uri, server, serverEtag);
  const batch = { deleteWrites: keys, putWrites: [] as PendingWrite[], putConflicts: [] as HeldConflict[] };
  switch (resolution.use) {
    case 'server':
      for (const write of writes) core.reject(write, conflictErrorOf(conflict));
      break;
    case 'same':
      for (const write of writes) core.settle(write, { record: server });
      break;
    case 'record': {
      const first = writes[0];
      const writeBack = writeBackOf(uri, resolution.record, server, serverEtag, { order: first?.order ?? core.outbox.nextOrder(), ...(first?.policy ? { policy: first.policy } : {}) });
      core.outbox.put(writeBack);
      core.handOn(keys, writeBack.key);
      batch.putWrites.push(writeBack);
      break;
    }
    case 'hold': {
      const held: HeldConflict = { ...conflict, fields: outcome.fields, heldAt: Date.now() };
      core.conflicts.set(uri, held);
      batch.putConflicts.push(held);
      const error = conflictErrorOf(held);
      for (const write of writes) core.settle(write, { error });
      core.events.conflict(error);
      break;
    }
  }
  core.show(uri);
  await core.commit(batch, [uri]);
}

/** A record the server already has is no write at all. */
function settledByServer(resolution: ConflictResolution, server: JsonRecord | null): ConflictResolution | { readonly use: 'same' } {
  if (resolution.use !== 'record') return resolution;
  return sameRecord(resolution.record, server) ? { use: 'same' } : resolution;
}

/**
 * Equal records apart from their system fields (null equals only null).
 *
 * @example
 * sameRecord({ id: '1', version: 3, title: 'Milk' }, { id: '1', version: 4, title: 'Milk' }); // true
 */
export function sameRecord(a: JsonRecord | null, b: JsonRecord | null): boolean {
  if (a === null || b === null) return a === b;
  return jsonEqual(withoutSystemFields(a), withoutSystemFields(b));
}

/**
 * The write that puts `record` on the server over `server` (pinned to its ETag): a `PUT`,
 * a `DELETE`, or a re-create when the server deleted it.
 *
 * @example
 * writeBackOf('/todos/1', merged, server, '"9"', { order: 12 }); // PUT /todos/1, If-Match "9"
 */
export function writeBackOf(uri: string, record: JsonRecord | null, server: JsonRecord | null, serverEtag: string | null, options: { readonly order: number; readonly policy?: ConflictPolicyName }): PendingWrite {
  const common = { key: uuidv7(), uri, madeAt: Date.now(), ...options };
  if (record === null) return { ...common, method: 'DELETE', create: false, ifMatch: serverEtag, base: server };
  const body = withoutSystemFields(record);
  if (server === null) return { ...common, method: 'PUT', create: true, body };
  return { ...common, method: 'PUT', create: false, body, ifMatch: serverEtag, base: server };
}
