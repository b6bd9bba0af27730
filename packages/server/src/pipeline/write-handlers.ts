import { SynclineError } from '@syncline/protocol';
import { uuidv7, type RequestContext, type ResourceDefinition } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import { recordUri, type ResourceTarget } from '../resource-registry.js';
import type { StorageWriter } from '../storage/storage.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { evaluatePreconditions } from './preconditions.js';
import { JSON_TYPE } from './read-handlers.js';
import { recordEtag, representRecord } from './representation.js';
import { createRecord, deleteRecord, updateRecord } from './record-writes.js';
import type { WriteContext, WrittenChange } from './write-context.js';
import { readTarget, runWrite } from './write-transaction.js';
import { fieldView } from './field-access.js';
import { JSON_PATCH_TYPE, MERGE_PATCH_TYPE, patchRecord } from './record-patch.js';

export { JSON_PATCH_TYPE, MERGE_PATCH_TYPE } from './record-patch.js';

type Status = 200 | 201 | 204;

interface WriteResult {
  /** The target record's change first, then those it caused (cascades, inherited fields rewritten). */
  written: readonly WrittenChange[];
  status: Status;
}

function recordOutcome(definition: ResourceDefinition, result: WriteResult, context: RequestContext): Outcome {
  const after = result.status === 204 ? undefined : result.written[0]?.change.after;
  if (!after) return { status: 204, headers: {} };
  const headers: Record<string, string> = { 'content-type': JSON_TYPE, etag: recordEtag(after.version) };
  if (result.status === 201) headers['location'] = recordUri(definition.name, after.id);
  return { status: result.status, headers, body: representRecord(definition, after, fieldView(definition, context)) };
}

/**
 * A request's write of one record: `body` writes through the write context (the cause
 * `request`) and says its status; the outcome is worked out inside the transaction, so
 * `runWrite` saves it under the request's Idempotency-Key with the write.
 */
function requestWrite(
  deps: PipelineDeps,
  op: Operation,
  definition: ResourceDefinition,
  body: (write: WriteContext) => Promise<Status>,
): (tx: StorageWriter) => Promise<WriteResult & { outcome: Outcome }> {
  return async (tx) => {
    const write: WriteContext = { deps, tx, context: op.context, definition, cause: 'request', journal: [] };
    const result = { written: write.journal, status: await body(write) };
    return { ...result, outcome: recordOutcome(definition, result, op.context) };
  };
}

/** `If-Match` is required for changes to existing records when the server is configured so (428, RFC 6585 §3). */
function requireIfMatch(deps: PipelineDeps, op: Operation): void {
  if (deps.limits.requireIfMatch && op.headers['if-match'] === undefined) {
    throw new SynclineError('precondition-required', { detail: 'Send If-Match with the ETag you last read.' });
  }
}

/** POST on a collection: create with a server-chosen id (a UUIDv7); 201 with `Location`. */
export async function handlePost(deps: PipelineDeps, op: Operation, target: ResourceTarget): Promise<Outcome> {
  const result = await runWrite(deps, false, requestWrite(deps, op, target.definition, async (write) => {
    await createRecord(write, op.body, uuidv7());
    return 201;
  }));
  return result.outcome;
}

/** PUT on a record: replace it, or create it with the client's id (`If-None-Match: *` makes that create-only). */
export async function handlePut(deps: PipelineDeps, op: Operation, target: ResourceTarget & { id: string }): Promise<Outcome> {
  const { definition, id } = target;
  const result = await runWrite(deps, op.headers['if-match'] !== undefined, requestWrite(deps, op, definition, async (write): Promise<Status> => {
    const stored = await write.tx.get(definition.name, id);
    const current = await readTarget(write.tx, definition, id, op.context);
    if (stored !== undefined && current === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
    evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: current && recordEtag(current.version) });
    if (current === undefined) {
      await createRecord(write, op.body, id);
      return 201;
    }
    requireIfMatch(deps, op);
    await updateRecord(write, current, op.body);
    return 200;
  }));
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
  const result = await runWrite(deps, op.headers['if-match'] !== undefined, requestWrite(deps, op, definition, async (write): Promise<Status> => {
    const current = await readTarget(write.tx, definition, id, op.context);
    if (current === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
    evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: recordEtag(current.version) });
    requireIfMatch(deps, op);
    const document = representRecord(definition, current, fieldView(definition, op.context));
    await updateRecord(write, current, patchRecord({ definition, document, body: op.body, type, context: op.context }));
    return 200;
  }));
  return result.outcome;
}

/** DELETE on a record: 204; cascades to referring records, or 409 while `restrict` references remain. */
export async function handleDelete(deps: PipelineDeps, op: Operation, target: ResourceTarget & { id: string }): Promise<Outcome> {
  const { definition, id } = target;
  const result = await runWrite(deps, op.headers['if-match'] !== undefined, requestWrite(deps, op, definition, async (write): Promise<Status> => {
    const current = await readTarget(write.tx, definition, id, op.context);
    if (current === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${id}.` });
    evaluatePreconditions({ method: op.method, headers: op.headers, currentEtag: recordEtag(current.version) });
    requireIfMatch(deps, op);
    await deleteRecord(write, current);
    return 204;
  }));
  return result.outcome;
}
