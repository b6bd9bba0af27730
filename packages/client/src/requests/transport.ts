import type { Capability, RequestMessage, ResponseMessage } from '@syncline/protocol';

/** A request as the caller builds it: the wire message without the id the tracker assigns. */
export type OutgoingRequest = Omit<RequestMessage, 'id'>;
/** An answer as the caller sees it: the wire response without its id. */
export type IncomingResponse = Omit<ResponseMessage, 'id'>;

/**
 * Sends one request and answers its response, whatever the status; the socket and HTTP
 * implement it alike, so everything above works over both (one operation pipeline for
 * every transport, seen from the client side).
 *
 * @example
 * const answer = await transport.request({ method: 'GET', resource: '/todos/42' });
 */
export interface Transport {
  request(request: OutgoingRequest, options?: { readonly timeoutMs?: number }): Promise<IncomingResponse>;
  /**
   * What the server offers (protocol.md §12): the socket's `hello`, or `GET /_syncline` over
   * HTTP. Undefined while unknown (no `hello` seen yet, a server older than 1.0, an unreachable
   * one): only then may a caller probe for a feature by trying it.
   */
  capabilities?(): Promise<readonly Capability[] | undefined>;
}
