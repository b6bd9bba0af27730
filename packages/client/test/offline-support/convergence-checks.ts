import type { Change } from '@syncline/server';
import type { JsonRecord } from '../../src/requests/answers.js';
import { knownNotes, type Actor, type WriteRecord } from './convergence-actors.js';
import { opOf } from './convergence-steps.js';
import type { LedgerEntry } from './write-ledger.js';

/** The fields a replica and the server must agree on. */
const COMPARED = ['id', 'version', 'title', 'body', 'done', 'n', 'op'] as const;

/**
 * (1) Every replica equals the server for the records it has: clean, same ETag and
 * version, same fields; and no replica keeps a record the server deleted.
 *
 * @example
 * expect(replicaDifferences(actors, await server.records())).toEqual([]);
 */
export function replicaDifferences(actors: readonly Actor[], server: ReadonlyMap<string, Record<string, unknown>>): string[] {
  const problems: string[] = [];
  for (const actor of actors) {
    const name = actor.config.name;
    if (actor.client.outbox.size() > 0) problems.push(`${name}: ${actor.client.outbox.size()} writes still wait in the outbox`);
    if (actor.client.conflicts().length > 0) problems.push(`${name}: conflicts still held at ${actor.client.conflicts().map((held) => held.uri).join(', ')}`);
    for (const entry of knownNotes(actor)) {
      const record = server.get(entry.uri);
      if (record === undefined) {
        problems.push(`${name}: holds ${entry.uri}, which the server deleted`);
        continue;
      }
      if (entry.dirty) problems.push(`${name}: ${entry.uri} is still dirty`);
      if (entry.etag !== `"${String(record['version'])}"`) problems.push(`${name}: ${entry.uri} has ETag ${entry.etag}, the server version ${String(record['version'])}`);
      const mine = comparable(entry.data);
      const theirs = comparable(record);
      if (mine !== theirs) problems.push(`${name}: ${entry.uri} is ${mine}, the server's is ${theirs}`);
    }
  }
  return problems;
}

/**
 * (2) No acknowledged write was lost: the version a write's promise resolved with is in
 * the change log with that content, and carries this write's token or a later one of the
 * same client (several pending writes settled by one write-back resolve with its version);
 * an acknowledged delete has a delete in the log.
 *
 * @example
 * expect(lostAcknowledgements(journal.writes, await server.changes())).toEqual([]);
 */
export function lostAcknowledgements(writes: readonly WriteRecord[], log: readonly Change[]): string[] {
  const problems: string[] = [];
  const bySeq = new Map(log.map((change) => [change.seq, change]));
  const deleted = new Set(log.filter((change) => change.kind === 'delete').map((change) => `/notes/${change.id}`));
  for (const write of writes) {
    if (write.outcome.state !== 'acked') continue;
    const label = `${write.actor}'s ${write.kind} of ${write.uri} (step ${write.step}${write.token ? `, ${write.token}` : ''})`;
    const { record } = write.outcome;
    if (record === null) {
      if (!deleted.has(write.uri)) problems.push(`${label} was acknowledged as deleted, but the log never deleted it`);
      continue;
    }
    const change = bySeq.get(Number(record['version']));
    if (change === undefined || change.after === null || `/notes/${change.id}` !== write.uri) {
      problems.push(`${label} was acknowledged with version ${String(record['version'])}, which is not a write of ${write.uri} in the log`);
      continue;
    }
    if (comparable(change.after) !== comparable(record)) problems.push(`${label} was acknowledged as ${comparable(record)}, the log has ${comparable(change.after)}`);
    if (write.token !== undefined && tokenNumber(opOf(record)[write.actor]) < tokenNumber(write.token)) {
      problems.push(`${label} was acknowledged with a version that does not carry it (op ${JSON.stringify(opOf(record))})`);
    }
  }
  return problems;
}

/**
 * (3) No write was applied twice: every change was made under an idempotency key that one
 * of the clients sent, no key made changes in two transactions, and no client token was
 * brought into a record by two of its own client's keys.
 *
 * @example
 * expect(doubleApplications(server.ledger.entries(), log, keyOwners(actors))).toEqual([]);
 */
export function doubleApplications(ledger: readonly LedgerEntry[], log: readonly Change[], owner: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const keyOfSeq = new Map<number, string | undefined>();
  const transactions = new Map<string, number>();
  for (const entry of ledger) {
    for (const change of entry.changes) keyOfSeq.set(change.seq, entry.key);
    if (entry.key === undefined) continue;
    transactions.set(entry.key, (transactions.get(entry.key) ?? 0) + 1);
    if (!owner.has(entry.key)) problems.push(`key ${entry.key} made changes but no client sent it`);
  }
  for (const [key, count] of transactions) if (count > 1) problems.push(`key ${key} made changes in ${count} transactions`);
  const introduced = new Map<string, number[]>();
  for (const change of log) {
    if (!keyOfSeq.has(change.seq)) problems.push(`change ${change.seq} (${change.kind} ${change.id}) was made outside the ledger`);
    const key = keyOfSeq.get(change.seq);
    if (key === undefined) {
      problems.push(`change ${change.seq} (${change.kind} ${change.id}) was made without an idempotency key`);
      continue;
    }
    const writer = owner.get(key);
    const after = opOf(change.after);
    const before = opOf(change.before);
    if (writer === undefined || after[writer] === undefined || after[writer] === before[writer]) continue;
    const token = after[writer];
    introduced.set(token, [...(introduced.get(token) ?? []), change.seq]);
  }
  for (const [token, seqs] of introduced) if (seqs.length > 1) problems.push(`${token} was applied by changes ${seqs.join(', ')}`);
  return problems;
}

