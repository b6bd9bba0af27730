import { SynclineError } from '@syncline/protocol';
import { filterFields, isCondition, matchesFilter, MATCH_ALL, parseCollectionQuery, type Filter, type RequestContext, type ResourceDefinition, type Scalar } from '@syncline/schema';
import { readScope } from '../pipeline/read-scope.js';
import { recordUri, type ResourceRegistry } from '../resource-registry.js';
import type { Change, StoredRecord } from '../storage/storage.js';

/** Reads one record as the server (no read rule): the referenced records a collection's presence depends on. */
export type PresenceRecordReader = (resource: string, id: string) => Promise<StoredRecord | undefined>;

/** A record a collection's visibility was decided from: a reference the query pins, and the fields its records inherit from it. */
interface PinnedReference {
  readonly uri: string;
  readonly definition: ResourceDefinition;
  readonly inherit: readonly string[];
}

/**
 * Why the caller may see a collection's presence, kept so the decision can be taken again
 * when a record it rests on changes (a list's members, a deleted list).
 */
export interface CollectionSight {
  /** Record URIs the decision rests on: a change to one of them calls {@link CollectionSight.recheck}. */
  readonly dependsOn: readonly string[];
  /** Whether the caller still sees the whole collection after `change` (a change of a record in `dependsOn`). */
  recheck(change: Change): boolean;
}

const paging = (params: URLSearchParams): URLSearchParams => new URLSearchParams([...params].filter(([name]) => name !== 'order' && name !== 'limit' && name !== 'after'));

/** The query's top-level `field = value` conditions: the values every record of the collection holds. */
function pinnedValues(filter: Filter): Map<string, Scalar> | undefined {
  const pins = new Map<string, Scalar>();
  const conditions = isCondition(filter) ? [filter] : 'and' in filter ? filter.and : [];
  for (const condition of conditions) {
    if (!isCondition(condition) || condition.op !== 'eq' || Array.isArray(condition.value)) continue;
    const value = condition.value as Scalar;
    // Two different values for one field: an empty set, and nothing to decide on.
    if (pins.has(condition.field) && pins.get(condition.field) !== value) return undefined;
    pins.set(condition.field, value);
  }
  return pins;
}

const hiddenCollection = (resource: string): SynclineError => new SynclineError('not-found', { detail: `No ${resource} presence here.` });

/**
 * Decides whether a caller may see and join the presence of a collection it may query: by
 * the same read rule as `GET`, the caller must be able to read **every** record the
 * collection can hold, or the presence of people at it would tell what the rule hides.
 *
 * - No read rule, or one that returns `true` for the caller: visible (answers `undefined`:
 *   nothing can change that while the connection lasts).
 * - A narrowing rule (a filter): every field the filter reads must be decided by the query
 *   itself, either pinned by equality (`owner=ana`) or inherited (`references.<f>.inherit`)
 *   from a record the query pins by equality (`list=<id>`), and that filter must match those
 *   values. Every pinned reference must be a record the caller can read. Inherited fields are
 *   kept equal to the referenced record's, so all records of the collection then match alike.
 * - Otherwise `not-found` (404), the answer a missing record gets: a hidden collection cannot
 *   be told from one that does not exist.
 *
 * @example
 * const sight = await collectionSight({ registry, read, context, target: '/todos?list=01a2…' });
 * // todos inherit owner and members from their list: visible to the list's owner and members only
 */
export async function collectionSight(options: {
  readonly registry: ResourceRegistry;
  readonly read: PresenceRecordReader;
  readonly context: RequestContext;
  /** The canonical collection URI (`/<resource>?<filters>`). */
  readonly target: string;
}): Promise<CollectionSight | undefined> {
  const { registry, context } = options;
  const resolved = registry.resolve(options.target);
  const { definition } = resolved;
  const scope = readScope(definition, context);
  // GET shows such a caller every record: presence tells nothing more.
  if (scope === MATCH_ALL) return undefined;
  const query = parseCollectionQuery(definition, paging(resolved.params), { defaultLimit: 1, maxLimit: 1 });
  const pins = pinnedValues(query.filter);
  if (pins === undefined) throw hiddenCollection(definition.name);
  const references: PinnedReference[] = [];
  const values = new Map<string, unknown>(pins);
  for (const [field, reference] of Object.entries(definition.references)) {
    const id = pins.get(field);
    if (id === undefined) continue;
    const target = registry.get(reference.resource);
    const record = typeof id === 'string' && target !== undefined ? await options.read(target.name, id) : undefined;
    if (target === undefined || record === undefined || !matchesFilter(readScope(target, context), record)) throw hiddenCollection(definition.name);
    references.push({ uri: recordUri(target.name, record.id), definition: target, inherit: reference.inherit });
    for (const name of reference.inherit) values.set(name, record[name]);
  }
  const decides = (known: ReadonlyMap<string, unknown>): boolean => filterFields(scope).every((field) => known.has(field)) && matchesFilter(scope, Object.fromEntries(known));
  if (!decides(values)) throw hiddenCollection(definition.name);
  if (references.length === 0) return undefined;
  return {
    dependsOn: references.map((reference) => reference.uri),
    recheck(change) {
      const reference = references.find((candidate) => candidate.uri === recordUri(change.resource, change.id));
      if (reference === undefined) return true;
      const after = change.after;
      if (after === null || !matchesFilter(readScope(reference.definition, context), after)) return false;
      for (const name of reference.inherit) values.set(name, after[name]);
      return decides(values);
    },
  };
}
