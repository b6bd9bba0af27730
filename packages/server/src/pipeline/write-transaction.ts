import { SynclineError, type FieldError } from '@syncline/protocol';
import { MATCH_ALL, matchesFilter, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import { StorageConflictError, type Change, type StorageWriter, type StoredRecord, type UnversionedRecord } from '../storage/storage.js';
import type { Outcome } from '../operation.js';
import { answerInTransaction } from './idempotency.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { readScope } from './read-scope.js';

/** How often a write without `If-Match` is re-run when another writer got in first. */
const MAX_ATTEMPTS = 3;

/**
 * Runs a write transaction, then publishes its changes (after commit, never inside the
 * write: docs/design-notes.md, "Publish after commit, whole versioned records"). A write that lost a race is re-run from a fresh read unless the
 * client pinned a version with `If-Match`, in which case it is a 412. A body that returns
 * its `outcome` (the answer it will give) has it saved under the request's Idempotency-Key
 * in the same transaction; under a key, a body must return one.
 */
export async function runWrite<T extends { changes: Change[]; outcome?: Outcome }>(
  deps: PipelineDeps,
  pinned: boolean,
  body: (tx: StorageWriter) => Promise<T>,
): Promise<T> {
  const answered = async (tx: StorageWriter): Promise<T> => {
    const result = await body(tx);
    if (result.outcome !== undefined) await answerInTransaction(tx, result.outcome);
    return result;
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await deps.storage.write(answered);
      if (result.changes.length > 0) deps.publisher.publish(result.changes);
      return result;
    } catch (error) {
      if (!(error instanceof StorageConflictError)) throw error;
      if (pinned && error.reason !== 'exists') {
        throw new SynclineError('precondition-failed', { detail: 'The record changed while the request was applied.' });
      }
      if (attempt >= MAX_ATTEMPTS) throw new SynclineError('conflict', { detail: 'The record kept changing; try again.', cause: error });
    }
  }
}

/**
 * Every reference field must name a record that exists and that the caller may read.
 * Returns the fields with the values they inherit from the records they refer to.
 */
export async function checkReferences(
  deps: PipelineDeps,
  tx: StorageWriter,
  definition: ResourceDefinition,
  fields: Record<string, unknown>,
  context: RequestContext,
): Promise<Record<string, unknown>> {
  const errors: FieldError[] = [];
  let result = fields;
  for (const [field, reference] of Object.entries(definition.references)) {
    const value = fields[field];
    if (value === undefined || value === null) continue;
    const target = deps.registry.get(reference.resource);
    const found = typeof value === 'string' && target ? await tx.get(reference.resource, value) : undefined;
    if (!found || !target || !matchesFilter(readScope(target, context), found)) {
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

const PROPAGATE_BATCH = 500;

/**
 * After a record changed, rewrites the fields that records referring to it inherit, each
 * with its own change (so subscribers see those records enter and leave), recursively.
 */
export async function propagateInherited(deps: PipelineDeps, tx: StorageWriter, change: Change): Promise<Change[]> {
  const { before, after } = change;
  if (before === null || after === null) return [];
  const changes: Change[] = [];
  for (const inbound of deps.registry.inbound(change.resource)) {
    const inherited = inbound.from.references[inbound.field]?.inherit ?? [];
    const changed = inherited.filter((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]));
    if (changed.length === 0) continue;
    let last: string | undefined;
    for (;;) {
      const byParent = { field: inbound.field, op: 'eq', value: after.id } as const;
      const filter = last === undefined ? byParent : { and: [byParent, { field: 'id', op: 'gt', value: last } as const] };
      const batch = await tx.list(inbound.from.name, { filter, order: [{ field: 'id', direction: 'asc' }], limit: PROPAGATE_BATCH });
      for (const child of batch) {
        const next: Record<string, unknown> = { ...child, updatedAt: new Date().toISOString() };
        for (const name of inherited) next[name] = after[name];
        const childChange = await tx.apply({ kind: 'update', resource: inbound.from.name, before: child, after: next as UnversionedRecord });
        changes.push(childChange, ...(await propagateInherited(deps, tx, childChange)));
      }
      if (batch.length < PROPAGATE_BATCH) break;
      last = batch[batch.length - 1]?.id;
    }
  }
  return changes;
}

/**
 * Deletes a record and, first, what refers to it: `cascade` references are deleted
 * (recursively, each with its own change), `restrict` ones refuse with 409.
 */
export async function deleteWithReferences(deps: PipelineDeps, tx: StorageWriter, definition: ResourceDefinition, record: StoredRecord): Promise<Change[]> {
  const changes: Change[] = [];
  for (const inbound of deps.registry.inbound(definition.name)) {
    const filter = { field: inbound.field, op: 'eq', value: record.id } as const;
    if (inbound.onDelete === 'restrict') {
      const count = await tx.count(inbound.from.name, filter);
      if (count > 0) {
        throw new SynclineError('conflict', { detail: `${count} ${inbound.from.name} record(s) still refer to this ${definition.name} record.` });
      }
      continue;
    }
    for (;;) {
      const batch = await tx.list(inbound.from.name, { filter, order: [{ field: 'id', direction: 'asc' }], limit: 500 });
      for (const child of batch) changes.push(...(await deleteWithReferences(deps, tx, inbound.from, child)));
      if (batch.length < 500) break;
    }
  }
  changes.push(await tx.apply({ kind: 'delete', resource: definition.name, before: record }));
  return changes;
}

/** Reads the record a write targets, as absent when the caller may not read it. */
export async function readTarget(tx: StorageWriter, definition: ResourceDefinition, id: string, context: RequestContext): Promise<StoredRecord | undefined> {
  const record = await tx.get(definition.name, id);
  const scope = readScope(definition, context);
  return record !== undefined && (scope === MATCH_ALL || matchesFilter(scope, record)) ? record : undefined;
}

/** Runs an after-hook; its failure is reported, never turned into a failed write (the write is committed). */
export async function runAfterHook(deps: PipelineDeps, where: string, hook: (() => void | Promise<void>) | undefined): Promise<void> {
  if (hook === undefined) return;
  try {
    await hook();
  } catch (error) {
    deps.reportError(error, where);
  }
}
