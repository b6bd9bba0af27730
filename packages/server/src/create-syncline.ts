import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Principal, RequestContext, ResourceDefinition } from '@syncline/schema';
import type { Authenticator } from './auth/password-auth.js';
import type { Backplane } from './backplane/backplane.js';
import { createMemoryBackplane } from './backplane/memory-backplane.js';
import { anonymousContext, type ContextFactory } from './context-factory.js';
import { createHttpHandler, type HttpRequest, type HttpResponse } from './http/http-handler.js';
import { answerExpectContinue } from './http/expect-continue.js';
import { createFetchHandler, type FetchInfo } from './http/fetch-handler.js';
import { createNodeListener } from './http/node-listener.js';
import { createRequestEntry } from './http/request-entry.js';
import { createDiscovery, isDiscoveryPath, offeredCapabilities } from './http/discovery.js';
import { secureResponse } from './http/security-headers.js';
import { createHostPolicy } from './security/host-policy.js';
import { createProxyTrust, type TrustProxySetting } from './security/proxy-trust.js';
import { DEFAULT_LIMITS, type SynclineLimits } from './limits.js';
import { createChangeFeed, type ChangeFeed } from './live/change-feed.js';
import { createSocketServer, type SocketAdmission, type UpgradeRequest } from './live/socket-server.js';
import { checkCrossSiteRequest } from './security/origin-policy.js';
import { createSubscriptionQuota } from './security/subscription-quota.js';
import { createWorkBudget } from './security/work-budget.js';
import { withCredentialRule } from './security/request-credentials.js';
import { createEventStreams } from './live/event-stream.js';
import { createSubscriptionHub } from './live/subscription-hub.js';
import type { Operation, Outcome } from './operation.js';
import { createExecutor, type Executor } from './pipeline/executor.js';
import { createDrain } from './shutdown-drain.js';
import { createIdempotency } from './pipeline/idempotency.js';
import { isReconcileUri } from './pipeline/reconcile.js';
import type { PipelineDeps } from './pipeline/pipeline-deps.js';
import { assertDefinitions } from './definitions/check-definitions.js';
import { createResourceRegistry } from './resource-registry.js';
import { systemClock, type Clock } from './clock.js';
import { createPresenceService } from './presence/presence-service.js';
import type { Change, Storage } from './storage/storage.js';
import { CLOSE_CODES } from '@syncline/protocol';

/** How long `close()` waits for running operations to answer before it closes every connection. */

export interface SynclineOptions {
  readonly resources: readonly ResourceDefinition[];
  readonly storage: Storage;
  /** Default: in-process (one server process). */
  readonly backplane?: Backplane;
  /** Sign-in: `createPasswordAuth()` adds accounts, sessions and their routes, and finds the caller on both transports. */
  readonly auth?: Authenticator;
  /** Finds out who is calling (instead of `auth`'s); default: everyone is anonymous. */
  readonly context?: ContextFactory;
  /** The WebSocket path. Default `/live`. */
  readonly livePath?: string;
  /**
   * Origins besides the server's own whose pages may use it (`https://app.example.com`; `*`
   * allows any). A WebSocket upgrade or a cookie-carrying POST, PUT, PATCH or DELETE from
   * any other origin is refused with 403. Default: only the server's own origin.
   */
  readonly origins?: readonly string[] | undefined;
  /**
   * The proxies in front of the server whose `X-Forwarded-For` and `X-Forwarded-Proto` are
   * believed: a number of hops, or their addresses and CIDR blocks. Default `false`: none, the
   * TCP peer is the client. See {@link TrustProxySetting}.
   */
  readonly trustProxy?: TrustProxySetting;
  /**
   * `Host` values the server answers besides IP literals, `localhost` and the hosts of
   * `origins` (`app.example.com`, `app.example.com:8443`, `*.example.com`; `*` for any); any
   * other is refused with 421 (DNS rebinding). Default: none besides those.
   */
  readonly allowedHosts?: readonly string[] | undefined;
  readonly limits?: Partial<SynclineLimits>;
  /** Errors that do not fail a request (after-hooks, a socket's error, a failed delivery). Default: console.error. */
  readonly onError?: (error: unknown, where: string) => void;
  /**
   * The one clock every timer-driven part runs on: the sign-in limits and session expiry, presence
   * refreshes and timeouts, the idempotency sweep, heartbeats and keep-alives, the feed's poll,
   * the log's trim, the request rates, lingering closes and the shutdown drain. Default the
   * system's (`systemClock`); tests pass `createManualClock()` from `@syncline/server/testing`
   * and move time with `await clock.advance(ms)`. A Redis backplane or PostgreSQL storage, made
   * before the server, take theirs as their own `clock` option.
   */
  readonly clock?: Clock;
  /**
   * The signed-in caller each read rule is tried with at start (with an anonymous one and
   * the server's own), to check the filters it returns. Default `{ id: 'syncline-start-up-probe' }`;
   * give one carrying the fields your `Principal` adds when your rules read them.
   */
  readonly probePrincipal?: Principal;
}

