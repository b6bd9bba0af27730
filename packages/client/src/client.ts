import { SynclineError, type Capability, type Downstream } from '@syncline/protocol';
import type { ResourceDefinition } from '@syncline/schema';
import { createClientAuth, type ClientAuth } from './auth/client-auth.js';
import { systemClock, type Clock } from './clock.js';
import { createConnection, type Connection } from './connection/connection.js';
import { createClientState, stateOfStreams } from './connection/client-state.js';
import type { BackoffOptions, ConnectionState, ConnectionStateListener } from './connection/connection-state.js';
import type { SocketConstructor } from './connection/socket-like.js';
import { createViewPool } from './live/live-view.js';
import type { JsonRecord } from './requests/answers.js';
import { createHttpTransport } from './requests/http-transport.js';
import { createRequestTracker } from './requests/request-tracker.js';
import type { IncomingResponse, OutgoingRequest, Transport } from './requests/transport.js';
import { createOfflineReplica, type ConflictChoice, type OfflineOptions, type OfflineReplica } from './offline/offline-replica.js';
import type { HeldConflict } from './offline/offline-types.js';
import type { OutboxView } from './offline/outbox.js';
import type { WriteRejection } from './offline/replica-core.js';
import { clearStore, type DestroyOptions } from './offline/replica-destroy.js';
import type { ConflictError } from './resource/conflict-error.js';
import { createResourceClient, type ResourceClient } from './resource/resource-client.js';
import { createReplicaStore, type ReplicaStore } from './store/replica-store.js';
import { createStreamSubscriptions, type StreamSubscriptions } from './sse/stream-subscriptions.js';
import { createSwitchingSubscriptions, type SwitchingSubscriptions } from './sse/switching-subscriptions.js';
import { createSubscriptions, type Subscriptions } from './subscriptions/subscriptions.js';
import type { Presence } from './presence/presence-channel.js';
import { createPresencePool, type PresencePool } from './presence/presence-pool.js';

export interface ClientOptions extends BackoffOptions {
  /** The server's origin: `http://localhost:3000` (the socket URL is derived from it). */
  readonly url: string;
  /**
   * `auto` (default): one WebSocket for requests and live views; when it cannot be opened
   * (`fallbackAfterFailures` attempts in a row fail: a refused upgrade, a proxy that blocks
   * it), live views carry on over server-sent event streams and requests over HTTP, and the
   * client moves back to the socket once it opens. `socket`: the socket only. `sse`: event
   * streams and HTTP only. `http`: fetch only, no live views.
   */
  readonly transport?: 'auto' | 'socket' | 'sse' | 'http';
  /** With `auto`: failed socket attempts in a row before falling back to event streams. Default 2. */
  readonly fallbackAfterFailures?: number;
  /** The WebSocket path. Default `/live`. */
  readonly livePath?: string;
  /** A WebSocket constructor; default the platform's, else `ws` loaded on demand. */
  readonly WebSocket?: SocketConstructor;
  readonly fetch?: typeof fetch;
  /** Per-request timeout, also for requests queued while the socket is down. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Frames that are not valid messages, socket errors: reported, never thrown. */
  readonly onError?: (error: unknown) => void;
  /**
   * A bearer token from `POST /session`, asked for before each request and each new socket
   * (so a renewed one is used at once). Browsers on the server's origin need none: the
   * session cookie goes with every request and the socket's upgrade. A sign-in through
   * `client.auth` wins over it while it lasts; after `client.auth.signOut()` it is not asked
   * again until the next sign-in.
   */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /**
   * The server ended the session (signed out elsewhere, or expired; close code 4401). Sign
   * in again (the client waits for the returned promise) and return the new token from
   * `token`, or call `client.auth.signIn`: the client reconnects and its live views resume
   * where they were (from a fresh snapshot when `client.auth`'s session was the one that ended).
   * Not called for the client's own `client.auth.signOut()`.
   */
  readonly onSessionEnded?: () => void | Promise<void>;
  /**
   * The client as an offline clone (docs/client.md, "Offline: the client as a clone"): the
   * replica, a durable outbox of writes with idempotency keys, reconciliation on start and on
   * every reconnect, and conflict policies. Without it, writes are sent at once as before.
   */
  readonly offline?: OfflineOptions;
  /**
   * The one clock the client's timers run on: reconnect backoff, the heartbeat watchdog, request
   * timeouts, event-stream reconnects, the outbox's retries and the replica's healing. Default
   * the system's; tests pass `createManualClock()` (`@syncline/server/testing`) and move it by hand.
   */
  readonly clock?: Clock;
}

