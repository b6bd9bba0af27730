import type { SynclineClient } from '@syncline/client';
import { votePath } from '../pages/polls-routes.js';
import type { PollItem } from '../pages/views.js';

/**
 * Votes through the client (over its socket, or HTTP): the poll's `vote` action. Answers the
 * poll after the vote; rejects with the server's problem (its detail) when refused.
 *
 * @example
 * const poll = await castVote(client, pollId, '2');
 */
export async function castVote(client: SynclineClient, pollId: string, choice: string): Promise<PollItem> {
  const answer = await client.request({ method: 'POST', resource: votePath(pollId), body: { choice } });
  if (answer.status >= 400) {
    const problem = (answer.body ?? {}) as { detail?: unknown; title?: unknown };
    throw new Error(String(problem.detail ?? problem.title ?? `The vote was refused (${answer.status}).`));
  }
  return answer.body as PollItem;
}
