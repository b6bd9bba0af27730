import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type Capability } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Clock } from '../clock.js';
import type { ContextFactory } from '../context-factory.js';
import { normalizeHeaders } from '../http/http-handler.js';
import type { Executor } from '../pipeline/executor.js';
import type { PipelineDeps } from '../pipeline/pipeline-deps.js';
import { createAddressCounter } from '../security/address-counter.js';
import { isOriginAllowed } from '../security/origin-policy.js';
import type { SubscriptionQuota } from '../security/subscription-quota.js';
import type { WorkBudget } from '../security/work-budget.js';
import type { ProxyTrust } from '../security/proxy-trust.js';
import { openConnection, type Connection, type ConnectionLimits } from './connection.js';
import { negotiateVersion, refuseVersion, selectSubprotocol } from './version-negotiation.js';
import type { SubscriptionHub } from './subscription-hub.js';
import type { PresenceService } from '../presence/presence-service.js';

export interface SocketServerOptions {
  readonly path: string;
  /** What `hello` says the server offers. */
  readonly capabilities: readonly Capability[];
  readonly maxFrameBytes: number;
  readonly maxConnections: number;
  /** Other live connections (the event streams), counted with the sockets against `maxConnections`. Default none. */
  readonly otherConnections?: () => number;
  /** Open sockets per client address; beyond, the upgrade gets HTTP 429. */
  readonly maxConnectionsPerAddress: number;
  /** Origins besides the server's own whose pages may open a socket (`*`: any); others get HTTP 403. */
  readonly origins?: readonly string[] | undefined;
  readonly limits: ConnectionLimits;
  readonly executor: Executor;
  readonly deps: PipelineDeps;
  readonly hub: SubscriptionHub;
  readonly createContext: ContextFactory;
  readonly seq: () => number;
  /** Presence on this process's sockets (`…/presence` URIs). */
  readonly presence?: PresenceService | undefined;
  /** The subscriptions each address and user may hold, shared with the event streams. */
  readonly quota?: SubscriptionQuota | undefined;
  /** Reconcile entries per user and per client address, shared with HTTP. */
  readonly reconcileBudget?: WorkBudget | undefined;
  /** Who sent an upgrade, behind trusted proxies. Default: its TCP peer. */
  readonly trust?: ProxyTrust;
  /** Whether the server answers this `Host` (DNS rebinding); others get HTTP 421. Default: any. */
  readonly hostAllowed?: (host: string | undefined) => boolean;
  /** The server's clock: the heartbeat, the request rate, session expiry. */
  readonly clock: Clock;
}

export interface SocketServer {
  /** Serves the live path on an HTTP server's upgrades (other paths are left to other handlers). */
  attach(server: Server): void;
  readonly connections: number;
  /** Sockets closed as slow consumers since start. */
  readonly slowConsumers: number;
  /** Closes the sockets of one session (signed out) with `code`. */
  closeSession(sessionId: string, code: number, reason: string): void;
  /** Closes every socket with 1001 (going away) so clients reconnect elsewhere. */
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

/**
 * The WebSocket surface, on the same port as HTTP. `ws` defaults are not limits
 * (docs/design-notes.md, "`ws` defaults are not limits"): the frame size is capped (`maxPayload`, close 1009), compression is off
 * (it costs memory per socket and invites compression-bomb frames).
 */
export function createSocketServer(options: SocketServerOptions): SocketServer {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: options.maxFrameBytes,
    perMessageDeflate: false,
    handleProtocols: selectSubprotocol,
  });
  const connections = new Set<Connection>();
  let slowConsumers = 0;
  const timer = options.clock.setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, options.limits.heartbeatMs);

  const perAddress = createAddressCounter(options.maxConnectionsPerAddress);

  // Listeners that live as long as the socket are made in these small functions, never in
  // upgrade()'s scope: V8 keeps one context per scope for all its closures, so a long-lived
  // closure there would keep the upgrade request, its headers and `head` alive per socket.
  function reportErrors(socket: Duplex): void {
    socket.on('error', (error) => options.deps.reportError(error, 'websocket'));
  }
  function releaseOnClose(socket: Duplex, address: string | undefined): void {
    socket.once('close', () => perAddress.release(address));
  }
  function accept(ws: WebSocket, context: RequestContext, address: string | undefined): void {
    const connection = openConnection({
      socket: ws,
      context,
      executor: options.executor,
      deps: options.deps,
      hub: options.hub,
      limits: options.limits,
      seq: options.seq,
      capabilities: options.capabilities,
      onClose: () => connections.delete(connection),
      onSlowConsumer: () => slowConsumers++,
      presence: options.presence,
      ledger: options.quota?.open({ address, user: context.principal?.id }),
      reconcileMeters: options.reconcileBudget?.metersFor({ address, user: context.principal?.id }),
      clock: options.clock,
    });
    connections.add(connection);
  }

  function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    reportErrors(socket);
    // A page on a name rebound to this server must not reach it (DNS rebinding).
    if (options.hostAllowed?.(request.headers.host) === false) return refuse(socket, 421, 'Misdirected Request');
    const version = negotiateVersion(request.headers['sec-websocket-protocol']);
    if (version === 'not-syncline') return refuse(socket, 400, 'Unsupported Subprotocol');
    const encrypted = 'encrypted' in request.socket && request.socket.encrypted === true;
    const client = options.trust?.({ peer: request.socket.remoteAddress, encrypted, headers: request.headers }) ?? { address: request.socket.remoteAddress, secure: encrypted };
    // A page from a foreign origin must not open a socket with the user's cookie (cross-site WebSocket hijacking).
    if (!isOriginAllowed(request.headers.origin, request.headers.host, options.origins, client.secure)) return refuse(socket, 403, 'Forbidden');
    // Another major: the handshake completes so that the client, browsers included, reads the close code.
    if (version === 'unsupported') return wss.handleUpgrade(request, socket, head, (ws) => refuseVersion(ws, options.deps.reportError));
    if (connections.size + (options.otherConnections?.() ?? 0) >= options.maxConnections) return refuse(socket, 503, 'Service Unavailable');
    const address = client.address;
    if (!perAddress.acquire(address)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nretry-after: 5\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
      return;
    }
    releaseOnClose(socket, address);
    const headers = normalizeHeaders(request.headers);
    Promise.resolve(options.createContext({ transport: 'websocket', headers, remoteAddress: address })).then(
      (context) => {
        wss.handleUpgrade(request, socket, head, (ws) => accept(ws, context, address));
      },
      (error: unknown) => {
        options.deps.reportError(error, 'websocket context');
        refuse(socket, 500, 'Internal Server Error');
      },
    );
  }

  return {
    attach(server) {
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const path = (request.url ?? '/').split('?')[0];
        if (path === options.path) upgrade(request, socket, head);
        else if (server.listenerCount('upgrade') === 1) refuse(socket, 404, 'Not Found');
      });
    },
    get connections() {
      return connections.size;
    },
    get slowConsumers() {
      return slowConsumers;
    },
    closeSession(sessionId, code, reason) {
      for (const connection of connections) {
        if (connection.context.session?.id === sessionId) connection.close(code, reason);
      }
    },
    async close() {
      options.clock.clearInterval(timer);
      for (const connection of connections) connection.close(CLOSE_CODES.goingAway, 'server shutting down');
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