/** Events a client emits. */
export interface ClientEvents {
  /** A 412 (without `offline`), or a conflict held for the user (with `offline`). */
  conflict: (conflict: ConflictError) => void;
  /** With `offline`: the server refused a write (or a policy dropped it); it was rolled back. */
  rejected: (rejection: WriteRejection) => void;
  /** With `offline`: another tab deleted the replica (`destroy`, e.g. at sign-out); this client is closed and its store empty. */
  destroyed: () => void;
  /** With `transport: 'auto'`: the live views moved to the socket or to event streams (`transport()` says the same). */
  transport: (transport: 'socket' | 'sse') => void;
}

/**
 * A Syncline client: a clone of the resources it uses (docs/design-notes.md, "Every client is a clone").
 *
 * @example
 * const client = createClient({ url: 'http://localhost:3000' });
 * const todo = await client.resource(todos).create({ title: 'Milk', list: listId });
 * client.on('conflict', (conflict) => console.warn(conflict.local, conflict.server));
 */
export interface SynclineClient extends AsyncDisposable {
  readonly store: ReplicaStore;
  /**
   * Sign-up, sign-in and sign-out with the built-in password sign-in, and the session's user.
   *
   * @example
   * await client.auth.signIn('ana', 'correct horse');
   * client.auth.user(); // { id: 'ana', username: 'ana' }
   */
  readonly auth: ClientAuth;
  resource<D extends ResourceDefinition>(definition: D): ResourceClient<D>;
  /** A raw request over the chosen transport; the answer whatever its status. */
  request(request: OutgoingRequest): Promise<IncomingResponse>;
  /**
   * What the server offers (`reconcile`, `presence`, `actions`…, protocol.md §12): from the
   * socket's `hello`, or `GET /_syncline` over HTTP; undefined while unknown.
   *
   * @example
   * if ((await client.capabilities())?.includes('presence')) showWhoIsHere();
   */
  capabilities(): Promise<readonly Capability[] | undefined>;
  /** Presence at a record or collection URI (over the socket): `join`, `update`, `leave`, `members`, `subscribe`. */
  presence(uri: string): Presence;
  state(): ConnectionState;
  onStateChange(listener: ConnectionStateListener): () => void;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /** Settles once the persisted replica, outbox and held conflicts are in the store (at once without `offline`). */
  readonly ready: Promise<void>;
  /** True when the client was created with `offline`: a persisted replica, an outbox and held conflicts. */
  readonly offline: boolean;
  /** The writes waiting for the server (always empty without `offline`): "offline, 3 changes waiting". */
  readonly outbox: OutboxView;
  /** The conflicts held for the user, until {@link SynclineClient.resolve}. */
  conflicts(): readonly HeldConflict[];
  /**
   * Settles a held conflict with the user's choice: a record (written with `If-Match` on the
   * held server version), `null` (deleted), or `'server'`. Resolves with the server's record.
   */
  resolve(uri: string, choice: ConflictChoice): Promise<JsonRecord | null>;
  /** What carries live views and requests now: `socket`, `sse` (event streams and HTTP), or `http` (no live views). */
  transport(): 'socket' | 'sse' | 'http';
  /** Drops the socket (and reopens event streams) as a network failure would (it reconnects and resumes). */
  reconnect(): void;
  close(): void;
  /**
   * Ends this client and deletes its local data, for a user signing out: by default sends the
   * writes waiting in the outbox first (for at most `timeoutMs`), and refuses with an
   * `UnsentWritesError` (deleting nothing) when some cannot be sent or conflicts are held,
   * unless `pending: 'discard'`. Then it closes the client, empties its store, deletes the
   * persisted replica, outbox and held conflicts (`persistence.destroy()`), and tells the
   * other tabs of the replica to close theirs (they emit `destroyed`).
   *
   * @example
   * await client.destroy();                          // sends what waits, then deletes
   * await client.destroy({ pending: 'discard' });    // the user chose to lose unsent changes
   */
  destroy(options?: DestroyOptions): Promise<void>;
}

