import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { CLOSE_CODES, type Capability } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
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
import type { SocketHost, SocketListener } from './socket-host.js';
import { createWsUpgrade, type WsUpgrade } from './ws-socket-host.js';
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

/** A WebSocket upgrade request, as any host sees it before the handshake. */
export interface UpgradeRequest {
  /** Origin-relative: `/live`. */
  readonly url: string;
  /** Names in lower case or not; repeated ones as arrays. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  /** The TCP peer (behind trusted proxies, the client they forward is used). */
  readonly remoteAddress?: string | undefined;
  /** Whether the request came over TLS. */
  readonly secure?: boolean | undefined;
}

/**
 * What an upgrade may do: be refused with an HTTP answer before any handshake, or be accepted
 * with the subprotocol to select. An accepted upgrade holds its place in the connection limits
 * until its socket closes, or until `cancel` (the host's handshake failed).
 */
export type SocketAdmission =
  | { readonly accepted: false; readonly status: number; readonly reason: string; readonly headers: Readonly<Record<string, string>> }
  | {
      readonly accepted: true;
      /** The subprotocol to answer in `Sec-WebSocket-Protocol`; undefined when none was offered. */
      readonly protocol: string | undefined;
      /** Opens the connection on the socket the handshake made (once); the host calls the listener with what arrives. */
      accept(socket: SocketHost): SocketListener;
      /** Gives up an admission whose handshake did not complete. */
      cancel(): void;
    };

export interface SocketServer {
  /** Serves the live path on an HTTP server's upgrades (other paths are left to other handlers). */
  attach(server: Server): void;
  /** Settles an upgrade of the live path for any host: the checks `attach` makes, without `ws`. */
  admit(request: UpgradeRequest): Promise<SocketAdmission>;
  readonly connections: number;
  /** Sockets closed as slow consumers since start. */
  readonly slowConsumers: number;
  /** Closes the sockets of one session (signed out) with `code`. */
  closeSession(sessionId: string, code: number, reason: string): void;
  /** Closes every socket with 1001 (going away) so clients reconnect elsewhere. */
  close(): Promise<void>;
}

function refused(status: number, reason: string, headers: Record<string, string> = {}): SocketAdmission {
  return { accepted: false, status, reason, headers };
}

function offeredProtocols(offered: string | undefined): Set<string> {
  return new Set((offered ?? '').split(',').map((protocol) => protocol.trim()).filter((protocol) => protocol !== ''));
}

/**
 * The WebSocket surface: the checks an upgrade passes (`admit`), the open connections, their
 * heartbeat and their close. Node's `http` upgrades reach it through `attach` (the `ws` host,
 * `ws-socket-host.ts`); any other host calls `admit` and then accepts on its own socket.
 */
export function createSocketServer(options: SocketServerOptions): SocketServer {
  let ws: WsUpgrade | undefined;
  const connections = new Set<Connection>();
  let slowConsumers = 0;
  const timer = options.clock.setInterval(() => {
    for (const connection of connections) connection.heartbeat();
  }, options.limits.heartbeatMs);

  const perAddress = createAddressCounter(options.maxConnectionsPerAddress);

  // Closures that live as long as the socket are made in these small functions, never in
  // admit()'s scope: V8 keeps one context per scope for all its closures, so a long-lived
  // closure there would keep the upgrade request and its headers alive per socket.
  function accept(socket: SocketHost, context: RequestContext, address: string | undefined, release: () => void): SocketListener {
    const connection = openConnection({
      socket,
      context,
      executor: options.executor,
      deps: options.deps,
      hub: options.hub,
      limits: options.limits,
      seq: options.seq,
      capabilities: options.capabilities,
      onClose: () => {
        connections.delete(connection);
        release();
      },
      onSlowConsumer: () => slowConsumers++,
      presence: options.presence,
      ledger: options.quota?.open({ address, user: context.principal?.id }),
      reconcileMeters: options.reconcileBudget?.metersFor({ address, user: context.principal?.id }),
      clock: options.clock,
    });
    connections.add(connection);
    return connection.listener;
  }
  function admitted(protocol: string | undefined, context: RequestContext, address: string | undefined): SocketAdmission {
    let held = true;
    const release = (): void => {
      if (!held) return;
      held = false;
      perAddress.release(address);
    };
    return { accepted: true, protocol, accept: (socket) => accept(socket, context, address, release), cancel: release };
  }
  function versionRefused(protocol: string | undefined): SocketAdmission {
    return { accepted: true, protocol, accept: (socket) => refuseVersion(socket, options.deps.reportError), cancel: () => {} };
  }

  async function admit(request: UpgradeRequest): Promise<SocketAdmission> {
    if (request.url.split('?')[0] !== options.path) return refused(404, 'Not Found');
    const headers = normalizeHeaders(request.headers);
    const host = headers['host'];
    // A page on a name rebound to this server must not reach it (DNS rebinding).
    if (options.hostAllowed?.(host) === false) return refused(421, 'Misdirected Request');
    const offered = headers['sec-websocket-protocol'];
    const version = negotiateVersion(offered);
    if (version === 'not-syncline') return refused(400, 'Unsupported Subprotocol');
    const encrypted = request.secure === true;
    const client = options.trust?.({ peer: request.remoteAddress, encrypted, headers }) ?? { address: request.remoteAddress, secure: encrypted };
    // A page from a foreign origin must not open a socket with the user's cookie (cross-site WebSocket hijacking).
    if (!isOriginAllowed(headers['origin'], host, options.origins, client.secure)) return refused(403, 'Forbidden');
    const protocol = offered === undefined ? undefined : selectSubprotocol(offeredProtocols(offered)) || undefined;
    // Another major: the handshake completes so that the client, browsers included, reads the close code.
    if (version === 'unsupported') return versionRefused(protocol);
    if (connections.size + (options.otherConnections?.() ?? 0) >= options.maxConnections) return refused(503, 'Service Unavailable');
    const address = client.address;
    if (!perAddress.acquire(address)) return refused(429, 'Too Many Requests', { 'retry-after': '5' });
    try {
      return admitted(protocol, await options.createContext({ transport: 'websocket', headers, remoteAddress: address }), address);
    } catch (error) {
      perAddress.release(address);
      options.deps.reportError(error, 'websocket context');
      return refused(500, 'Internal Server Error');
    }
  }

  return {
    attach(server) {
      ws ??= createWsUpgrade({ maxFrameBytes: options.maxFrameBytes, admit, reportError: options.deps.reportError });
      const upgrade = ws;
      server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
        const path = (request.url ?? '/').split('?')[0];
        if (path === options.path) upgrade.handle(request, socket, head);
        else if (server.listenerCount('upgrade') === 1) upgrade.refuse(socket, 404, 'Not Found');
      });
    },
    admit,
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
      await ws?.close();
    },
  };
}