type RequestListener = (req: IncomingMessage, res: ServerResponse) => void;

/** A host application's request, as {@link Syncline.authenticate} reads it. */
export interface AuthenticateRequest {
  /** The request's headers as Node gives them (`req.headers`): names in lower case, repeated ones as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The client's address, for the sign-in's per-address limits. */
  readonly remoteAddress?: string | undefined;
}

/** How a server made by {@link Syncline.listen} answers HTTP requests. */
export interface ListenOptions {
  /** For paths that are not resources (the host application's pages). */
  readonly fallback?: RequestListener;
  /** Answers every request instead of Syncline's listener (which it calls for the requests it passes on). */
  readonly handler?: RequestListener;
}

export interface Syncline {
  /**
   * The HTTP surface as a function of Syncline's own request type (what the Node listener and
   * `fetch` both call; tests call it directly). It answers resources, discovery, sign-in and
   * presence; event streams and the body limit are the hosts' (`listener`, `fetch`).
   */
  handle(request: HttpRequest): Promise<HttpResponse>;
  /**
   * The HTTP surface for any host that speaks Fetch (Hono's `app.fetch` shape): the same
   * answers as `listener`, event streams included (a `Response` whose body stays open until
   * the client cancels it or the stream ends). Paths that are not Syncline's are answered 404:
   * a host routes its own first. Pass the TCP peer's address for the per-address limits.
   *
   * @example
   * Deno.serve((request, info) => syncline.fetch(request, { remoteAddress: info.remoteAddr.hostname }));
   */
  fetch(request: Request, info?: FetchInfo): Promise<Response>;
  /**
   * Settles a WebSocket upgrade of the live path for a host other than Node's `http` (which
   * `attach` serves with `ws`): refused with an HTTP status before any handshake, or accepted
   * with the subprotocol to select; the host then completes its handshake and calls `accept`
   * with its socket ({@link SocketHost}), and hands what arrives to the listener it returns.
   *
   * @example
   * // Deno (scripts/serve-runtime-smoke.ts has Deno's and Bun's hosts in full)
   * const admission = await syncline.upgrade({ url: '/live', headers: Object.fromEntries(request.headers), remoteAddress });
   * if (!admission.accepted) return new Response(null, { status: admission.status, headers: admission.headers });
   * const { socket, response } = Deno.upgradeWebSocket(request, { protocol: admission.protocol });
   * let listener: SocketListener | undefined;
   * socket.onopen = () => (listener = admission.accept({
   *   get open() { return socket.readyState === WebSocket.OPEN; },
   *   get bufferedAmount() { return socket.bufferedAmount; },
   *   send: (text) => socket.send(text),
   *   close: (code, reason) => socket.close(code, reason),
   *   ping: () => listener?.pong(), // Deno keeps the connection alive itself (`idleTimeout`)
   *   terminate: () => socket.close(),
   * }));
   * socket.onmessage = (event) => listener?.message(event.data);
   * socket.onclose = () => listener?.close();
   * return response;
   */
  upgrade(request: UpgradeRequest): Promise<SocketAdmission>;
  /** Runs an operation through the pipeline, as both transports do. */
  execute(op: Operation): Promise<Outcome>;
  /**
   * Finds who is calling, for a host application's own routes: the same context Syncline's
   * HTTP surface builds for a request with these headers (the `auth` session cookie or bearer
   * token, or the `context` option's factory), under the same rule that a request carrying
   * `Authorization` is never signed in by its cookie. Pass the client's address as the
   * server's `trustProxy` sees it (`clientOf(req).address`).
   *
   * @example
   * app.get('/api/hello', async (req, res) => {
   *   const { principal } = await syncline.authenticate({ headers: req.headers, remoteAddress: clientOf(req).address });
   *   res.json({ hello: principal?.id ?? 'stranger' });
   * });
   */
  authenticate(request: AuthenticateRequest): Promise<RequestContext>;
  /** A Node `http` listener; paths that are not resources go to `fallback` (the host app) or get 404. */
  listener(fallback?: (req: IncomingMessage, res: ServerResponse) => void): (req: IncomingMessage, res: ServerResponse) => void;
  /**
   * Serves WebSocket upgrades on the live path of an existing server, and answers its
   * `Expect: 100-continue` requests: 413 at once when one of Syncline's paths is sent a
   * declared body over `maxBodyBytes`, `100 Continue` otherwise.
   */
  attach(server: Server): void;
  /**
   * Creates a server, attaches the WebSocket upgrade, listens (port 0 picks a free one). The
   * server answers with Syncline's listener, sending non-resource paths to `fallback`; or,
   * for a host that routes first, with `handler`, which calls `listener()` itself. `close()`
   * closes the servers it created.
   */
  listen(port: number, host?: string, options?: ListenOptions): Promise<{ server: Server; port: number }>;
  /** Reads and dispatches every committed change not yet pushed (tests use it to wait for the fan-out). */
  flush(): Promise<void>;
  /** Counters for monitoring: open sockets, live subscriptions and their groups, slow consumers closed, the dispatched position. */
  stats(): { connections: number; streams: number; subscriptions: number; groups: number; slowConsumers: number; seq: number };
  /**
   * Shuts down gracefully: the servers it created stop taking connections, the operations
   * already running answer (up to 10 s), then sockets close with 1001 (clients reconnect,
   * perhaps to another process, and resume), the feed stops, and the backplane and storage close.
   */
  close(): Promise<void>;
}

