import { DISCOVERY_PATH, PROTOCOL_RANGE, SynclineError, type Capability, type Discovery } from '@syncline/protocol';
import type { ResourceDefinition } from '@syncline/schema';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { HttpRequest, HttpResponse } from './http-handler.js';

export interface CapabilityOptions {
  readonly resources: readonly ResourceDefinition[];
  /** Whether sign-in (`createPasswordAuth()`) is configured. */
  readonly signIn: boolean;
}

/**
 * What this server really offers, for `hello` and `GET /_syncline`: the parts every server has,
 * `actions` when a resource declares one, `sign-in` when accounts are configured.
 *
 * @example
 * offeredCapabilities({ resources: [todos], signIn: false }); // ['reconcile', 'presence', 'idempotency', 'event-streams']
 */
export function offeredCapabilities(options: CapabilityOptions): readonly Capability[] {
  const capabilities: Capability[] = ['reconcile', 'presence', 'idempotency', 'event-streams'];
  if (options.resources.some((definition) => Object.keys(definition.actions).length > 0)) capabilities.push('actions');
  if (options.signIn) capabilities.push('sign-in');
  return capabilities;
}

export interface DiscoveryOptions {
  readonly capabilities: readonly Capability[];
  readonly livePath: string;
  readonly heartbeatMs: number;
  readonly reportError: (error: unknown, where: string) => void;
}

/** Whether a request path is the discovery document's. */
export function isDiscoveryPath(path: string): boolean {
  return path === DISCOVERY_PATH;
}

/**
 * `GET /_syncline`: the protocol range and capabilities the `hello` frame carries, for clients
 * that have no socket (event streams, plain HTTP). The same for every caller, so it needs no
 * credentials; other methods are 405.
 *
 * @example
 * const discovery = createDiscovery({ capabilities, livePath: '/live', heartbeatMs: 25000, reportError });
 * await discovery.route({ method: 'GET', url: '/_syncline', headers: {} }); // 200 {"protocol":…}
 */
export function createDiscovery(options: DiscoveryOptions): { route(request: HttpRequest): HttpResponse | undefined } {
  const document: Discovery = { protocol: PROTOCOL_RANGE, capabilities: [...options.capabilities], livePath: options.livePath, heartbeatMs: options.heartbeatMs };
  const body = JSON.stringify(document);
  return {
    route(request) {
      const path = request.url.split('?')[0] ?? '/';
      if (!isDiscoveryPath(path)) return undefined;
      const method = request.method.toUpperCase();
      if (method !== 'GET' && method !== 'HEAD') {
        const outcome = errorOutcome(new SynclineError('method-not-allowed', { detail: `${DISCOVERY_PATH} answers GET and HEAD.`, headers: { allow: 'GET, HEAD' } }), path, options.reportError);
        return { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) };
      }
      const headers = { 'content-type': 'application/json', 'cache-control': 'no-cache' };
      return method === 'HEAD' ? { status: 200, headers } : { status: 200, headers, body };
    },
  };
}
