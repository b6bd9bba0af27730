import type { ChangeOp } from '@syncline/protocol';
import { filterKey, matchesFilter, type Filter, type ResourceDefinition } from '@syncline/schema';
import type { FieldView } from '../pipeline/field-access.js';
import { recordEtag, representRecord } from '../pipeline/representation.js';
import { createGroupIndex, type GroupIndex } from './group-index.js';
import { recordUri } from '../resource-registry.js';
import type { Change } from '../storage/storage.js';

/** One live subscription as the fan-out sees it. */
export interface LiveSubscriber {
  /** The subscription id (the SUBSCRIBE request's id), already JSON-encoded for splicing into frames. */
  readonly idJson: string;
  /** The `seq` of the last change this subscriber was sent (or that its snapshot reflects). */
  position: number;
  /** While true, changes are queued: the subscriber is being sent its snapshot or the changes it missed. */
  catchingUp: boolean;
  readonly queue: Change[];
  /**
   * Sends a change event's frame on the subscriber's connection (bounded by the slow-consumer
   * policy), with the change's `seq` beside it so no one reads it back out of the frame.
   */
  readonly send: (frame: string, seq: number) => void;
}

/**
 * Subscribers that see the same thing: one resource, one kind, one effective filter (query
 * and read rule) and one field view. A change is matched once per group and serialized
 * once per view, whatever the number of sockets.
 */
/** What subscribers share when they share a group: the resource, what they follow, the filter and the fields they see. */
export interface GroupSpec {
  readonly definition: ResourceDefinition;
  readonly kind: 'record' | 'collection';
  readonly filter: Filter;
  readonly view: FieldView;
}

export interface SubscriptionGroup extends GroupSpec {
  readonly key: string;
  readonly subscribers: Set<LiveSubscriber>;
}

const FRAME_HEAD = '{"event":"change","subscription":';

/**
 * How a change looks to a group, or undefined when the group does not see it at all. A
 * record subscription sees `create`/`delete` when the record comes into or goes out of
 * existence, and `enter`/`leave` when it stays but its visibility changes.
 */
function opFor(group: SubscriptionGroup, change: Change): ChangeOp | undefined {
  const before = change.before !== null && matchesFilter(group.filter, change.before);
  const after = change.after !== null && matchesFilter(group.filter, change.after);
  if (after) return before ? 'update' : group.kind === 'record' && change.before === null ? 'create' : 'enter';
  if (before) return group.kind === 'record' && change.after === null ? 'delete' : 'leave';
  return undefined;
}

/**
 * Builds event frames for one change, serializing the record once per field view and
 * each op's tail once, whatever the number of groups and sockets (a frame differs per
 * socket only in its subscription id).
 */
function createFrameBuilder(definition: ResourceDefinition, change: Change): (op: ChangeOp, view: FieldView) => string {
  const tails = new Map<string, string>();
  const bodies = new Map<string, string>();
  const uri = JSON.stringify(recordUri(change.resource, change.id));
  return (op, view) => {
    const shows = op !== 'delete' && op !== 'leave' && change.after !== null;
    const key = shows ? `${op}\u0000${view.key}` : op;
    let tail = tails.get(key);
    if (tail === undefined) {
      let body = '"etag":null,"body":null';
      if (shows && change.after !== null) {
        body = bodies.get(view.key) ?? `"etag":${JSON.stringify(recordEtag(change.after.version))},"body":${JSON.stringify(representRecord(definition, change.after, view))}`;
        bodies.set(view.key, body);
      }
      tail = `,"seq":${change.seq},"op":"${op}","resource":${uri},${body}}`;
      tails.set(key, tail);
    }
    return tail;
  };
}