/** Creates a client; with the socket transport it starts connecting at once. */
export function createClient(options: ClientOptions): SynclineClient {
  const listeners: { readonly [E in keyof ClientEvents]: Set<ClientEvents[E]> } = { conflict: new Set(), rejected: new Set(), destroyed: new Set(), transport: new Set() };
  const conflictListeners = listeners.conflict;
  const rejectedListeners = listeners.rejected;
  const chosen = options.transport ?? 'auto';
  const clock = options.clock ?? systemClock;
  let connection: Connection | undefined;
  let subscriptions: Subscriptions | undefined;
  let streams: StreamSubscriptions | undefined;
  let switching: SwitchingSubscriptions | undefined;
  let presence: PresencePool | undefined;
  // Defined below: the sign-in routes go over this transport, whose token comes from them.
  let signIn: ReturnType<typeof createClientAuth> | undefined;
  const token = (): Promise<string | undefined> => signIn?.token() ?? Promise.resolve(undefined);
  const onSessionEnded = async (): Promise<void> => {
    if ((await signIn?.sessionEnded()) !== false) await options.onSessionEnded?.();
  };
  const http = createHttpTransport({ baseUrl: options.url, ...(options.fetch ? { fetch: options.fetch } : {}), token, ...timeout(options) });
  let transport: Transport = http;
  // Over the socket, its state; over event streams, what the streams show of the server (client-state.ts).
  const state = createClientState(chosen === 'socket' || chosen === 'auto' ? { kind: 'connecting', attempt: 1 } : { kind: 'open' });
  const publishStreams = (): void => {
    const next = streams && stateOfStreams(streams.reachability());
    const now = state.current();
    // The attempts go on counting from the socket's at a fallback during an outage.
    if (next?.kind === 'connecting' && now.kind === 'connecting') state.publish({ kind: 'connecting', attempt: Math.max(now.attempt, next.attempt) });
    else if (next) state.publish(next);
  };
  if (chosen === 'sse' || chosen === 'auto') {
    streams = createStreamSubscriptions({
      baseUrl: options.url,
      ...pick(options, ['fetch', 'onError', 'minDelayMs', 'maxDelayMs', 'random', 'clock']),
      token,
      // Only when the app handles it: without, a stream answered 401 ends with that error.
      ...(options.onSessionEnded ? { onSessionEnded } : {}),
    });
    subscriptions = streams;
    if (chosen === 'sse') streams.onReachabilityChange(publishStreams);
  }
  if (chosen === 'socket' || chosen === 'auto') {
    const url = new URL(options.livePath ?? '/live', options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const route = (frame: Downstream): void => void (tracker.receive(frame) || presence?.receive(frame) || subscriptions?.receive(frame));
    const socket = createConnection({ ...options, url: url.href, token, onSessionEnded, onFrame: (frame) => route(frame) });
    connection = socket;
    const tracker = createRequestTracker({ connection: socket, clock, ...timeout(options) });
    presence = createPresencePool({ connection: socket, tracker, onError: options.onError });
    const overSocket = createSubscriptions(socket, tracker);
    subscriptions = overSocket;
    transport = tracker;
    if (streams !== undefined) {
      const live = createSwitchingSubscriptions({ socket: overSocket, sse: streams }, 'socket');
      switching = live;
      subscriptions = live;
      // Requests follow the live views: over the socket, or over HTTP while on event streams.
      // One made while the socket is still connecting waits for it or for the fallback, whichever comes first.
      const waiting = new Set<() => void>();
      const release = (): void => [...waiting].forEach((go) => go());
      const route: Transport['request'] = (request, requestOptions) => {
        if (live.current === 'sse') return http.request(request, requestOptions);
        if (socket.state().kind !== 'connecting') return tracker.request(request, requestOptions);
        return new Promise((resolve, reject) => {
          const timeoutMs = requestOptions?.timeoutMs ?? options.requestTimeoutMs ?? 10_000;
          const timer = clock.setTimeout(() => {
            waiting.delete(go);
            reject(new SynclineError('unavailable', { detail: `No answer to ${request.method} ${request.resource} within ${timeoutMs} ms.` }));
          }, timeoutMs);
          const go = (): void => {
            clock.clearTimeout(timer);
            waiting.delete(go);
            route(request, requestOptions).then(resolve, reject);
          };
          waiting.add(go);
        });
      };
      // The socket's hello when one was seen, else what the server says over HTTP.
      transport = { request: route, capabilities: async () => (await tracker.capabilities?.()) ?? (await http.capabilities?.()) };
      const fallbackAfter = options.fallbackAfterFailures ?? 2;
      streams.onReachabilityChange(() => live.current === 'sse' && publishStreams());
      const moveTo = (target: 'socket' | 'sse'): void => {
        live.switchTo(target);
        listeners.transport.forEach((listener) => listener(target));
      };
      socket.onStateChange((next) => {
        if (next.kind === 'open' && live.current === 'sse') moveTo('socket');
        else if (next.kind === 'connecting' && next.attempt > fallbackAfter && live.current === 'socket') {
          moveTo('sse');
          release();
          // Still `connecting` until a stream connects, or `open` at once when no view needs one.
          return publishStreams();
        }
        if (next.kind !== 'connecting') release();
        if (live.current === 'socket' || next.kind === 'closed') state.publish(next);
      });
    } else {
      socket.onStateChange(state.publish);
    }
  }
  const onConflict = (conflict: ConflictError): void => conflictListeners.forEach((listener) => listener(conflict));
  const replica: OfflineReplica | undefined = options.offline
    ? createOfflineReplica({
        ...pick(options, ['minDelayMs', 'maxDelayMs', 'random', 'onError', 'clock']),
        offline: options.offline,
        url: options.url,
        transport,
        events: { conflict: onConflict, rejected: (rejection) => rejectedListeners.forEach((listener) => listener(rejection)) },
        // Another tab deleted the replica: this client ends too, and says so.
        onDestroyed: () => {
          client.close();
          listeners.destroyed.forEach((listener) => listener());
        },
      })
    : undefined;
  if (replica) {
    // Reconcile on start and on every reconnect; the sender waits while the connection is down.
    replica.online();
    state.onChange((next) => (next.kind === 'open' ? replica.online() : next.kind === 'connecting' ? replica.offline() : undefined));
  }
  const internals = createClientAuth({
    http,
    appToken: options.token,
    // The caller changed: what it may see did too, so live views start from fresh snapshots.
    onCallerChanged: () => {
      subscriptions?.forgetPositions();
      connection?.renew();
      streams?.reconnect();
    },
  });
  signIn = internals;
  const store = replica?.core.store ?? createReplicaStore();
  const pool = createViewPool<unknown>();
  const context = { store, transport, subscriptions: chosen === 'http' ? undefined : subscriptions, pool, onConflict, offline: replica };
  const closed: ConnectionState = { kind: 'closed', reason: 'closed by the client' };
  const current = (): 'socket' | 'sse' | 'http' => (chosen === 'http' ? 'http' : (switching?.current ?? (connection ? 'socket' : 'sse')));
  const client: SynclineClient = {
    store,
    auth: internals.auth,
    resource: (definition) => createResourceClient(definition, context),
    request: (request) => transport.request(request),
    capabilities: async () => transport.capabilities?.(),
    presence: (uri) => (presence ?? unavailable('Presence needs the socket transport.')).open(uri),
    state: () => state.current(),
    onStateChange: (listener) => state.onChange(listener),
    transport: current,
    on(event, listener) {
      // The listener's type follows the event's name.
      const set = listeners[event] as Set<ClientEvents[typeof event]>;
      set.add(listener);
      return () => void set.delete(listener);
    },
    ready: replica?.ready ?? Promise.resolve(),
    offline: replica !== undefined,
    outbox: replica?.outbox ?? { size: () => 0, reachable: () => true, subscribe: () => () => {} },
    conflicts: () => replica?.conflicts() ?? [],
    resolve: (uri, choice) => replica?.resolve(uri, choice) ?? Promise.reject(new SynclineError('bad-request', { detail: 'Conflicts are held only with the offline option.' })),
    reconnect() {
      connection?.drop();
      streams?.reconnect();
    },
    close() {
      // First, so that the streams closing below do not read as a change of reachability.
      state.publish(closed);
      replica?.close();
      streams?.close();
      connection?.close();
    },
    async destroy(destroyOptions) {
      // Refused (writes that cannot be sent): the client goes on as before.
      await replica?.destroy(destroyOptions);
      client.close();
      clearStore(store);
    },
    [Symbol.asyncDispose]: async () => client.close(),
  };
  return client;
}

function unavailable(detail: string): never {
  throw new SynclineError('unavailable', { detail });
}

function pick<K extends keyof ClientOptions>(options: ClientOptions, keys: readonly K[]): Partial<Pick<ClientOptions, K>> {
  const picked: Partial<Pick<ClientOptions, K>> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

function timeout(options: ClientOptions): { timeoutMs?: number } {
  return options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs };
}
