import { collectionPageSchema } from '@syncline/protocol';
import type { RequestContext } from '@syncline/schema';
import type { Outcome, Syncline } from '@syncline/server';
import { voteId, type PollRecord } from '../resources.js';

/**
 * Who a page or a form acts for: the request's context (its signed-in user), so every read
 * and write goes through the same rules as that user's own JSON requests.
 */
export interface Caller {
  readonly syncline: Syncline;
  readonly context: RequestContext;
}

/**
 * Runs one operation through Syncline's pipeline as the caller, exactly as their HTTP request would.
 *
 * @example
 * const outcome = await run(caller, 'POST', '/polls/42/vote', { choice: '1' });
 */
export function run({ syncline, context }: Caller, method: 'GET' | 'POST' | 'DELETE', uri: string, body?: unknown): Promise<Outcome> {
  const headers: Record<string, string> = { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) };
  return syncline.execute({ method, uri, headers, body, context });
}

const seqOf = (outcome: Outcome): number => Number(outcome.headers['syncline-seq'] ?? 0);

/**
 * Every poll, newest first (following `next`), and the lowest change-log position among the
 * pages read: a live query resumed from there misses nothing the page does not show.
 *
 * @example
 * const { polls, seq } = await readPolls(caller);
 */
export async function readPolls(caller: Caller): Promise<{ polls: PollRecord[]; seq: number }> {
  const polls: PollRecord[] = [];
  let seq = Number.MAX_SAFE_INTEGER;
  let next: string | null = '/polls?order=-createdAt';
  while (next !== null) {
    const outcome = await run(caller, 'GET', next);
    if (outcome.status !== 200) throw new Error(`GET ${next} answered ${outcome.status}`);
    const page = collectionPageSchema.parse(outcome.body);
    polls.push(...(page.items as PollRecord[]));
    seq = Math.min(seq, seqOf(outcome));
    next = page.next;
  }
  return { polls, seq };
}

/**
 * One poll and the position it was read at; `poll` is undefined when there is none (or the caller may not read it).
 *
 * @example
 * const { poll, seq } = await readPoll(caller, '42');
 */
export async function readPoll(caller: Caller, id: string): Promise<{ poll: PollRecord | undefined; seq: number }> {
  const outcome = await run(caller, 'GET', `/polls/${encodeURIComponent(id)}`);
  return { poll: outcome.status === 200 ? (outcome.body as PollRecord) : undefined, seq: seqOf(outcome) };
}

/**
 * The choice the caller voted for on a poll, if any. Votes are internal records, so this is
 * the server's own read (its `internal` context), of the caller's own vote only.
 *
 * @example
 * await readOwnVote(caller, '42'); // '2', or undefined before they voted
 */
export async function readOwnVote(caller: Caller, pollId: string): Promise<string | undefined> {
  const user = caller.context.principal?.id;
  if (user === undefined) return undefined;
  const outcome = await run({ syncline: caller.syncline, context: { transport: 'internal' } }, 'GET', `/votes/${encodeURIComponent(voteId(pollId, user))}`);
  const choice = outcome.status === 200 ? (outcome.body as { choice?: unknown }).choice : undefined;
  return typeof choice === 'string' ? choice : undefined;
}
