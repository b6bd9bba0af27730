import { randomUUID } from 'node:crypto';
import { HEADERS, presenceAnnounceSchema, presenceTarget, SynclineError, type PresenceEvent, type RequestId } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Operation, Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Executor } from '../pipeline/executor.js';
import type { ResourceRegistry } from '../resource-registry.js';
import { authorizePresence, canonicalPresence, presenceMethodNotAllowed, presencePath, principalName, type PresenceTargetInfo } from './presence-access.js';
import type { Clock } from '../clock.js';
import type { PresenceCluster } from './presence-cluster.js';
import type { PresenceRegistry } from './presence-registry.js';
import type { PresenceRecordReader } from './presence-visibility.js';
import { createSessionWatches, type PresenceWatchers } from './presence-watchers.js';

/** What every presence session of one process shares. */
export interface PresenceCore {
  readonly node: string;
  readonly registry: PresenceRegistry;
  readonly cluster: PresenceCluster;
  readonly resources: ResourceRegistry;
  readonly executor: Executor;
  readonly clock: Clock;
  readonly maxDataBytes: number;
  readonly maxPerConnection: number;
  readonly maxSubscriptions: number;
  readonly reportError: (error: unknown, where: string) => void;
  /** Reads a record as the server: the records a collection's presence visibility rests on. */
  readonly read: PresenceRecordReader;
  /**
   * By record URI, the sessions whose right to a presence target rests on that record (the
   * record itself, or a record a collection's query pins), told when it changes.
   */
  readonly watchers: PresenceWatchers;
}

/** One socket's presence: its entries and its presence subscriptions. */
export interface PresenceSession {
  /** Runs a presence request (a presence URI, or UNSUBSCRIBE of a presence subscription); undefined for any other. */
  run(id: RequestId, op: Operation, respond: (outcome: Outcome) => void): Promise<void> | undefined;
  /** Whether `id` names one of its presence subscriptions. */
  has(id: RequestId): boolean;
  /** The socket closed: its entries leave at once, its subscriptions end. */
  close(): void;
}

const SOCKET_ALLOW = 'GET, HEAD, PUT, DELETE, OPTIONS';
const PROBLEM_ERRORS = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  issues.map((issue) => ({ path: issue.path.map((part) => (typeof part === 'number' ? part : String(part))), message: issue.message }));

/**
 * Opens the presence of one socket. `PUT <uri>/presence` announces (204), `DELETE` leaves
 * (204), `SUBSCRIBE` answers the members and pushes `presence` events, `GET` answers the
 * members. Announcing and subscribing need read access to the target, checked each time.
 *
 * @example
 * const session = openPresenceSession(core, context, send);
 * const running = session.run(id, op, (outcome) => respond(id, outcome)); // undefined: not presence
 */
