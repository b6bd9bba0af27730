import type { HookContext, RequestContext, ResourceDefinition, WriteCause } from '@syncline/schema';
import type { Change, Mutation, StorageWriter } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';

/** A change a write transaction made, with the context its record's `after*` hook receives once committed. */
export interface WrittenChange {
  readonly change: Change;
  readonly context: HookContext;
}

/**
 * One write of one record inside a write transaction: everything the create, update and
 * delete steps need, in place of a list of positional parameters. The writes it causes
 * (cascaded deletes, inherited fields rewritten in referring records) are derived from it
 * by {@link causedWrite} and share its `journal`.
 */
export interface WriteContext {
  readonly deps: PipelineDeps;
  readonly tx: StorageWriter;
  /** Who asked: the caller's context (for an action's writes, the server's own context that keeps who asked). */
  readonly context: RequestContext;
  /** The resource of the record written. */
  readonly definition: ResourceDefinition;
  /** Why the record is written: what decides which steps run (docs/design-notes.md, "Every write of a record runs its hooks"). */
  readonly cause: WriteCause;
  /** Every change the transaction made so far, in order: what is published, and whose after-hooks run, once committed. */
  readonly journal: WrittenChange[];
}

/** The write of another record that `write` causes: same transaction, caller and journal. */
export function causedWrite(write: WriteContext, definition: ResourceDefinition, cause: WriteCause): WriteContext {
  return { ...write, definition, cause };
}

/** What the write's hooks receive: the caller's context and the write's cause. */
export function hookContext(write: WriteContext): HookContext {
  return { ...write.context, cause: write.cause };
}

/**
 * Whether the resource's write rules (`create`, `update`, `delete`) are asked. Only a
 * client's request is: an action's `allow` authorized its writes, and a cascade or an
 * inherited-field rewrite follows from a write already authorized and from the schema.
 */
export function asksWriteRules(cause: WriteCause): boolean {
  return cause === 'request';
}

/** A cascade or an inherited-field rewrite: a write no caller asked for, which follows from another and from the schema. */
export function followsAnotherWrite(cause: WriteCause): boolean {
  return cause === 'cascade' || cause === 'inherit';
}

/** Stores a mutation and records its change in the journal. */
export async function applyChange(write: WriteContext, mutation: Mutation): Promise<Change> {
  const change = await write.tx.apply(mutation);
  write.journal.push({ change, context: hookContext(write) });
  return change;
}
