import { SynclineError, type FieldError } from '@syncline/protocol';
import type { ActionDefinition, ActionRecord, RequestContext } from '@syncline/schema';
import { z } from 'zod';
import type { Operation, Outcome } from '../operation.js';
import type { ResolvedAction } from '../resource-registry.js';
import { bindActionTransaction, type BoundActionTransaction } from './action-transaction.js';
import { fieldView } from './field-access.js';
import type { PipelineDeps } from './pipeline-deps.js';
import { JSON_TYPE } from './read-handlers.js';
import { recordEtag, representRecord } from './representation.js';
import type { WrittenChange } from './write-context.js';
import { readTarget, runWrite } from './write-transaction.js';

interface ActionResult {
  readonly written: readonly WrittenChange[];
  readonly outcome: Outcome;
}

/** The server's own context for an action's writes, keeping who asked (hooks may read it). */
function internalContext(context: RequestContext): RequestContext {
  return {
    transport: 'internal',
    ...(context.principal === undefined ? {} : { principal: context.principal }),
    ...(context.session === undefined ? {} : { session: context.session }),
  };
}

const strictInputs = new WeakMap<z.ZodType, z.ZodType>();

/**
 * The action's input schema, strict as record writes are: an object schema that says
 * nothing of unknown keys (Zod's default strips them) refuses them, so a misspelled input
 * is a 422 instead of silently lost. One declared `z.looseObject` or with a `catchall`
 * keeps its choice.
 */
function strictInput(schema: z.ZodType): z.ZodType {
  if (!(schema instanceof z.ZodObject) || schema.def.catchall !== undefined) return schema;
  let strict = strictInputs.get(schema);
  if (strict === undefined) strictInputs.set(schema, (strict = schema.strict()));
  return strict;
}

/** The request body checked by the action's input schema: 422 with every field's error, unknown fields included. */
function validateInput(target: ResolvedAction, body: unknown): unknown {
  const result = strictInput(target.action.input).safeParse(body === undefined ? {} : body);
  if (result.success) return result.data;
  throw new SynclineError('validation-failed', {
    detail: `The input of ${target.definition.name}.${target.name} is not valid.`,
    errors: result.error.issues.flatMap((issue): FieldError[] => {
      const path = issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part));
      if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => ({ path: [...path, key], message: 'unknown field' }));
      return [{ path, message: issue.message }];
    }),
  });
}

async function authorize(action: ActionDefinition, context: RequestContext, record: ActionRecord | undefined): Promise<void> {
  if (action.allow === undefined) return;
  if (!(await action.allow(context, record))) throw new SynclineError('forbidden', { detail: 'The rules do not allow this action.' });
}

/** What a handler's run gives its answer from. */
interface HandlerRun {
  readonly target: ResolvedAction;
  readonly op: Operation;
  readonly bound: BoundActionTransaction;
  /** What the handler returned. */
  readonly returned: unknown;
}

/**
 * A handler's result as the answer: a record it read or wrote is represented for the
 * caller; other values are sent as JSON; nothing answers the target record after the action.
 */
async function answer({ target, op, bound, returned }: HandlerRun): Promise<Outcome> {
  const value = returned === undefined && target.id !== undefined ? await bound.tx.get(target.definition, target.id) : returned;
  if (value === undefined || value === null) return { status: 204, headers: {} };
  const definition = bound.definitionOf(value);
  if (definition !== undefined) {
    const record = value as Parameters<typeof representRecord>[1];
    const headers: Record<string, string> = { 'content-type': JSON_TYPE };
    if (definition === target.definition && record.id === target.id) headers['etag'] = recordEtag(record.version);
    return { status: 200, headers, body: representRecord(definition, record, fieldView(definition, op.context)) };
  }
  // A value JSON cannot carry fails here, inside the transaction, not after it committed.
  return { status: 200, headers: { 'content-type': JSON_TYPE }, body: JSON.parse(JSON.stringify(value)) as unknown };
}

/**
 * `POST /<resource>/<id>/<action>` (or `/<resource>/<action>`): in one write transaction,
 * reads the target as the caller may (404 if unreadable), asks the action's `allow`
 * (403), validates the input (422) and runs the handler, whose writes are then published
 * like any write; a storage conflict re-runs it all. Answers 200 with the handler's
 * result (the target record after the action when it returns nothing), 204 for nothing.
 *
 * @example
 * const outcome = await handleAction(deps, { method: 'POST', uri: '/polls/p1/vote', headers: {}, body: { choice: 'c1' }, context }, deps.registry.resolveAction('/polls/p1/vote')!);
 */
export async function handleAction(deps: PipelineDeps, op: Operation, target: ResolvedAction): Promise<Outcome> {
  const { definition, action } = target;
  const internal = internalContext(op.context);
  const result = await runWrite(deps, false, async (writer): Promise<ActionResult> => {
    let record: ActionRecord | undefined;
    if (target.id !== undefined) {
      record = await readTarget(writer, definition, target.id, op.context);
      if (record === undefined) throw new SynclineError('not-found', { detail: `No ${definition.name} record ${target.id}.` });
    }
    await authorize(action, op.context, record);
    const input = validateInput(target, op.body);
    const bound = bindActionTransaction(deps, writer, internal);
    const returned: unknown = await action.handler({ context: op.context, record, input, tx: bound.tx });
    const outcome = await answer({ target, op, bound, returned });
    return { written: bound.written, outcome };
  });
  return result.outcome;
}
