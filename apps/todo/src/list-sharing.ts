import { SynclineError, type FieldError } from '@syncline/protocol';
import type { FieldWrite, RecordReader, RequestContext } from '@syncline/schema';

/**
 * Who may change a list's sharing, and what a write that adds members must pass. Browser-safe
 * (no server code), like the definitions that use it; the server alone runs the hooks.
 */

/** Whether two member lists hold the same usernames in the same order. */
export function sameArray(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((value, i) => value === right[i]);
}

/** The built-in sign-in's accounts, named rather than imported: this module imports no server code. */
export const ACCOUNTS = { name: 'users' } as const;

/** Whether the caller owns the list a write targets (whoever creates a list owns it). */
export function ownsList(ctx: RequestContext, { current }: Pick<FieldWrite, 'current'>): boolean {
  return current === undefined || (ctx.principal !== undefined && current['owner'] === ctx.principal.id);
}

/** Whether a write of `members` takes the caller out of them and changes nothing else (leaving a list). */
export function leavesList(ctx: RequestContext, { current, value }: FieldWrite): boolean {
  const me = ctx.principal?.id;
  const before = Array.isArray(current?.['members']) ? (current['members'] as unknown[]) : [];
  return me !== undefined && before.includes(me) && Array.isArray(value) && sameArray(value, before.filter((member) => member !== me));
}

/** The usernames `next` holds that `current` did not, each once. */
export function addedMembers(current: readonly string[], next: readonly string[]): string[] {
  return [...new Set(next)].filter((member) => !current.includes(member));
}

/** A check of the members a write adds, after they are known to be accounts: throw a SynclineError to refuse (the server's rate of sharing). */
export type ShareCheck = (ctx: RequestContext, added: readonly string[]) => void;

/** Options of {@link defineLists}. */
export interface ListOptions {
  /** Runs on the server for every write that adds members (not for the server's own operations). */
  readonly beforeShare?: ShareCheck;
}

/**
 * Refuses a write that adds members who are not accounts (422 naming `members` and the
 * name: a list is shared with users, not with names someone may sign up with later), then
 * lets `beforeShare` refuse it. Read in the write's own transaction.
 */
export async function checkNewMembers(ctx: RequestContext, added: readonly string[], read: RecordReader, options: ListOptions): Promise<void> {
  if (added.length === 0) return;
  const errors: FieldError[] = [];
  for (const name of added) {
    if ((await read.get(ACCOUNTS, name)) === undefined) errors.push({ path: ['members'], message: `There is no user "${name}".` });
  }
  if (errors.length > 0) throw new SynclineError('validation-failed', { detail: 'A list is shared with users only.', errors });
  if (ctx.transport !== 'internal') options.beforeShare?.(ctx, added);
}
