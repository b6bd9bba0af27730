import { matchesFilter, type RequestContext } from '@syncline/schema';
import { readScope } from '../pipeline/read-scope.js';
import type { ResourceRegistry } from '../resource-registry.js';
import type { Change } from '../storage/storage.js';
import type { PresenceTargetInfo } from './presence-access.js';
import type { CollectionSight } from './presence-visibility.js';

/** A session's right to one presence target, taken again when a record it rests on changes. */
export interface PresenceWatcher {
  /** Whether the caller still sees the target after this change of a record it rests on. */
  stillVisible(change: Change): boolean;
  /** It does not: its entry leaves, its subscriptions see every member leave and then nothing. */
  revoke(): void;
}

/** By record URI, the watchers whose right rests on that record; shared by the sessions of one process. */
export type PresenceWatchers = Map<string, Set<PresenceWatcher>>;

/** One session's watchers: filed when it joins or watches a target, withdrawn when it no longer does. */
export interface SessionWatches {
  /** Files the session's right to `info` under the records it rests on (the record; a collection's pinned records). */
  watch(info: PresenceTargetInfo, sight: CollectionSight | undefined): void;
  unwatch(uri: string): void;
  unwatchAll(): void;
}

/**
 * The watchers of one session. A record's presence rests on the record (its read rule for
 * the caller, after the change); a collection's on the records its query pins
 * ({@link CollectionSight.recheck}); a collection whose sight rests on nothing is not filed.
 *
 * @example
 * const watches = createSessionWatches({ watchers, resources, context, revoke: (uri) => leaveAndSilence(uri) });
 * watches.watch(info, grant.sight);
 */
export function createSessionWatches(options: {
  readonly watchers: PresenceWatchers;
  readonly resources: ResourceRegistry;
  readonly context: RequestContext;
  readonly revoke: (uri: string) => void;
}): SessionWatches {
  const { watchers, resources, context } = options;
  // By presence URI: this session's watcher there and the record URIs it is filed under.
  const watched = new Map<string, { readonly watcher: PresenceWatcher; readonly records: readonly string[] }>();
  const recordVisible = (change: Change): boolean => {
    const definition = resources.get(change.resource);
    if (change.after === null || definition === undefined) return false;
    try {
      return matchesFilter(readScope(definition, context), change.after);
    } catch {
      return false;
    }
  };
  const unwatch = (uri: string): void => {
    const watching = watched.get(uri);
    if (watching === undefined) return;
    watched.delete(uri);
    for (const record of watching.records) {
      const atRecord = watchers.get(record);
      atRecord?.delete(watching.watcher);
      if (atRecord?.size === 0) watchers.delete(record);
    }
  };
  return {
    watch(info, sight) {
      const records = info.collection ? (sight?.dependsOn ?? []) : [info.target];
      if (records.length === 0 || watched.has(info.uri)) return;
      const stillVisible = info.collection && sight !== undefined ? (change: Change) => sight.recheck(change) : recordVisible;
      const watcher: PresenceWatcher = { stillVisible, revoke: () => options.revoke(info.uri) };
      watched.set(info.uri, { watcher, records });
      for (const record of records) {
        const atRecord = watchers.get(record) ?? new Set<PresenceWatcher>();
        watchers.set(record, atRecord);
        atRecord.add(watcher);
      }
    },
    unwatch,
    unwatchAll: () => {
      for (const uri of [...watched.keys()]) unwatch(uri);
    },
  };
}
