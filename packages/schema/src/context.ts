/**
 * Who is calling. Authentication fills it in (the built-in password sign-in uses the
 * username as `id`); applications add their own fields by declaration merging:
 *
 * @example
 * declare module '@syncline/schema' {
 *   interface Principal { roles: readonly string[] }
 * }
 */
export interface Principal {
  /** Stable and unique: what rules compare owners and members with. */
  readonly id: string;
}

/** The signed-in session an operation belongs to (its sockets close when it ends). */
export interface SessionInfo {
  readonly id: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
  /** How the caller proved the session: a cookie (CSRF applies to its unsafe requests) or a bearer token. */
  readonly via: 'cookie' | 'bearer';
}

/**
 * What the server knows about the caller of one operation. Rules and hooks receive it.
 * `internal` is the server's own operations (sign-up, jobs of the host application): read
 * rules and field write rules do not limit them; write rules still run (and may ask for it).
 */
export interface RequestContext {
  /** Which surface the operation arrived on. */
  readonly transport: 'http' | 'websocket' | 'internal';
  /** Who is calling; `undefined` when anonymous. */
  readonly principal?: Principal;
  readonly session?: SessionInfo;
}

/**
 * Why a record is being written, as its hooks see it (`ctx.cause`):
 * - `request`: a client's POST/PUT/PATCH/DELETE (or `syncline.execute`) names this record;
 * - `action`: an action's handler wrote it (`tx.create`, `update`, `put`, `delete`);
 * - `cascade`: it is deleted because a record it refers to with `onDelete: 'cascade'` was;
 * - `inherit`: its inherited fields are rewritten because the record it refers to changed them.
 */
export type WriteCause = 'request' | 'action' | 'cascade' | 'inherit';

/**
 * What `before*` and `after*` hooks receive: the caller's context (for an action's writes,
 * the server's own context that keeps who asked), and why this record is written. Every
 * write of a record runs its hooks, whichever path caused it (docs/design-notes.md,
 * "Every write of a record runs its hooks").
 *
 * @example
 * hooks: { afterDelete: (ctx, previous) => { if (ctx.cause === 'cascade') audit('swept', previous.id); } }
 */
export interface HookContext extends RequestContext {
  readonly cause: WriteCause;
}