/**
 * (4) Every conflict was settled by its policy or held, none dropped: every write's
 * promise settled; a write refused for a conflict was overruled by `server-wins` or its
 * conflict was held; an edit refused with not-found was replaced by a later delete of its
 * client, or met a delete on the server that its policy let win (`deletedOnServer`: URIs the log deleted); every held conflict is still held or was resolved by the user; no write was
 * refused for another reason.
 *
 * @example
 * expect(droppedConflicts(actors, journal.writes)).toEqual([]);
 */
export function droppedConflicts(actors: readonly Actor[], writes: readonly WriteRecord[], deletedOnServer: ReadonlySet<string> = new Set()): string[] {
  const problems: string[] = [];
  for (const actor of actors) {
    const name = actor.config.name;
    const heldNow = new Set(actor.client.conflicts().map((held) => held.uri));
    for (const held of actor.held) {
      const resolvedLater = actor.resolved.some((resolved) => resolved.uri === held.uri && resolved.step >= held.step);
      if (!heldNow.has(held.uri) && !resolvedLater) problems.push(`${name}: the conflict held at ${held.uri} (step ${held.step}) is neither held nor resolved`);
    }
    for (const uri of heldNow) if (!actor.held.some((held) => held.uri === uri)) problems.push(`${name}: ${uri} is held, but no conflict event told the application`);
    for (const rejection of actor.rejections) {
      if (rejection.error.code !== 'precondition-failed') problems.push(`${name}: a write to ${rejection.uri} was refused: ${rejection.error.code} ${rejection.error.message}`);
    }
  }
  for (const write of writes) {
    const label = `${write.actor}'s ${write.kind} of ${write.uri} (step ${write.step})`;
    if (write.outcome.state === 'pending') {
      problems.push(`${label} never settled`);
      continue;
    }
    if (write.outcome.state !== 'rejected') continue;
    const { error } = write.outcome;
    const code = error !== null && typeof error === 'object' && 'code' in error ? String(error.code) : String(error);
    // An edit that a later delete of the same client replaced (one write-back for both) is answered not-found.
    const deletedLater = writes.some((other) => other.actor === write.actor && other.uri === write.uri && other.step >= write.step && other !== write && (other.kind === 'delete' || other.kind === 'resolve'));
    // An edit of a record another client deleted, settled for the delete: by server-wins, or by a
    // merge when the edit changed nothing the delete would lose. The record is gone, and the call says so.
    // A conflict is settled by the policy of the first pending write of its URI
    // (conflict-settlement.ts), so an earlier pending write of this client's with another
    // policy may have settled this `client-wins` edit for the delete too.
    const settledByPolicy = (other: WriteRecord): boolean => other.actor === write.actor && other.uri === write.uri && other.step <= write.step && other.policy !== 'client-wins';
    const goneOnServer = deletedOnServer.has(write.uri) && writes.some(settledByPolicy);
    if (code === 'not-found' && write.kind !== 'delete' && (deletedLater || goneOnServer)) continue;
    if (code !== 'precondition-failed') {
      problems.push(`${label} was rejected with ${code}: ${error instanceof Error ? error.message : ''}`);
      continue;
    }
    const actor = actors.find((candidate) => candidate.config.name === write.actor);
    const held = actor?.held.some((event) => event.uri === write.uri && event.step >= write.step) ?? false;
    const overruled = writes.some((other) => other.actor === write.actor && other.uri === write.uri && other.policy === 'server-wins');
    if (!held && !overruled) problems.push(`${label} was rejected for a conflict that was neither held nor settled by server-wins`);
  }
  return problems;
}

/**
 * Which client sent each idempotency key (as its proxy saw it).
 *
 * @example
 * keyOwners(actors).get(key); // 'c2'
 */
export function keyOwners(actors: readonly Actor[]): Map<string, string> {
  const owner = new Map<string, string>();
  for (const actor of actors) for (const key of actor.keys) owner.set(key, actor.config.name);
  return owner;
}

/** The compared fields as canonical JSON. */
function comparable(record: JsonRecord | Record<string, unknown> | null): string {
  if (record === null) return 'null';
  return JSON.stringify(COMPARED.map((field) => [field, field === 'op' ? sortedOp(record[field]) : (record[field] ?? null)]));
}

function sortedOp(value: unknown): [string, string][] {
  return Object.entries(opOf({ op: value })).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function tokenNumber(token: string | undefined): number {
  return token === undefined ? -1 : Number(token.slice(token.lastIndexOf(':') + 1));
}
