import { HEADERS, SynclineError, type RequestId } from '@syncline/protocol';
import { and, type Filter } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import { parseQueryFor } from '../pipeline/collection-query.js';
import { fieldView } from '../pipeline/field-access.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { handleRead } from '../pipeline/read-handlers.js';
import { readScope } from '../pipeline/read-scope.js';
import type { LiveSubscriber, SubscriptionGroup, SubscriptionHub } from './subscription-hub.js';

export interface LiveSubscriptionsOptions {
  readonly deps: PipelineDeps;
  readonly hub: SubscriptionHub;
  readonly maxSubscriptions: number;
  /** Sends a change event's frame on this connection; `seq` is the change's position. */
  readonly send: (frame: string, seq: number) => void;
}

const RESUME_BATCH = 500;

/** The subscriptions of one connection: SUBSCRIBE, UNSUBSCRIBE, and cleanup when it closes. */
export interface LiveSubscriptions {
  subscribe(id: RequestId, op: Operation, respond: (outcome: Outcome) => void): Promise<void>;
  unsubscribe(op: Operation): Outcome;
  has(id: RequestId): boolean;
  closeAll(): void;
  readonly size: number;
}

function parsePosition(value: string): number {
  if (!/^\d{1,15}$/.test(value)) throw new SynclineError('bad-request', { detail: 'last-event-id must be a change-log position (a non-negative integer).' });
  return Number(value);
}

export function createLiveSubscriptions(options: LiveSubscriptionsOptions): LiveSubscriptions {
  const { deps, hub } = options;
  const active = new Map<string, { subscriber: LiveSubscriber; group: SubscriptionGroup }>();
  let closed = false;

  function end(key: string): boolean {
    const entry = active.get(key);
    if (!entry) return false;
    active.delete(key);
    hub.remove(entry.subscriber, entry.group);
    return true;
  }

  async function replayFrom(subscriber: LiveSubscriber, group: SubscriptionGroup): Promise<void> {
    for (;;) {
      const batch = await deps.storage.changesSince(subscriber.position, RESUME_BATCH);
      for (const change of batch) hub.deliver(subscriber, group, change);
      if (batch.length < RESUME_BATCH) return;
    }
  }

  async function subscribe(id: RequestId, op: Operation, respond: (outcome: Outcome) => void): Promise<void> {
    const key = String(id);
    const target = deps.registry.resolve(op.uri);
    if (active.size >= options.maxSubscriptions) {
      throw new SynclineError('rate-limited', { detail: `At most ${options.maxSubscriptions} subscriptions per connection.` });
    }
    if (target.definition.internal) throw new SynclineError('not-found', { detail: `No resource at ${target.path}.` });
    const scope = readScope(target.definition, op.context);
    const view = fieldView(target.definition, op.context);
    let filter: Filter;
    if (target.id !== undefined) {
      filter = and({ field: 'id', op: 'eq', value: target.id }, scope);
    } else {
      filter = and(parseQueryFor(deps, target.definition, target.params, op.context).filter, scope);
    }
    const lastEventId = op.headers[HEADERS.lastEventId];
    const from = lastEventId === undefined ? undefined : parsePosition(lastEventId);
    // Registered before anything is read: every change committed from here on is queued, none falls between snapshot and live.
    const subscriber: LiveSubscriber = { idJson: JSON.stringify(id), position: 0, catchingUp: true, queue: [], send: options.send };
    const group = hub.add(subscriber, { definition: target.definition, kind: target.id === undefined ? 'collection' : 'record', filter, view });
    active.set(key, { subscriber, group });
    try {
      if (from !== undefined) {
        // The first batch is read before answering: only a log that continues right after
        // `from` (or is empty past it) can resume; a trimmed one answers a fresh snapshot.
        const [bounds, first] = await Promise.all([deps.storage.logBounds(), deps.storage.changesSince(from, RESUME_BATCH)]);
        const continues = first.length === 0 ? from === bounds.head : first[0]?.seq === from + 1;
        if (from <= bounds.head && continues) {
          respond({ status: 200, headers: { [HEADERS.resume]: 'resumed', [HEADERS.seq]: String(from) } });
          subscriber.position = from;
          for (const change of first) hub.deliver(subscriber, group, change);
          if (first.length === RESUME_BATCH) await replayFrom(subscriber, group);
          if (!closed && active.has(key)) hub.goLive(subscriber, group);
          return;
        }
      }
      const headers = { ...op.headers };
      delete headers['if-none-match'];
      const snapshot = await handleRead(deps, { ...op, method: 'GET', headers }, target);
      subscriber.position = Number(snapshot.headers[HEADERS.seq]);
      if (from !== undefined) snapshot.headers[HEADERS.resume] = 'reset';
      respond(snapshot);
      if (!closed && active.has(key)) hub.goLive(subscriber, group);
    } catch (error) {
      end(key);
      throw error;
    }
  }

  return {
    get size() {
      return active.size;
    },
    has: (id) => active.has(String(id)),
    // Counted as running, as the executor's operations are: close() lets a snapshot or a resume
    // under way answer, and the subscription go live, before the sockets close with 1001.
    subscribe: (id, op, respond) => deps.track(subscribe(id, op, respond)),
    unsubscribe(op) {
      const id = op.headers[HEADERS.subscription];
      if (id === undefined) throw new SynclineError('bad-request', { detail: `UNSUBSCRIBE needs the ${HEADERS.subscription} header.` });
      if (!end(id)) throw new SynclineError('not-found', { detail: `No subscription ${id} on this connection.` });
      return { status: 204, headers: {} };
    },
    closeAll() {
      closed = true;
      for (const key of [...active.keys()]) end(key);
    },
  };
}
