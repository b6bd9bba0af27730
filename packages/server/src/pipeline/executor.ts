import { DEFAULT_RECONCILE_MAX_ENTRIES, SynclineError } from '@syncline/protocol';
import type { Operation, Outcome } from '../operation.js';
import type { ResolvedAction, ResourceTarget } from '../resource-registry.js';
import { handleAction } from './action-handler.js';
import { errorOutcome } from './error-outcome.js';
import type { PipelineDeps } from './pipeline-deps.js';
import type { Idempotency } from './idempotency.js';
import { handleRead } from './read-handlers.js';
import { handleReconcile, isReconcileUri, RECONCILE_ALLOW } from './reconcile.js';
import { assertSignedIn } from './read-scope.js';
import { handleDelete, handlePatch, handlePost, handlePut, JSON_PATCH_TYPE, MERGE_PATCH_TYPE } from './write-handlers.js';

const COLLECTION_METHODS = ['GET', 'HEAD', 'POST', 'OPTIONS'] as const;
const RECORD_METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
const ACTION_METHODS = 'POST, OPTIONS';

/** The methods a target allows, for `Allow` (RFC 9110 §10.2.1). */
export function allowedMethods(target: ResourceTarget): readonly string[] {
  return target.id === undefined ? COLLECTION_METHODS : RECORD_METHODS;
}

function options(target: ResourceTarget): Outcome {
  const headers: Record<string, string> = { allow: allowedMethods(target).join(', ') };
  if (target.id === undefined) headers['accept-post'] = 'application/json';
  else headers['accept-patch'] = `${MERGE_PATCH_TYPE}, ${JSON_PATCH_TYPE}`;
  const scope = target.id === undefined ? 'collection' : 'record';
  const actions = Object.entries(target.definition.actions).filter(([, action]) => action.on === scope);
  if (actions.length > 0) headers['syncline-actions'] = actions.map(([name]) => name).join(', ');
  return { status: 204, headers };
}

/** A custom action's URI: POST runs it, OPTIONS describes it, anything else is a 405. */
async function dispatchAction(deps: PipelineDeps, op: Operation, target: ResolvedAction): Promise<Outcome> {
  if (target.definition.internal && op.context.transport !== 'internal') throw new SynclineError('not-found', { detail: `No resource at ${target.path}.` });
  if (op.method === 'OPTIONS') return { status: 204, headers: { allow: ACTION_METHODS, 'accept-post': 'application/json' } };
  assertSignedIn(target.definition, op.context);
  if (op.method !== 'POST') {
    throw new SynclineError('method-not-allowed', { detail: `${op.method} is not allowed on ${target.path}.`, headers: { allow: ACTION_METHODS } });
  }
  return handleAction(deps, op, target);
}

async function dispatch(deps: PipelineDeps, op: Operation): Promise<Outcome> {
  const action = deps.registry.resolveAction(op.uri);
  if (action !== undefined) return dispatchAction(deps, op, action);
  const target = deps.registry.resolve(op.uri);
  if (target.definition.internal && op.context.transport !== 'internal') throw new SynclineError('not-found', { detail: `No resource at ${target.path}.` });
  if (op.method !== 'OPTIONS') assertSignedIn(target.definition, op.context);
  if (!allowedMethods(target).includes(op.method)) {
    throw new SynclineError('method-not-allowed', {
      detail: `${op.method} is not allowed on ${target.path}.`,
      headers: { allow: allowedMethods(target).join(', ') },
    });
  }
  const id = target.id;
  switch (op.method) {
    case 'GET':
    case 'HEAD':
      return handleRead(deps, op, target);
    case 'OPTIONS':
      return options(target);
    case 'POST':
      return handlePost(deps, op, target);
    case 'PUT':
      return handlePut(deps, op, { ...target, id: id as string });
    case 'PATCH':
      return handlePatch(deps, op, { ...target, id: id as string });
    case 'DELETE':
      return handleDelete(deps, op, { ...target, id: id as string });
    default:
      throw new SynclineError('method-not-allowed', { headers: { allow: allowedMethods(target).join(', ') } });
  }
}

export interface Executor {
  /** Runs one operation; never throws: errors become problem outcomes. */
  execute(op: Operation): Promise<Outcome>;
  /** The `Allow` value for a URI (RFC 9110 §15.5.6: every 405 carries it), or undefined for no resource. */
  allow(uri: string): string | undefined;
}

/** What the executor adds around dispatch: idempotent writes and the reconcile request. */
export interface ExecutorOptions {
  /** Writes with an `Idempotency-Key` run once per key (pipeline/idempotency.ts); without it, keys are ignored. */
  readonly idempotency?: Idempotency;
  /** The most entries a `POST /_reconcile` may hold (413 beyond). */
  readonly maxReconcileEntries?: number;
}

/**
 * The one operation pipeline: resolve → validate → authorize → hooks → storage (record
 * and change in one transaction) → publish → answer. Both transports call it.
 *
 * @example
 * const outcome = await executor.execute({ method: 'GET', uri: '/todos?done=false', headers: {}, body: undefined, context: { transport: 'internal' } });
 */
export function createExecutor(deps: PipelineDeps, options: ExecutorOptions = {}): Executor {
  const { idempotency, maxReconcileEntries = DEFAULT_RECONCILE_MAX_ENTRIES } = options;
  return {
    async execute(op) {
      try {
        if (isReconcileUri(op.uri)) return await handleReconcile(deps, op, maxReconcileEntries);
        const outcome = idempotency ? await idempotency.run(deps, op, (keyed) => dispatch(keyed, op)) : await dispatch(deps, op);
        return op.method === 'HEAD' ? { status: outcome.status, headers: outcome.headers } : outcome;
      } catch (error) {
        return errorOutcome(error, op.uri.split('?')[0], deps.reportError);
      }
    },
    allow(uri) {
      if (isReconcileUri(uri)) return RECONCILE_ALLOW;
      try {
        const action = deps.registry.resolveAction(uri);
        if (action !== undefined) return action.definition.internal ? undefined : ACTION_METHODS;
        const target = deps.registry.resolve(uri);
        return target.definition.internal ? undefined : allowedMethods(target).join(', ');
      } catch {
        return undefined;
      }
    },
  };
}
