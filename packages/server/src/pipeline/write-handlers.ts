import { SynclineError } from '@syncline/protocol';
import { uuidv7, type AnyObjectSchema, type ActionResource, type Hooks, type ReadRecord, type RecordReader, type RequestContext, type ResourceDefinition, type ResourceFields, type ResourceRecord, type WriteRules } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import { recordUri, type ResourceTarget } from '../resource-registry.js';
import type { Change, StorageWriter, StoredRecord } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { evaluatePreconditions } from './preconditions.js';
import { JSON_TYPE } from './read-handlers.js';
import { recordEtag, representRecord } from './representation.js';
import { validateWrite } from './validation.js';
import { checkReferences, deleteWithReferences, propagateInherited, readTarget, runAfterHook, runWrite } from './write-transaction.js';
import { fieldView } from './field-access.js';
import { JSON_PATCH_TYPE, MERGE_PATCH_TYPE, patchRecord } from './record-patch.js';

export { JSON_PATCH_TYPE, MERGE_PATCH_TYPE } from './record-patch.js';

type AnyHooks = Hooks<AnyObjectSchema>;
type AnyRecord = ResourceRecord<AnyObjectSchema>;
type AnyFields = ResourceFields<AnyObjectSchema>;
// Definitions are typed per schema; the pipeline handles any of them, as records it has validated.
const hooksOf = (definition: ResourceDefinition): AnyHooks => definition.hooks as AnyHooks;
const rulesOf = (definition: ResourceDefinition): WriteRules<AnyObjectSchema> => definition.rules;
const asRecord = (record: StoredRecord): AnyRecord => record as unknown as AnyRecord;

/** What `before*` hooks read other records with: the write's own transaction, as the server. */
const readerOf = (tx: StorageWriter): RecordReader => ({
  get: async <D extends ActionResource>(resource: D, id: string) => (await tx.get(resource.name, id)) as ReadRecord<D> | undefined,
});

interface WriteResult {
  /** The target record's change first, then those it caused (inherited fields rewritten). */
  changes: Change[];
  status: 200 | 201 | 204;
}

function recordOutcome(definition: ResourceDefinition, result: WriteResult, context: RequestContext): Outcome {
  const after = result.changes[0]?.after;
  if (result.status === 204 || !after) return { status: 204, headers: {} };
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, etag: recordEtag(after.version) };
  if (result.status === 201) headers['location'] = recordUri(definition.name, after.id);
  return { status: result.status, headers, body: representRecord(definition, after, fieldView(definition, context)) };
}

/**
 * A write body that also answers, inside the transaction, with the outcome the handler
 * gives: `runWrite` saves it under the request's Idempotency-Key with the write.
 */
function answering(definition: ResourceDefinition, context: RequestContext, body: (tx: StorageWriter) => Promise<WriteResult>): (tx: StorageWriter) => Promise<WriteResult & { outcome: Outcome }> {
  return async (tx) => {
    const result = await body(tx);
    return { ...result, outcome: recordOutcome(definition, result, context) };
  };
}

/** Runs before-hooks' replacement, inheritance and reference checks, then validates the whole record once more. */
async function completeFields(
  deps: PipelineDeps,
  tx: StorageWriter,
  definition: ResourceDefinition,
  context: RequestContext,
  fields: Record<string, unknown>,
  replaced: AnyFields | void,
): Promise<Record<string, unknown>> {
  const completed = await checkReferences(deps, tx, definition, replaced ?? fields, context);
  const serverSet = replaced !== undefined || completed !== (replaced ?? fields) || Object.keys(definition.fieldRules).length > 0;
  return serverSet ? validateWrite(definition, completed) : completed;
}

/** `If-Match` is required for changes to existing records when the server is configured so (428, RFC 6585 §3). */
function requireIfMatch(deps: PipelineDeps, op: Operation): void {
  if (deps.limits.requireIfMatch && op.headers['if-match'] === undefined) {
    throw new SynclineError('precondition-required', { detail: 'Send If-Match with the ETag you last read.' });
  }
}

