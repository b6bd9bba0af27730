import { SynclineError, type Downstream } from '@syncline/protocol';
import type { ResourceDefinition } from '@syncline/schema';
import { createConnection, type Connection } from './connection/connection.js';
import type { BackoffOptions, ConnectionState, ConnectionStateListener } from './connection/connection-state.js';
import type { SocketConstructor } from './connection/socket-like.js';
import { createViewPool } from './live/live-view.js';
import { createHttpTransport } from './requests/http-transport.js';
import { createRequestTracker } from './requests/request-tracker.js';
import type { IncomingResponse, OutgoingRequest, Transport } from './requests/transport.js';
import type { ConflictError } from './resource/conflict-error.js';
import { createResourceClient, type ResourceClient } from './resource/resource-client.js';
import { createReplicaStore, type ReplicaStore } from './store/replica-store.js';
import { createStreamSubscriptions, type StreamSubscriptions } from './sse/stream-subscriptions.js';
import { createSwitchingSubscriptions, type SwitchingSubscriptions } from './sse/switching-subscriptions.js';
import { createSubscriptions, type Subscriptions } from './subscriptions/subscriptions.js';

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
   * session cookie goes with every request and the socket's upgrade.
   */
  readonly token?: () => string | undefined | Promise<string | undefined>;
  /**
   * The server ended the session (signed out elsewhere, or expired; close code 4401). Sign
   * in again (the client waits for the returned promise) and return the new token from
   * `token`: the client reconnects and its live views resume where they were.
   */
  readonly onSessionEnded?: () => void | Promise<void>;
}

/** Events a client emits. */
export interface ClientEvents {
  conflict: (conflict: ConflictError) => void;
}

/**
 * A Syncline client: a clone of the resources it uses (DESIGN §1).
 *
 * @example
 * const client = createClient({ url: 'http://localhost:3000' });
 * const todo = await client.resource(todos).create({ title: 'Milk', list: listId });
 * client.on('conflict', (conflict) => console.warn(conflict.local, conflict.server));
 */
export interface SynclineClient extends AsyncDisposable {
  readonly store: ReplicaStore;
  resource<D extends ResourceDefinition>(definition: D): ResourceClient<D>;
  /** A raw request over the chosen transport; the answer whatever its status. */
  request(request: OutgoingRequest): Promise<IncomingResponse>;
  state(): ConnectionState;
  onStateChange(listener: ConnectionStateListener): () => void;
  on<E extends keyof ClientEvents>(event: E, listener: ClientEvents[E]): () => void;
  /** What carries live views and requests now: `socket`, `sse` (event streams and HTTP), or `http` (no live views). */
  transport(): 'socket' | 'sse' | 'http';
  /** Drops the socket (and reopens event streams) as a network failure would (it reconnects and resumes). */
  reconnect(): void;
  close(): void;
}

/** Creates a client; with the socket transport it starts connecting at once. */
export function createClient(options: ClientOptions): SynclineClient {
  const store = createReplicaStore();
  const conflictListeners = new Set<ClientEvents['conflict']>();
  const chosen = options.transport ?? 'auto';
  let connection: Connection | undefined;
  let subscriptions: Subscriptions | undefined;
  let streams: StreamSubscriptions | undefined;
  let switching: SwitchingSubscriptions | undefined;
  const http = createHttpTransport({ baseUrl: options.url, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.token ? { token: options.token } : {}), ...timeout(options) });
  let transport: Transport = http;
  const stateListeners = new Set<ConnectionStateListener>();
  let ownState: ConnectionState = { kind: 'open' };
  const emit = (state: ConnectionState): void => {
    for (const listener of [...stateListeners]) listener(state);
  };
  if (chosen === 'sse' || chosen === 'auto') {
    streams = createStreamSubscriptions({
      baseUrl: options.url,
      ...pick(options, ['fetch', 'token', 'onSessionEnded', 'onError', 'minDelayMs', 'maxDelayMs', 'random']),
    });
    subscriptions = streams;
  }
  if (chosen === 'socket' || chosen === 'auto') {
    const url = new URL(options.livePath ?? '/live', options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const route = (frame: Downstream): void => void (tracker.receive(frame) || subscriptions?.receive(frame));
    const socket = createConnection({ ...options, url: url.href, onFrame: (frame) => route(frame) });
    connection = socket;
    const tracker = createRequestTracker({ connection: socket, ...timeout(options) });
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
          const timer = setTimeout(() => {
            waiting.delete(go);
            reject(new SynclineError('unavailable', { detail: `No answer to ${request.method} ${request.resource} within ${timeoutMs} ms.` }));
          }, timeoutMs);
          const go = (): void => {
            clearTimeout(timer);
            waiting.delete(go);
            route(request, requestOptions).then(resolve, reject);
          };
          waiting.add(go);
        });
      };
      transport = { request: route };
      const fallbackAfter = options.fallbackAfterFailures ?? 2;
      socket.onStateChange((state) => {
        if (state.kind === 'open' && live.current === 'sse') live.switchTo('socket');
        else if (state.kind === 'connecting' && state.attempt > fallbackAfter && live.current === 'socket') {
          live.switchTo('sse');
          release();
          return emit(ownState);
        }
        if (state.kind !== 'connecting') release();
        if (live.current === 'socket' || state.kind === 'closed') emit(state);
      });
    } else {
      socket.onStateChange(emit);
    }
  }
  const pool = createViewPool<unknown>();
  const context = { store, transport, subscriptions: chosen === 'http' ? undefined : subscriptions, pool, onConflict: (conflict: ConflictError) => conflictListeners.forEach((listener) => listener(conflict)) };
  const closed: ConnectionState = { kind: 'closed', reason: 'closed by the client' };
  const current = (): 'socket' | 'sse' | 'http' => (chosen === 'http' ? 'http' : (switching?.current ?? (connection ? 'socket' : 'sse')));
  const client: SynclineClient = {
    store,
    resource: (definition) => createResourceClient(definition, context),
    request: (request) => transport.request(request),
    state: () => (connection && current() === 'socket' ? connection.state() : connection?.state().kind === 'closed' ? connection.state() : ownState),
    onStateChange(listener) {
      stateListeners.add(listener);
      return () => void stateListeners.delete(listener);
    },
    transport: current,
    on(_event, listener) {
      conflictListeners.add(listener);
      return () => void conflictListeners.delete(listener);
    },
    reconnect() {
      connection?.drop();
      streams?.reconnect();
    },
    close() {
      ownState = closed;
      streams?.close();
      if (connection) connection.close();
      else emit(closed);
    },
    [Symbol.asyncDispose]: async () => client.close(),
  };
  return client;
}

function pick<K extends keyof ClientOptions>(options: ClientOptions, keys: readonly K[]): Partial<Pick<ClientOptions, K>> {
  const picked: Partial<Pick<ClientOptions, K>> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

function timeout(options: ClientOptions): { timeoutMs?: number } {
  return options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs };
}
