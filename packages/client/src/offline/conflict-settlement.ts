import { uuidv7 } from '@syncline/schema';
import type { JsonRecord } from '../requests/answers.js';
import { resolveConflict, type PolicyOutcome } from './conflict-policy.js';
import { jsonEqual } from './json-values.js';
import type { ConflictPolicy, ConflictPolicyName, ConflictResolution, HeldConflict, PendingWrite } from './offline-types.js';
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
  const local = localSide(input.base, writes, server);
  const conflict = { uri, base: input.base, local, server, serverEtag };
  // A user's resolution among the writes (client.resolve) is settled by its own rule.
  const resolving = writes.some((write) => write.resolution === true);
  const policy = core.policyFor(uri, writes[0]);
  let outcome: PolicyOutcome;
  try {
    outcome = await resolveConflict(resolving ? resolutionPolicy(policy) : policy, conflict);
  } catch {
    // A policy that fails (a custom function that throws) keeps the conflict for the user.
    outcome = { resolution: { use: 'hold' }, fields: [] };
  }
  const keys = writes.map((write) => write.key);
  const resolution = settledByServer(outcome.resolution, { base: input.base, writes, server });
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
      const writeBack = writeBackOf(uri, resolution.record, { record: server, etag: serverEtag }, {
        order: first?.order ?? core.outbox.nextOrder(),
        ...(first?.policy ? { policy: first.policy } : {}),
        ...(resolving ? { resolution: true } : {}),
      });
      core.outbox.put(writeBack);
      core.handOn(keys, writeBack.key);
      batch.putWrites.push(writeBack);
      break;
    }
    case 'hold': {
      const held: HeldConflict = { ...conflict, fields: outcome.fields, heldAt: Date.now() };
      core.conflicts.set(uri, held);
      core.outbox.conflictsChanged();
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

/**
 * What the pending writes make of the record: applied to the server version they were made
 * against; or, when they were pinned to none although they edit a record (the client knew of
 * no version when they left: a delete it heard of, a record re-created since), applied to the
 * server's current version. Never "nothing" merely because a patch had no version to apply
 * to: that "nothing" would equal the absent base, so a merge would take the server's
 * version as if the user had changed nothing, and acknowledge the writes with it.
 */
function localSide(base: JsonRecord | null, writes: readonly PendingWrite[], server: JsonRecord | null): JsonRecord | null {
  const first = writes[0];
  if (base === null && first !== undefined && !first.create) return rebase(server, writes);
  return rebase(base, writes);
}

/**
 * The policy that settles a user's resolution meeting a newer server version. The user
 * decided against the version they were shown; a newer one they have not seen must not
 * overrule that decision unseen (`server-wins`, or a custom policy answering `server`): the
 * choice is merged with it field by field, and held again where both changed the same field.
 * A `client-wins` resource writes the choice over it, as it would any local edit.
 */
function resolutionPolicy(policy: ConflictPolicy): ConflictPolicyName {
  return policy === 'client-wins' ? 'client-wins' : 'merge';
}

/**
 * A record the server already has is no write at all: the writes settle with the server's
 * version. That answer is an acknowledgement, so it must carry the writes (the invariant
 * that a write, a resolution above all, is never acknowledged with a version without it).
 * With a known base, the policy's record already says so (a merge keeps every local change
 * against the base). Without one (a create, or writes pinned to no version) the base cannot
 * tell what the user changed; the server's version carries the writes only if applying them
 * to it changes nothing. Otherwise, e.g. a user's re-creation and then delete met by another
 * writer's re-creation, nothing is acknowledged: the conflict is held for the user.
 */
function settledByServer(resolution: ConflictResolution, input: { readonly base: JsonRecord | null; readonly writes: readonly PendingWrite[]; readonly server: JsonRecord | null }): ConflictResolution | { readonly use: 'same' } {
  if (resolution.use !== 'record' || !sameRecord(resolution.record, input.server)) return resolution;
  if (input.base === null && !sameRecord(rebase(input.server, input.writes), input.server)) return { use: 'hold' };
  return { use: 'same' };
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
 * The write that puts `record` on the server over the server's version (pinned to its ETag):
 * a `PUT`, a `DELETE`, or a re-create when the server deleted it.
 *
 * @example
 * writeBackOf('/todos/1', merged, { record: server, etag: '"9"' }, { order: 12 }); // PUT /todos/1, If-Match "9"
 */
export function writeBackOf(uri: string, record: JsonRecord | null, over: { readonly record: JsonRecord | null; readonly etag: string | null }, options: { readonly order: number; readonly policy?: ConflictPolicyName; readonly resolution?: true }): PendingWrite {
  const { record: server, etag: serverEtag } = over;
  const common = { key: uuidv7(), uri, madeAt: Date.now(), ...options };
  if (record === null) return { ...common, method: 'DELETE', create: false, ifMatch: serverEtag, base: server };
  const body = withoutSystemFields(record);
  if (server === null) return { ...common, method: 'PUT', create: true, body };
  return { ...common, method: 'PUT', create: false, body, ifMatch: serverEtag, base: server };
}
