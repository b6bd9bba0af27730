import { randomUUID } from 'node:crypto';
import { PROBLEM_CONTENT_TYPE, presenceTarget, SynclineError } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Backplane } from '../backplane/backplane.js';
import type { ContextFactory } from '../context-factory.js';
import { negotiate } from '../http/content-negotiation.js';
import { normalizeHeaders, type HttpRequest, type HttpResponse } from '../http/http-handler.js';
import type { SynclineLimits } from '../limits.js';
import type { Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Executor } from '../pipeline/executor.js';
import { recordUri, type ResourceRegistry } from '../resource-registry.js';
import type { Change } from '../storage/storage.js';
import { presenceMethodNotAllowed, presencePath } from './presence-access.js';
import { systemClock, type Clock } from '../clock.js';
import { startPresenceCluster } from './presence-cluster.js';
import { createPresenceRegistry } from './presence-registry.js';
import type { PresenceRecordReader } from './presence-visibility.js';
import { openPresenceSession, type PresenceCore, type PresenceSession } from './presence-session.js';
import type { PresenceWatchers } from './presence-watchers.js';

export interface PresenceServiceOptions {
  readonly backplane: Backplane;
  readonly executor: Executor;
  readonly resources: ResourceRegistry;
  readonly createContext: ContextFactory;
  /** Reads a record as the server, for the records a collection's presence visibility rests on (protocol.md §11). */
  readonly read: PresenceRecordReader;
  readonly limits: Pick<SynclineLimits, 'presenceRefreshMs' | 'presenceTimeoutMs' | 'presenceMaxDataBytes' | 'maxPresencePerConnection' | 'maxSubscriptions'>;
  /** The server's clock (refreshes, timeouts). Default the system's. */
  readonly clock?: Clock;
  readonly reportError: (error: unknown, where: string) => void;
}

/** Presence for one server process: sockets' sessions, `GET …/presence` over HTTP, and the cluster. */
export interface PresenceService {
  /** Opens the presence of one socket. */
  open(context: RequestContext, send: (frame: string) => void): PresenceSession;
  /** Answers a request for a presence URI over HTTP, or undefined for any other. */
  route(request: HttpRequest): Promise<HttpResponse> | undefined;
  /**
   * A committed change: where it takes a presence target out of the sight of a caller
   * present at it or watching it (the record's read rule, a delete, or a change of the
   * record a collection's query pins), that caller's entry leaves and its subscriptions
   * see every member leave, then nothing more.
   */
  observe(change: Change): void;
  /** Says goodbye to the other processes and stops the refresh. */
  close(): Promise<void>;
}

const HTTP_ALLOW = 'GET, HEAD, OPTIONS';

function serialize(outcome: Outcome): HttpResponse {
  return outcome.body === undefined ? { status: outcome.status, headers: outcome.headers } : { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) };
}

/**
 * Starts presence: a registry of entries, shared with the other processes over the
 * backplane's `presence` topic. Over HTTP a presence URI answers `GET`/`HEAD`; `PUT` and
 * `DELETE` are 405, since an entry lives as long as the socket that announced it.
 *
 * @example
 * const presence = createPresenceService({ backplane, executor, resources: registry, createContext, read, limits, reportError });
 * const session = presence.open(context, send);
 */
export function createPresenceService(options: PresenceServiceOptions): PresenceService {
  const { limits } = options;
  if (limits.presenceTimeoutMs <= limits.presenceRefreshMs) {
    throw new TypeError(`presenceTimeoutMs (${limits.presenceTimeoutMs}) must be longer than presenceRefreshMs (${limits.presenceRefreshMs})`);
  }
  const clock = options.clock ?? systemClock;
  const node = randomUUID();
  const registry = createPresenceRegistry(options.reportError);
  const cluster = startPresenceCluster({ node, backplane: options.backplane, registry, clock, refreshMs: limits.presenceRefreshMs, timeoutMs: limits.presenceTimeoutMs, reportError: options.reportError });
  const core: PresenceCore = {
    node,
    registry,
    cluster,
    resources: options.resources,
    executor: options.executor,
    clock,
    maxDataBytes: limits.presenceMaxDataBytes,
    maxPerConnection: limits.maxPresencePerConnection,
    maxSubscriptions: limits.maxSubscriptions,
    reportError: options.reportError,
    read: options.read,
    watchers: new Map() as PresenceWatchers,
  };

  async function answerHttp(request: HttpRequest, path: string): Promise<Outcome> {
    const method = request.method.toUpperCase();
    if (method === 'OPTIONS') return { status: 204, headers: { allow: HTTP_ALLOW } };
    if (method !== 'GET' && method !== 'HEAD') {
      throw presenceMethodNotAllowed(method, HTTP_ALLOW, 'presence is announced over the WebSocket (it lasts as long as the connection).');
    }
    const headers = normalizeHeaders(request.headers);
    if (negotiate(headers['accept'], ['application/json', PROBLEM_CONTENT_TYPE]) === undefined) {
      throw new SynclineError('not-acceptable', { detail: 'Presence is available as application/json.' });
    }
    const context = await options.createContext({ transport: 'http', headers, remoteAddress: request.remoteAddress });
    let answer: Outcome | undefined;
    // A throwaway session answers GET with the same code as the socket; it never announces.
    const session = openPresenceSession(core, context, () => {});
    await session.run(0, { method, uri: request.url, headers, body: undefined, context }, (outcome) => (answer = outcome));
    session.close();
    return answer ?? errorOutcome(new Error(`no answer for ${method} ${path}`), path, options.reportError);
  }

  return {
    open: (context, send) => openPresenceSession(core, context, send),
    route(request) {
      if (presenceTarget(request.url) === undefined) return undefined;
      const path = presencePath(request.url);
      return answerHttp(request, path).then(serialize, (error: unknown) => serialize(errorOutcome(error, path, options.reportError)));
    },
    observe(change) {
      const watching = core.watchers.get(recordUri(change.resource, change.id));
      if (watching === undefined) return;
      for (const watcher of [...watching]) if (!watcher.stillVisible(change)) watcher.revoke();
    },
    close: () => cluster.close(),
  };
}
