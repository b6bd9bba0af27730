import { presenceUri, SynclineError } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Executor } from '../pipeline/executor.js';
import { recordUri, type ResourceRegistry } from '../resource-registry.js';
import { collectionSight, type CollectionSight, type PresenceRecordReader } from './presence-visibility.js';

/** Query parameters that page or order a collection: they do not change who is looking at it. */
const PAGING = new Set(['order', 'limit', 'after']);

/** Where a presence URI points, in canonical form. */
export interface PresenceTargetInfo {
  /** The canonical presence URI: the key of its members and the `resource` of its events. */
  readonly uri: string;
  /** The record or collection URI whose read rule decides who may see and join it. */
  readonly target: string;
  readonly collection: boolean;
}

/**
 * The canonical form of a presence target: a record as `/<resource>/<id>` with its id
 * encoded once, a collection as `/<resource>` with its filter parameters sorted (paging
 * and order left out), so every spelling of one URI shares one set of members.
 * Throws `not-found` for a URI that names no resource.
 *
 * @example
 * canonicalPresence(registry, '/todos?list=5&order=-title&done=false'); // { uri: '/todos/presence?done=false&list=5', … }
 */
export function canonicalPresence(registry: ResourceRegistry, target: string): PresenceTargetInfo {
  const resolved = registry.resolve(target);
  if (resolved.id !== undefined) {
    const record = recordUri(resolved.definition.name, resolved.id);
    return { uri: presenceUri(record), target: record, collection: false };
  }
  const filters = [...resolved.params].filter(([name]) => !PAGING.has(name)).sort(([a, av], [b, bv]) => (a === b ? (av < bv ? -1 : av > bv ? 1 : 0) : a < b ? -1 : 1));
  const query = new URLSearchParams(filters).toString();
  const collection = `/${resolved.definition.name}${query === '' ? '' : `?${query}`}`;
  return { uri: presenceUri(collection), target: collection, collection: true };
}

/** What deciding presence visibility needs: the pipeline (for GET's own answer), the resources, and a server-side read. */
export interface PresenceAccess {
  readonly executor: Executor;
  readonly resources: ResourceRegistry;
  readonly read: PresenceRecordReader;
  readonly reportError: (error: unknown, where: string) => void;
}

/** The caller may see and join the target; for a collection, what that rests on (undefined: nothing that can change). */
export type PresenceGrant = { readonly granted: true; readonly sight?: CollectionSight } | { readonly granted: false; readonly refusal: Outcome };

/**
 * Whether the caller may see and join a presence target, by the same read rule as GET:
 * a record it may read, or a collection it may query (401, 404, 400 as GET answers them)
 * every record of which it may read ({@link collectionSight}: otherwise 404, as for a
 * missing record). A refusal carries the presence URI as `instance`.
 *
 * @example
 * const grant = await authorizePresence(access, info, context);
 * if (!grant.granted) return grant.refusal;
 */
export async function authorizePresence(access: PresenceAccess, info: PresenceTargetInfo, context: RequestContext): Promise<PresenceGrant> {
  // One record is enough to know a collection query is valid and may be asked.
  const uri = info.collection ? `${info.target}${info.target.includes('?') ? '&' : '?'}limit=1` : info.target;
  const outcome = await access.executor.execute({ method: 'GET', uri, headers: {}, body: undefined, context });
  if (outcome.status >= 300) {
    const problem = outcome.body;
    if (typeof problem !== 'object' || problem === null) return { granted: false, refusal: outcome };
    return { granted: false, refusal: { ...outcome, body: { ...problem, instance: presencePath(info.uri) } } };
  }
  if (!info.collection) return { granted: true };
  try {
    const sight = await collectionSight({ registry: access.resources, read: access.read, context, target: info.target });
    return sight === undefined ? { granted: true } : { granted: true, sight };
  } catch (error) {
    return { granted: false, refusal: errorOutcome(error, presencePath(info.uri), access.reportError) };
  }
}

/** The path of a presence URI, for a problem's `instance`. */
export function presencePath(uri: string): string {
  return uri.split('?')[0] ?? uri;
}

/** The name to show for a caller: the principal's `name` when the application gives one. */
export function principalName(context: RequestContext): string | undefined {
  const name = (context.principal as { readonly name?: unknown } | undefined)?.name;
  return typeof name === 'string' ? name : undefined;
}

/** 405 on a presence URI, with the methods it allows. */
export function presenceMethodNotAllowed(method: string, allow: string, detail: string): SynclineError {
  return new SynclineError('method-not-allowed', { detail: `${method}: ${detail}`, headers: { allow } });
}