/**
 * Creates a Syncline server: checks the resource definitions (rejecting with one
 * `invalid-definition` error that lists every mistake), migrates storage, starts the
 * change feed, and returns the HTTP and WebSocket surfaces over one pipeline.
 *
 * @example
 * const syncline = await createSyncline({ resources: [lists, todos], storage: createSqliteStorage({ filename: 'app.db' }) });
 * const { port } = await syncline.listen(3000);
 */
export async function createSyncline(options: SynclineOptions): Promise<Syncline> {
  const limits: SynclineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const clock = options.clock ?? systemClock;
  const reportError = options.onError ?? ((error: unknown, where: string) => console.error(`[syncline] ${where}:`, error));
  const auth = options.auth;
  const resources = [...options.resources, ...(auth?.resources ?? [])];
  // Before anything is opened or migrated: a misspelt field in a rule stops the start, with every mistake listed.
  assertDefinitions(resources, { probePrincipal: options.probePrincipal });
  const registry = createResourceRegistry(resources);
  const storage = options.storage;
  const backplane = options.backplane ?? createMemoryBackplane();
  // Whichever factory finds the caller, a request with `Authorization` is not signed in by its cookie.
  const createContext = withCredentialRule(options.context ?? auth?.context ?? anonymousContext);
  const hub = createSubscriptionHub();
  const trust = createProxyTrust(options.trustProxy ?? false);
  const hostAllowed = createHostPolicy({ allowed: options.allowedHosts, origins: options.origins });
  const admit = createRequestEntry({ trust, hostAllowed, reportError });

  // Every operation, from either transport, is counted (SUBSCRIBEs through `deps.track`), so close() can let the running ones answer.
  const drain = createDrain(clock);
  const deps: PipelineDeps = {
    registry,
    storage,
    limits,
    reportError,
    track: (work) => drain.track(work),
    publisher: {
      publish(changes) {
        for (const change of changes) {
          backplane.publish(change).catch((error: unknown) => reportError(error, 'backplane publish (the change feed will read it from the log)'));
        }
      },
    },
  };
  await backplane.start?.();
  await storage.migrate(resources);
  const idempotency = createIdempotency({ storage, ttlMs: limits.idempotencyTtlMs, reportError, clock });
  const pipeline = createExecutor(deps, { idempotency, maxReconcileEntries: limits.maxReconcileEntries });
  const executor: Executor = { execute: (op) => drain.track(pipeline.execute(op)), allow: (uri) => pipeline.allow(uri) };
  const readAsServer = (resource: string, id: string) => storage.read((tx) => tx.get(resource, id));
  const presence = createPresenceService({ backplane, executor, resources: registry, createContext, read: readAsServer, limits, reportError, clock });
  // Reconcile entries per user and per address, on HTTP and the sockets alike.
  const reconcileBudget = createWorkBudget({ perSecond: limits.reconcileEntriesPerSecond, burst: limits.reconcileEntryBurst, now: () => clock.now() });
  const handleResources = createHttpHandler({ executor, createContext, maxBodyBytes: limits.maxBodyBytes, maxJsonDepth: limits.maxJsonDepth, origins: options.origins, reportError, reconcileBudget });
  // One share per address and per user, across the sockets and the event streams of this process.
  const quota = createSubscriptionQuota(limits);
  const livePath = options.livePath ?? '/live';
  // What `hello` and `GET /_syncline` say this server offers, so clients decide instead of probing.
  const capabilities = offeredCapabilities({ resources, signIn: auth !== undefined });
  const discovery = createDiscovery({ capabilities, livePath, heartbeatMs: limits.heartbeatMs, reportError });
  const sockets = createSocketServer({
    path: livePath,
    capabilities,
    maxFrameBytes: limits.maxFrameBytes,
    maxConnections: limits.maxConnections,
    // Called only for an upgrade, once `streams` below exists.
    otherConnections: () => streams.size,
    maxConnectionsPerAddress: limits.maxConnectionsPerAddress,
    origins: options.origins,
    limits,
    executor,
    deps,
    hub,
    createContext,
    seq: () => feed.head,
    presence,
    quota,
    reconcileBudget,
    trust,
    hostAllowed,
    clock,
  });
  const streams = createEventStreams({
    livePath,
    deps,
    hub,
    createContext,
    limits,
    owns: (path) => owns(path),
    seq: () => feed.head,
    otherConnections: () => sockets.connections,
    quota,
    clock,
  });
  // Every answer of the HTTP surface, whichever part made it, leaves with the security headers and, for a caller with credentials, a private cache policy.
  const handle = async (request: HttpRequest): Promise<HttpResponse> => secureResponse(request, discovery.route(request) ?? (await auth?.route(request)) ?? (await presence.route(request)) ?? (await handleResources(request)));
  const fetchHandler = createFetchHandler({ handle, maxBodyBytes: limits.maxBodyBytes, owns: (path) => owns(path), events: streams, trust, hostAllowed, reportError });
  auth?.bind({
    execute: (op) => executor.execute(op),
    get: readAsServer,
    checkCrossSite: (method, headers, secure) => checkCrossSiteRequest(method, headers, options.origins, secure),
    clock,
  });
  const dispatch = (change: Change): void => {
    hub.dispatch(change);
    presence.observe(change);
    const ended = auth?.observe(change);
    if (ended !== undefined) sockets.closeSession(ended, CLOSE_CODES.sessionEnded, 'signed out');
    if (ended !== undefined) streams.closeSession(ended);
  };
  const feed: ChangeFeed = createChangeFeed({ storage, backplane, dispatch, pollMs: limits.feedPollMs, clock, reportError });
  await feed.start();
  const stopReconnects = backplane.onReconnect?.(() => void feed.catchUp());
  const stopCommitted = storage.onCommitted?.(() => void feed.catchUp());
  const owns = (path: string): boolean => registry.get(path.split('/')[1] ?? '') !== undefined || isReconcileUri(path) || isDiscoveryPath(path) || (auth?.paths.includes(path) ?? false);
  const servers: Server[] = [];
  const trimTimer = clock.setInterval(() => {
    storage.trimLog(limits.changeLogRetention).catch((error: unknown) => reportError(error, 'change log trim'));
  }, 60_000);
  // Lingering closes of refused bodies run on the server's clock too.
  const lingering = { ...limits, clock };

  const syncline: Syncline = {
    handle,
    fetch: fetchHandler,
    upgrade: (request) => sockets.admit(request),
    execute: (op) => executor.execute(op),
    authenticate: async (request) => createContext({ transport: 'http', headers: joinedHeaders(request.headers), remoteAddress: request.remoteAddress }),
    listener: (fallback) => createNodeListener({ handle, maxBodyBytes: limits.maxBodyBytes, lingering, owns, fallback, events: streams, reportError, admit }),
    attach(server) {
      sockets.attach(server);
      answerExpectContinue(server, { maxBodyBytes: limits.maxBodyBytes, lingering, owns, reportError });
    },
    async listen(port, host, options = {}) {
      const handler = options.handler;
      // A host's handler routes first: the request's client and Host are settled before it sees it.
      const server = createServer(handler === undefined ? syncline.listener(options.fallback) : (req, res) => void (admit(req, res) && handler(req, res)));
      server.on('clientError', (error, socket) => {
        reportError(error, 'http client');
        socket.destroy();
      });
      syncline.attach(server);
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      return { server, port: (server.address() as AddressInfo).port };
    },
    flush: () => feed.catchUp(),
    stats: () => ({ connections: sockets.connections, streams: streams.size, ...hub.stats(), slowConsumers: sockets.slowConsumers + streams.slowConsumers, seq: feed.head }),
    async close() {
      clock.clearInterval(trimTimer);
      // Drain first: take no new connections, let the operations already running answer (at
      // most SHUTDOWN_DRAIN_MS), and only then close sockets with 1001 and cut what is left.
      const stopped = servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve())));
      for (const server of servers) server.closeIdleConnections();
      await drain.idle(limits.shutdownDrainMs);
      idempotency.close();
      stopReconnects?.();
      stopCommitted?.();
      feed.stop();
      await sockets.close();
      await presence.close();
      streams.close();
      for (const server of servers) server.closeAllConnections();
      await Promise.all(stopped);
      await backplane.close();
      await storage.close();
    },
  };
  return syncline;
}

/** Headers as a context factory takes them: one string each, repeated ones joined as HTTP joins them. */
function joinedHeaders(headers: AuthenticateRequest['headers']): Record<string, string> {
  const joined: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) joined[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return joined;
}