export interface SubscriptionHub {
  add(subscriber: LiveSubscriber, spec: GroupSpec): SubscriptionGroup;
  remove(subscriber: LiveSubscriber, group: SubscriptionGroup): void;
  /** Fans a change out to every group of its resource. Called by the change feed, in `seq` order. */
  dispatch(change: Change): void;
  /** Sends one change to one subscriber (catching up), if its group sees it. */
  deliver(subscriber: LiveSubscriber, group: SubscriptionGroup, change: Change): void;
  /** Ends catching up: sends what was queued meanwhile, then goes live. */
  goLive(subscriber: LiveSubscriber, group: SubscriptionGroup): void;
  stats(): { subscriptions: number; groups: number };
}

interface ResourceGroups {
  readonly groups: Map<string, SubscriptionGroup>;
  /** Finds the groups a change may concern by the values its filter pins (`list = X`, `owner = u`), instead of testing all. */
  readonly index: GroupIndex<SubscriptionGroup>;
}

/**
 * The fan-out: subscriptions grouped by what they see, so each change is matched once per
 * group, and groups indexed by their filters' anchors, so a change tests only the groups
 * it may concern (one list's subscribers, one user's read rule).
 */
export function createSubscriptionHub(): SubscriptionHub {
  const byResource = new Map<string, ResourceGroups>();
  let subscriptions = 0;

  function send(subscriber: LiveSubscriber, change: Change, tail: string): void {
    subscriber.position = change.seq;
    subscriber.send(FRAME_HEAD + subscriber.idJson + tail, change.seq);
  }

  const hub: SubscriptionHub = {
    add(subscriber, spec) {
      const { definition, kind, filter, view } = spec;
      const key = `${kind}:${view.key}:${filterKey(filter)}`;
      let resource = byResource.get(definition.name);
      if (!resource) byResource.set(definition.name, (resource = { groups: new Map(), index: createGroupIndex() }));
      let group = resource.groups.get(key);
      if (!group) {
        resource.groups.set(key, (group = { key, definition, kind, filter, view, subscribers: new Set() }));
        resource.index.add(group, filter);
      }
      group.subscribers.add(subscriber);
      subscriptions++;
      return group;
    },
    remove(subscriber, group) {
      if (!group.subscribers.delete(subscriber)) return;
      subscriptions--;
      if (group.subscribers.size > 0) return;
      const resource = byResource.get(group.definition.name);
      resource?.groups.delete(group.key);
      resource?.index.remove(group);
    },
    dispatch(change) {
      const resource = byResource.get(change.resource);
      if (!resource) return;
      let build: ((op: ChangeOp, view: FieldView) => string) | undefined;
      resource.index.candidates([change.before, change.after], (group) => {
        const op = opFor(group, change);
        if (op === undefined) return;
        build ??= createFrameBuilder(group.definition, change);
        const tail = build(op, group.view);
        // Subscribers whose subscription ids are the same (clients tend to number them alike)
        // get the very same frame string, which the socket layer then encodes and frames once.
        let frameId: string | undefined;
        let frame = '';
        for (const subscriber of group.subscribers) {
          if (subscriber.position >= change.seq) continue;
          if (subscriber.catchingUp) {
            subscriber.queue.push(change);
            continue;
          }
          if (subscriber.idJson !== frameId) {
            frameId = subscriber.idJson;
            frame = FRAME_HEAD + frameId + tail;
          }
          subscriber.position = change.seq;
          subscriber.send(frame, change.seq);
        }
      });
    },
    deliver(subscriber, group, change) {
      if (change.resource !== group.definition.name || subscriber.position >= change.seq) return;
      const op = opFor(group, change);
      if (op === undefined) {
        subscriber.position = change.seq;
        return;
      }
      send(subscriber, change, createFrameBuilder(group.definition, change)(op, group.view));
    },
    goLive(subscriber, group) {
      for (const change of subscriber.queue) hub.deliver(subscriber, group, change);
      subscriber.queue.length = 0;
      subscriber.catchingUp = false;
    },
    stats: () => ({ subscriptions, groups: [...byResource.values()].reduce((n, resource) => n + resource.groups.size, 0) }),
  };
  return hub;
}