/** A write rule's answer: `undefined` (no rule) allows; `false` refuses with 403. */
async function allowOrRefuse(answer: boolean | Promise<boolean> | undefined): Promise<void> {
  if (answer !== undefined && !(await answer)) throw new SynclineError('forbidden', { detail: 'The rules do not allow this write.' });
}

/**
 * Creates a record inside a write transaction: validation, the create rule (unless
 * `applyRules` is false: an action's own writes), `beforeCreate`, references and
 * inheritance, then the stored record and its change.
 */
export async function createRecord(
  deps: PipelineDeps,
  tx: StorageWriter,
  definition: ResourceDefinition,
  context: RequestContext,
  body: unknown,
  id: string,
  applyRules = true,
): Promise<Change> {
  const input = validateWrite(definition, body, undefined, context);
  if (applyRules) await allowOrRefuse(rulesOf(definition).create?.(context, input as AnyFields));
  const replaced = await hooksOf(definition).beforeCreate?.(context, input, readerOf(tx));
  const fields = await completeFields(deps, tx, definition, context, input, replaced);
  const now = new Date().toISOString();
  return tx.apply({ kind: 'create', resource: definition.name, after: { ...fields, id, createdAt: now, updatedAt: now } });
}

/** Replaces a record's fields inside a write transaction, as {@link createRecord} does; returns its change and those it caused. */
export async function updateRecord(
  deps: PipelineDeps,
  tx: StorageWriter,
  definition: ResourceDefinition,
  context: RequestContext,
  current: StoredRecord,
  body: unknown,
  applyRules = true,
): Promise<Change[]> {
  const input = validateWrite(definition, body, current, context);
  if (applyRules) await allowOrRefuse(rulesOf(definition).update?.(context, asRecord(current), input as AnyFields));
  const replaced = await hooksOf(definition).beforeUpdate?.(context, input, asRecord(current), readerOf(tx));
  const fields = await completeFields(deps, tx, definition, context, input, replaced);
  const after = { ...fields, id: current.id, createdAt: current.createdAt, updatedAt: new Date().toISOString() };
  const change = await tx.apply({ kind: 'update', resource: definition.name, before: current, after });
  return [change, ...(await propagateInherited(deps, tx, change))];
}

/** Deletes a record inside a write transaction: the delete rule (unless `applyRules` is false), `beforeDelete`, then the record and what cascades from it. */
export async function deleteRecord(
  deps: PipelineDeps,
  tx: StorageWriter,
  definition: ResourceDefinition,
  context: RequestContext,
  current: StoredRecord,
  applyRules = true,
): Promise<Change[]> {
  if (applyRules) await allowOrRefuse(rulesOf(definition).delete?.(context, asRecord(current)));
  await hooksOf(definition).beforeDelete?.(context, asRecord(current), readerOf(tx));
  return deleteWithReferences(deps, tx, definition, current);
}

/** Runs the after-hooks of committed changes, each with its own resource's hooks. */
export async function afterChanges(deps: PipelineDeps, context: RequestContext, changes: readonly Change[]): Promise<void> {
  for (const change of changes) {
    const definition = deps.registry.get(change.resource);
    if (definition) await afterWrite(deps, definition, context, [change]);
  }
}

async function afterWrite(deps: PipelineDeps, definition: ResourceDefinition, context: RequestContext, changes: readonly Change[]): Promise<void> {
  const hooks = hooksOf(definition);
  for (const change of changes) {
    if (change.resource !== definition.name) continue;
    const { after, before } = change;
    if (change.kind === 'create' && after) await runAfterHook(deps, `${definition.name}.afterCreate`, hooks.afterCreate && (() => hooks.afterCreate?.(context, asRecord(after))));
    if (change.kind === 'update' && after && before) await runAfterHook(deps, `${definition.name}.afterUpdate`, hooks.afterUpdate && (() => hooks.afterUpdate?.(context, asRecord(after), asRecord(before))));
    if (change.kind === 'delete' && before) await runAfterHook(deps, `${definition.name}.afterDelete`, hooks.afterDelete && (() => hooks.afterDelete?.(context, asRecord(before))));
  }
}

