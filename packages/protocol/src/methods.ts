import { z } from 'zod';

/** Methods with the meaning RFC 9110 §9 gives them; served over HTTP and WebSocket alike. */
export const HTTP_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;

/** Methods that exist only on the socket: a live subscription and its end. */
export const LIVE_METHODS = ['SUBSCRIBE', 'UNSUBSCRIBE'] as const;

export const methodSchema = z.enum([...HTTP_METHODS, ...LIVE_METHODS]);

export type HttpMethod = (typeof HTTP_METHODS)[number];
export type LiveMethod = (typeof LIVE_METHODS)[number];
export type Method = z.infer<typeof methodSchema>;

/** Methods that never change state (RFC 9110 §9.2.1). */
export function isSafeMethod(method: Method): boolean {
  return method === 'GET' || method === 'HEAD' || method === 'OPTIONS' || method === 'SUBSCRIBE';
}
