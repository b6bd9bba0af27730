import { SynclineError, type FieldError } from '@syncline/protocol';
import { MATCH_ALL, matchesFilter, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import { StorageConflictError, type StorageWriter, type StoredRecord } from '../storage/storage.js';
import type { Outcome } from '../operation.js';
import { answerInTransaction } from './idempotency.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { readScope } from './read-scope.js';
import { runAfterHooks } from './record-hooks.js';
import { followsAnotherWrite, type WriteContext, type WrittenChange } from './write-context.js';

/** How often a write without `If-Match` is re-run when another writer got in first. */
const MAX_ATTEMPTS = 3;

/**
 * Runs a write transaction, then publishes its changes (after commit, never inside the
 * write: docs/design-notes.md, "Publish after commit, whole versioned records") and runs
 * their after-hooks, for every path alike (requests, actions, cascades, inherited fields).
 * A write that lost a race is re-run from a fresh read unless the client pinned a version
 * with `If-Match`, in which case it is a 412. A body that returns its `outcome` (the answer
 * it will give) has it saved under the request's Idempotency-Key in the same transaction;
 * under a key, a body must return one.
 */
export async function runWrite<T extends { written: readonly WrittenChange[]; outcome?: Outcome }>(
  deps: PipelineDeps,
  pinned: boolean,
  body: (tx: StorageWriter) => Promise<T>,
): Promise<T> {
  const answered = async (tx: StorageWriter): Promise<T> => {
    const result = await body(tx);
    if (result.outcome !== undefined) await answerInTransaction(tx, result.outcome);
    return result;
  };
  const result = await commit(deps, pinned, answered);
  if (result.written.length > 0) deps.publisher.publish(result.written.map((entry) => entry.change));
  // Outside the retry loop: once committed, nothing an after-hook does may re-run the write.
  const afterHooks = runAfterHooks(deps, result.written);
  if (afterHooks !== undefined) await afterHooks;
  return result;
}

/** Commits `body`, re-running it after a lost race (at most MAX_ATTEMPTS times; 412 instead when pinned). */
async function commit<T>(deps: PipelineDeps, pinned: boolean, body: (tx: StorageWriter) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deps.storage.write(body);
    } catch (error) {
      if (!(error instanceof StorageConflictError)) throw error;
      if (pinned && error.reason !== 'exists') {
        throw new SynclineError('precondition-failed', { detail: 'The record changed while the request was applied.' });
      }
      if (attempt >= MAX_ATTEMPTS) throw new SynclineError('conflict', { detail: 'The record kept changing; try again.', cause: error });
    }
  }
}

/** The server's own context: what a cascade or an inherited-field rewrite checks references as. */
const SERVER: RequestContext = { transport: 'internal' };

/**
 * Every reference field must name a record that exists and that the caller may read (the
 * server, for writes no caller asked for: cascades and inherited-field rewrites).
 * Returns the fields with the values they inherit from the records they refer to.
 */
export async function checkReferences(write: WriteContext, fields: Record<string, unknown>): Promise<Record<string, unknown>> {
  const { deps, tx, definition } = write;
  const reader = followsAnotherWrite(write.cause) ? SERVER : write.context;
  const errors: FieldError[] = [];
  let result = fields;
  for (const [field, reference] of Object.entries(definition.references)) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    const target = deps.registry.get(reference.resource);
    const found = typeof value === 'string' && target ? await tx.get(reference.resource, value) : undefined;
    if (!found || !target || !matchesFilter(readScope(target, reader), found)) {
      errors.push({ path: [field], message: `no ${reference.resource} record ${JSON.stringify(value)}` });
      continue;
    }
    if (reference.inherit.length > 0) {
      result = { ...result };
      for (const name of reference.inherit) result[name] = found[name];
    }
  }
  if (errors.length > 0) throw new SynclineError('invalid-reference', { detail: 'A reference points to no record.', errors });
  return result;
}

const REFERRING_BATCH = 500;

/** Which records refer to one: those of `from` whose `field` holds its id. */
export interface Referring {
  readonly from: ResourceDefinition;
  readonly field: string;
  readonly id: string;
}

/**
 * Visits the records that refer to one, in id order, a batch at a time (so a list with
 * many todos is never read whole); `visit` may update or delete each.
 */
export async function eachReferring(tx: StorageWriter, referring: Referring, visit: (record: StoredRecord) => Promise<void>): Promise<void> {
  const byParent = { field: referring.field, op: 'eq', value: referring.id } as const;
  let last: string | undefined;
  for (;;) {
    const filter = last === undefined ? byParent : { and: [byParent, { field: 'id', op: 'gt', value: last } as const] };
    const batch = await tx.list(referring.from.name, { filter, order: [{ field: 'id', direction: 'asc' }], limit: REFERRING_BATCH });
    for (const record of batch) await visit(record);
    if (batch.length < REFERRING_BATCH) return;
    last = batch[batch.length - 1]?.id;
  }
}

/** Reads the record a write targets, as absent when the caller may not read it. */
export async function readTarget(tx: StorageWriter, definition: ResourceDefinition, id: string, context: RequestContext): Promise<StoredRecord | undefined> {
  const record = await tx.get(definition.name, id);
  const scope = readScope(definition, context);
  return record !== undefined && (scope === MATCH_ALL || matchesFilter(scope, record)) ? record : undefined;
}