/** POST on a collection: create with a server-chosen id (a UUIDv7); 201 with `Location`. */
export async function handlePost(deps: PipelineDeps, op: Operation, target: ResourceTarget): Promise<Outcome> {
  const { definition } = target;
  const result = await runWrite(deps, false, answering(definition, op.context, async (tx) => ({
    changes: [await createRecord(deps, tx, definition, op.context, op.body, uuidv7())],
    status: 201 as const,
  })));
  await afterWrite(deps, definition, op.context, result.changes);
  return result.outcome;
}

/** PUT on a record: replace it, or create it with the client's id (`If-None-Match: *` makes that create-only). */
export async function handlePut(deps: PipelineDeps, op: Operation, target: ResourceTarget & { id: string }): Promise<Outcome> {
  const { definition, id } = target;
  const result = await runWrite(deps, op.headers['if-match'] !== undefined, answering(definition, op.context, async (tx): Promise<WriteResult> => {
    const stored = await tx.get(definition.name, id);
    const current = await readTarget(tx, definition, id, op.context);
    if (stored !== undefined && current === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
    evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: current && recordEtag(current.version) });
    if (current === undefined) return { changes: [await createRecord(deps, tx, definition, op.context, op.body, id)], status: 201 };
    requireIfMatch(deps, op);
    return { changes: await updateRecord(deps, tx, definition, op.context, current, op.body), status: 200 };
  }));
  await afterWrite(deps, definition, op.context, result.changes);
  return result.outcome;
}

/** PATCH on a record: JSON Merge Patch (RFC 7396, the default on the socket) or JSON Patch (RFC 6902). */
export async function handlePatch(deps: PipelineDeps, op: Operation, target: ResourceTarget & { id: string }): Promise<Outcome> {
  const { definition, id } = target;
  const type = (op.headers['content-type'] ?? MERGE_PATCH_TYPE).split(';')[0]?.trim().toLowerCase();
  if (type !== MERGE_PATCH_TYPE && type !== JSON_PATCH_TYPE) {
    throw new SynclineError('unsupported-media-type', {
      detail: `PATCH takes ${MERGE_PATCH_TYPE} or ${JSON_PATCH_TYPE}.`,
      headers: { 'accept-patch': `${MERGE_PATCH_TYPE}, ${JSON_PATCH_TYPE}` },
    });
  }
  const result = await runWrite(deps, op.headers['if-match'] !== undefined, answering(definition, op.context, async (tx): Promise<WriteResult> => {
    const current = await readTarget(tx, definition, id, op.context);
    if (current === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
    evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: recordEtag(current.version) });
    requireIfMatch(deps, op);
    const document = representRecord(definition, current, fieldView(definition, op.context));
    const patched = patchRecord({ definition, document, body: op.body, type, context: op.context });
    return { changes: await updateRecord(deps, tx, definition, op.context, current, patched), status: 200 };
  }));
  await afterWrite(deps, definition, op.context, result.changes);
  return result.outcome;
}

/** DELETE on a record: 204; cascades to referring records, or 409 while `restrict` references remain. */
export async function handleDelete(deps: PipelineDeps, op: Operation, target: ResourceTarget & { id: string }): Promise<Outcome> {
  const { definition, id } = target;
  const result = await runWrite(deps, op.headers['if-match'] !== undefined, answering(definition, op.context, async (tx): Promise<WriteResult> => {
    const current = await readTarget(tx, definition, id, op.context);
    if (current === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
    evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: recordEtag(current.version) });
    requireIfMatch(deps, op);
    return { changes: await deleteRecord(deps, tx, definition, op.context, current), status: 204 };
  }));
  await afterChanges(deps, op.context, result.changes);
  return result.outcome;
}
