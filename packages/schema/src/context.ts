/**
 * What the server knows about the caller of one operation. Rules and hooks receive it.
 * Applications add their own fields by declaration merging:
 *
 * @example
 * declare module '@syncline/schema' {
 *   interface RequestContext { principal?: { id: string; roles: string[] } }
 * }
 */
export interface RequestContext {
  /** Which surface the operation arrived on. */
  readonly transport: 'http' | 'websocket' | 'internal';
  /** Who is calling, as the server's `context` option found it; `undefined` when anonymous. */
  readonly principal?: unknown;
}
