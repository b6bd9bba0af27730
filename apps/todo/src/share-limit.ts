import { SynclineError } from '@syncline/protocol';
import type { ShareCheck } from './list-sharing.js';

/** How fast one user may share lists: new members added, per user, per window. */
export interface ShareLimitOptions {
  /** New members one user may add (over all their lists) within a window. Default 20. */
  readonly maxNewMembers?: number;
  /** The window, in milliseconds. Default 60,000 (a minute). */
  readonly windowMs?: number;
  /** The clock (tests move it by hand). Default `Date.now`. */
  readonly now?: () => number;
}

export const DEFAULT_SHARE_LIMIT = { maxNewMembers: 20, windowMs: 60_000 } as const;

/** Past this many users tracked, every expired entry is dropped (so idle users cost nothing for long). */
const SWEEP_AT = 10_000;

/**
 * The demo's rate limit of sharing: each user may add at most `maxNewMembers` members, over
 * all their lists, within any `windowMs` (a sliding window). Beyond it, the write is refused
 * with 429 `rate-limited` and `Retry-After` (the seconds until enough earlier additions age
 * out), and nothing is written: a user cannot fill another's home page with lists. A write
 * is counted when its hook runs; one re-run after a lost race is counted again, which errs
 * towards refusing.
 *
 * @example
 * const beforeShare = createShareLimit({ maxNewMembers: 20, windowMs: 60_000 });
 * createSyncline({ resources: serverResources({ beforeShare }), … });
 */
export function createShareLimit(options: ShareLimitOptions = {}): ShareCheck {
  const max = options.maxNewMembers ?? DEFAULT_SHARE_LIMIT.maxNewMembers;
  const windowMs = options.windowMs ?? DEFAULT_SHARE_LIMIT.windowMs;
  const now = options.now ?? Date.now;
  // Per user: when they added members and how many, oldest first. At most `max` entries each.
  const added = new Map<string, Array<{ at: number; count: number }>>();

  const recent = (user: string, time: number): Array<{ at: number; count: number }> => {
    const kept = (added.get(user) ?? []).filter((entry) => entry.at > time - windowMs);
    if (kept.length === 0) added.delete(user);
    else added.set(user, kept);
    return kept;
  };

  return (ctx, members) => {
    const user = ctx.principal?.id;
    if (user === undefined || members.length === 0) return;
    const time = now();
    if (added.size >= SWEEP_AT) for (const name of [...added.keys()]) recent(name, time);
    const entries = recent(user, time);
    const used = entries.reduce((sum, entry) => sum + entry.count, 0);
    if (used + members.length > max) {
      // The time until enough earlier additions leave the window for this write to fit (a whole window if it never fits).
      let freed = used + members.length - max;
      let until = time + windowMs;
      for (const entry of entries) {
        freed -= entry.count;
        if (freed <= 0) {
          until = entry.at + windowMs;
          break;
        }
      }
      throw new SynclineError('rate-limited', {
        detail: `You may share lists with at most ${max} new members in ${Math.round(windowMs / 1000)} seconds.`,
        headers: { 'retry-after': String(Math.max(1, Math.ceil((until - time) / 1000))) },
      });
    }
    added.set(user, [...entries, { at: time, count: members.length }]);
  };
}