export function openPresenceSession(core: PresenceCore, context: RequestContext, send: (frame: string) => void): PresenceSession {
  const connection = randomUUID();
  // A revoked subscription keeps its id (UNSUBSCRIBE still answers 204) but hears nothing more.
  const subscriptions = new Map<string, { readonly id: RequestId; readonly uri: string; stop: () => void; revoked?: true }>();
  const watches = createSessionWatches({ watchers: core.watchers, resources: core.resources, context, revoke: (uri) => revoke(uri) });
  const { watch, unwatch } = watches;
  const unwatchIfIdle = (uri: string): void => {
    if (core.registry.has(connection, uri) || [...subscriptions.values()].some((subscription) => subscription.uri === uri)) return;
    unwatch(uri);
  };
  /** The target left the caller's sight: its entry leaves, and its subscriptions see everyone leave and then nothing. */
  function revoke(uri: string): void {
    if (core.registry.has(connection, uri)) {
      core.registry.remove(core.node, connection, uri);
      core.cluster.withdraw(connection, uri);
    }
    for (const subscription of subscriptions.values()) {
      // Revoked once is revoked for good: a later revocation (the caller joined again, lost sight again) tells it nothing.
      if (subscription.uri !== uri || subscription.revoked) continue;
      subscription.revoked = true;
      subscription.stop();
      subscription.stop = () => {};
      for (const member of core.registry.members(uri)) {
        const event: PresenceEvent = { event: 'presence', subscription: subscription.id, resource: uri, op: 'leave', member };
        send(JSON.stringify(event));
      }
    }
    unwatch(uri);
  }
  let closed = false;
  // Announcements and leaves of one socket apply in the order they were sent, though each awaits a read.
  let queue: Promise<unknown> = Promise.resolve();
  const inOrder = <T>(work: () => Promise<T>): Promise<T> => {
    const next = queue.then(work, work);
    queue = next.catch(() => undefined);
    return next;
  };

  const resolveInfo = (op: Operation): PresenceTargetInfo => canonicalPresence(core.resources, presenceTarget(op.uri) ?? op.uri);

  async function announce(op: Operation): Promise<Outcome> {
    const parsed = presenceAnnounceSchema.safeParse(op.body);
    if (!parsed.success) {
      throw new SynclineError('validation-failed', { detail: 'A presence announcement is {"state": "<word>", "data": {…}}.', errors: PROBLEM_ERRORS(parsed.error.issues) });
    }
    const data = parsed.data.data ?? {};
    const size = Buffer.byteLength(JSON.stringify(data));
    if (size > core.maxDataBytes) {
      throw new SynclineError('payload-too-large', { detail: `Presence data is limited to ${core.maxDataBytes} bytes of JSON; this is ${size}.` });
    }
    const info = resolveInfo(op);
    const grant = await authorizePresence(core, info, context);
    if (!grant.granted) return grant.refusal;
    if (closed) return { status: 204, headers: {} };
    if (!core.registry.has(connection, info.uri) && core.registry.countOf(connection) >= core.maxPerConnection) {
      throw new SynclineError('rate-limited', { detail: `A connection may be present at ${core.maxPerConnection} URIs at once.` });
    }
    const name = principalName(context);
    const entry = { node: core.node, connection, uri: info.uri, user: context.principal?.id ?? null, ...(name === undefined ? {} : { name }), state: parsed.data.state, data, at: core.clock.now() };
    core.registry.set(entry, core.clock.now());
    core.cluster.announce(entry);
    watch(info, grant.sight);
    return { status: 204, headers: {} };
  }

  function leave(op: Operation): Outcome {
    const info = resolveInfo(op);
    if (core.registry.has(connection, info.uri)) {
      core.registry.remove(core.node, connection, info.uri);
      core.cluster.withdraw(connection, info.uri);
    }
    unwatchIfIdle(info.uri);
    return { status: 204, headers: {} };
  }

  async function subscribe(id: RequestId, op: Operation, respond: (outcome: Outcome) => void): Promise<void> {
    if (subscriptions.size >= core.maxSubscriptions) {
      throw new SynclineError('rate-limited', { detail: `At most ${core.maxSubscriptions} presence subscriptions per connection.` });
    }
    const info = resolveInfo(op);
    const grant = await authorizePresence(core, info, context);
    if (!grant.granted) return respond(grant.refusal);
    if (closed) return;
    // The answer goes out before the listener exists, and nothing is awaited between: no event precedes it.
    respond({ status: 200, headers: { 'content-type': 'application/json', 'cache-control': 'no-cache' }, body: { members: core.registry.members(info.uri) } });
    const stop = core.registry.listen(info.uri, (presenceOp, member) => {
      const event: PresenceEvent = { event: 'presence', subscription: id, resource: info.uri, op: presenceOp, member };
      send(JSON.stringify(event));
    });
    subscriptions.set(String(id), { id, uri: info.uri, stop });
    watch(info, grant.sight);
  }

  async function read(op: Operation): Promise<Outcome> {
    const info = resolveInfo(op);
    const grant = await authorizePresence(core, info, context);
    if (!grant.granted) return grant.refusal;
    const headers = { 'content-type': 'application/json', 'cache-control': 'no-cache' };
    return op.method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body: { members: core.registry.members(info.uri) } };
  }

  async function dispatch(id: RequestId, op: Operation, respond: (outcome: Outcome) => void): Promise<void> {
    switch (op.method) {
      case 'PUT':
        return respond(await inOrder(() => announce(op)));
      case 'DELETE':
        return respond(await inOrder(async () => leave(op)));
      case 'SUBSCRIBE':
        return subscribe(id, op, respond);
      case 'GET':
      case 'HEAD':
        return respond(await read(op));
      case 'OPTIONS':
        resolveInfo(op);
        return respond({ status: 204, headers: { allow: SOCKET_ALLOW } });
      default:
        throw presenceMethodNotAllowed(op.method, SOCKET_ALLOW, 'presence is announced with PUT, left with DELETE and watched with SUBSCRIBE.');
    }
  }

  return {
    run(id, op, respond) {
      if (op.method === 'UNSUBSCRIBE') {
        const which = op.headers[HEADERS.subscription];
        const subscription = which === undefined ? undefined : subscriptions.get(which);
        if (which === undefined || subscription === undefined) return undefined;
        subscription.stop();
        subscriptions.delete(which);
        unwatchIfIdle(subscription.uri);
        respond({ status: 204, headers: {} });
        return Promise.resolve();
      }
      if (presenceTarget(op.uri) === undefined) return undefined;
      return dispatch(id, op, respond).catch((error: unknown) => respond(errorOutcome(error, presencePath(op.uri.split('?')[0] ?? op.uri), core.reportError)));
    },
    has: (id) => subscriptions.has(String(id)),
    close() {
      if (closed) return;
      closed = true;
      for (const subscription of subscriptions.values()) subscription.stop();
      subscriptions.clear();
      watches.unwatchAll();
      if (core.registry.countOf(connection) > 0) {
        core.registry.remove(core.node, connection);
        core.cluster.withdraw(connection);
      }
    },
  };
}
