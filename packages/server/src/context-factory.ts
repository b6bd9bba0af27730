import type { RequestContext } from '@syncline/schema';

/** What the server knows of a caller before any operation: enough to find out who it is. */
export interface ContextInput {
  readonly transport: 'http' | 'websocket';
  /** Lower-case request headers (for WebSocket: the upgrade request's). */
  readonly headers: Readonly<Record<string, string>>;
  readonly remoteAddress: string | undefined;
}

/**
 * Builds the {@link RequestContext} rules and hooks see, once per HTTP request and once per
 * WebSocket connection. The default makes every caller anonymous; an application passes
 * its own (reading a cookie or a bearer token) as the server's `context` option.
 *
 * A request that carries an `Authorization` header reaches the factory without its
 * `Cookie` (`credentialHeaders`): such a request skips the cross-site check, so its cookie
 * must not sign it in.
 */
export type ContextFactory = (input: ContextInput) => RequestContext | Promise<RequestContext>;

export const anonymousContext: ContextFactory = (input) => ({ transport: input.transport });
