import type { Downstream } from '@syncline/protocol';
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
import { createSubscriptions, type Subscriptions } from './subscriptions/subscriptions.js';

export interface ClientOptions extends BackoffOptions {
  /** The server's origin: `http://localhost:3000` (the socket URL is derived from it). */
  readonly url: string;
  /** `socket` (default): one WebSocket for requests and live views. `http`: fetch only, no live views. */
  readonly transport?: 'socket' | 'http';
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
  /** Drops the socket as a network failure would (it reconnects and resumes). */
  reconnect(): void;
  close(): void;
}

/** Creates a client; with the socket transport it starts connecting at once. */
export function createClient(options: ClientOptions): SynclineClient {
  const store = createReplicaStore();
  const conflictListeners = new Set<ClientEvents['conflict']>();
  let connection: Connection | undefined;
  let subscriptions: Subscriptions | undefined;
  let transport: Transport;
  if (options.transport === 'http') {
    transport = createHttpTransport({ baseUrl: options.url, ...(options.fetch ? { fetch: options.fetch } : {}), ...(options.token ? { token: options.token } : {}), ...timeout(options) });
  } else {
    const url = new URL(options.livePath ?? '/live', options.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const route = (frame: Downstream): void => void (tracker.receive(frame) || subscriptions?.receive(frame));
    connection = createConnection({ ...options, url: url.href, onFrame: (frame) => route(frame) });
    const tracker = createRequestTracker({ connection, ...timeout(options) });
    subscriptions = createSubscriptions(connection, tracker);
    transport = tracker;
  }
  const pool = createViewPool<unknown>();
  const context = { store, transport, subscriptions, pool, onConflict: (conflict: ConflictError) => conflictListeners.forEach((listener) => listener(conflict)) };
  const closed: ConnectionState = { kind: 'closed', reason: 'closed by the client' };
  let httpState: ConnectionState = { kind: 'open' };
  const client: SynclineClient = {
    store,
    resource: (definition) => createResourceClient(definition, context),
    request: (request) => transport.request(request),
    state: () => connection?.state() ?? httpState,
    onStateChange: (listener) => connection?.onStateChange(listener) ?? (() => {}),
    on(_event, listener) {
      conflictListeners.add(listener);
      return () => void conflictListeners.delete(listener);
    },
    reconnect: () => connection?.drop(),
    close() {
      connection?.close();
      httpState = closed;
    },
    [Symbol.asyncDispose]: async () => client.close(),
  };
  return client;
}

function timeout(options: ClientOptions): { timeoutMs?: number } {
  return options.requestTimeoutMs === undefined ? {} : { timeoutMs: options.requestTimeoutMs };
}
