import { SynclineError } from '@syncline/protocol';
import { SYSTEM_FIELDS, type AnyObjectSchema, type ResourceDefinition, type ResourceFields, type WriteRules } from '@syncline/schema';
import type { Change, StoredRecord } from '../storage/storage.js';
import { asRecord, hooksOf, readerOf } from './record-hooks.js';
import { validateWrite } from './validation.js';
import { applyChange, asksWriteRules, causedWrite, followsAnotherWrite, hookContext, type WriteContext } from './write-context.js';
import { checkReferences, eachReferring } from './write-transaction.js';

/*
 * The one place that decides what a write of a record runs, whichever path caused it
 * (docs/design-notes.md, "Every write of a record runs its hooks"):
 *
 * | cause    | validation          | write rule | before* | after* (runWrite) | change, version, fan-out |
 * |----------|---------------------|------------|---------|-------------------|--------------------------|
 * | request  | as the caller       | yes        | yes     | yes               | yes                      |
 * | action   | as the server       | no         | yes     | yes               | yes                      |
 * | cascade  | none (no input)     | no         | yes     | yes               | yes                      |
 * | inherit  | a hook's fields     | no         | yes     | yes               | yes                      |
 */

type AnyFields = ResourceFields<AnyObjectSchema>;
const rulesOf = (definition: ResourceDefinition): WriteRules<AnyObjectSchema> => definition.rules;

/** A record's own (schema) fields: what a write body carries. */
export function ownFields(record: StoredRecord): Record<string, unknown> {
  const fields: Record<string, unknown> = { ...record };
  for (const name of SYSTEM_FIELDS) delete fields[name];
  return fields;
}

/** A write rule's answer: `undefined` (no rule) allows; `false` refuses with 403. */
async function allowOrRefuse(answer: boolean | Promise<boolean> | undefined): Promise<void> {
  if (answer !== undefined && !(await answer)) throw new SynclineError('forbidden', { detail: 'The rules do not allow this write.' });
}

/** Whether a write of this resource has anything for {@link completeFields} to do besides what validation did. */
function needsCompletion(definition: ResourceDefinition, replaced: AnyFields | void): boolean {
  return replaced !== undefined || Object.keys(definition.references).length > 0 || Object.keys(definition.fieldRules).length > 0;
}

/** Runs a before-hook's replacement, inheritance and reference checks, then validates the whole record once more. */
async function completeFields(write: WriteContext, fields: Record<string, unknown>, replaced: AnyFields | void): Promise<Record<string, unknown>> {
  const completed = await checkReferences(write, replaced ?? fields);
  const serverSet = replaced !== undefined || completed !== (replaced ?? fields) || Object.keys(write.definition.fieldRules).length > 0;
  return serverSet ? validateWrite(write.definition, completed) : completed;
}

/**
 * Creates a record: validation, the create rule (for a request), `beforeCreate`,
 * references and inheritance, then the stored record and its change.
 *
 * @example
 * await createRecord({ deps, tx, context, definition: lists, cause: 'request', journal: [] }, { title: 'Groceries' }, uuidv7());
 */
export async function createRecord(write: WriteContext, body: unknown, id: string): Promise<Change> {
  const { definition, context } = write;
  const input = validateWrite(definition, body, undefined, context);
  if (asksWriteRules(write.cause)) await allowOrRefuse(rulesOf(definition).create?.(context, input as AnyFields));
  const replaced = await hooksOf(definition).beforeCreate?.(hookContext(write), input, readerOf(write.tx));
  const fields = await completeFields(write, input, replaced);
  const now = new Date().toISOString();
  return applyChange(write, { kind: 'create', resource: definition.name, after: { ...fields, id, createdAt: now, updatedAt: now } });
}

/**
 * Replaces a record's fields as {@link createRecord} does, then rewrites the fields that
 * records referring to it inherit (each such write with the cause `inherit`). An
 * inherited-field rewrite carries no caller's input, so only a hook's replacement of it
 * is validated. Returns the record's own change (the journal holds those it caused).
 */
export async function updateRecord(write: WriteContext, current: StoredRecord, body: unknown): Promise<Change> {
  const { definition, context } = write;
  const followed = followsAnotherWrite(write.cause);
  const input = followed ? (body as Record<string, unknown>) : validateWrite(definition, body, current, context);
  // Steps with nothing to do are skipped without an await: this is every write's path.
  const rule = asksWriteRules(write.cause) ? rulesOf(definition).update : undefined;
  if (rule !== undefined) await allowOrRefuse(rule(context, asRecord(current), input as AnyFields));
  const hook = hooksOf(definition).beforeUpdate;
  const replaced = hook === undefined ? undefined : await hook(hookContext(write), input, asRecord(current), readerOf(write.tx));
  const fields = (followed && replaced === undefined) || !needsCompletion(definition, replaced) ? input : await completeFields(write, input, replaced);
  const after = { ...fields, id: current.id, createdAt: current.createdAt, updatedAt: new Date().toISOString() };
  const change = await applyChange(write, { kind: 'update', resource: definition.name, before: current, after });
  if (write.deps.registry.inbound(definition.name).length > 0) await propagateInherited(write, change);
  return change;
}

/**
 * Deletes a record: the delete rule (for a request), `beforeDelete`, then what refers to
 * it (`restrict` refuses with 409; `cascade` deletes each, through this same function,
 * with the cause `cascade`), then the record and its change.
 */
export async function deleteRecord(write: WriteContext, current: StoredRecord): Promise<void> {
  const { definition, context, deps, tx } = write;
  if (asksWriteRules(write.cause)) await allowOrRefuse(rulesOf(definition).delete?.(context, asRecord(current)));
  await hooksOf(definition).beforeDelete?.(hookContext(write), asRecord(current), readerOf(tx));
  for (const inbound of deps.registry.inbound(definition.name)) {
    const referring = { from: inbound.from, field: inbound.field, id: current.id };
    if (inbound.onDelete === 'restrict') {
      const count = await tx.count(inbound.from.name, { field: inbound.field, op: 'eq', value: current.id });
      if (count > 0) throw new SynclineError('conflict', { detail: `${count} ${inbound.from.name} record(s) still refer to this ${definition.name} record.` });
      continue;
    }
    const cascade = causedWrite(write, inbound.from, 'cascade');
    await eachReferring(tx, referring, (child) => deleteRecord(cascade, child));
  }
  await applyChange(write, { kind: 'delete', resource: definition.name, before: current });
}

/**
 * After a record changed, rewrites the fields that records referring to it inherit, each
 * with its own change (so subscribers see those records enter and leave), recursively.
 */
async function propagateInherited(write: WriteContext, change: Change): Promise<void> {
  const { before, after } = change;
  if (before === null || after === null) return;
  for (const inbound of write.deps.registry.inbound(change.resource)) {
    const inherited = inbound.from.references[inbound.field]?.inherit ?? [];
    if (!inherited.some((name) => JSON.stringify(before[name]) !== JSON.stringify(after[name]))) continue;
    const rewrite = causedWrite(write, inbound.from, 'inherit');
    await eachReferring(write.tx, { from: inbound.from, field: inbound.field, id: after.id }, async (child) => {
      const fields = ownFields(child);
      for (const name of inherited) fields[name] = after[name];
      await updateRecord(rewrite, child, fields);
    });
  }
}
