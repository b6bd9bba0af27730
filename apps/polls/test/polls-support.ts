import type { Syncline } from '@syncline/server';
import type { Choice } from '../src/poll-choices.js';
import { voteId } from '../src/resources.js';

// The polls app is served by the TODO demo (one `npm start`): its tests start that app and
// reuse the demo's test helpers (accounts, the form browser, Chromium).
export { startTestApp, signUp, FormBrowser, FAST_SCRYPT, HTML, type Account } from '../../todo/test/session-support.js';

/** A poll as `GET /polls/<id>` answers it. */
export interface PollJson {
  readonly id: string;
  readonly version: number;
  readonly question: string;
  readonly owner: string;
  readonly choices: Choice[];
}

/** Creates a poll with `POST /polls` as the account's program (bearer token); answers the 201's record. */
export async function createPoll(base: string, auth: Record<string, string>, question: string, choices: readonly string[]): Promise<PollJson> {
  const response = await fetch(`${base}/polls`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ question, choices }) });
  if (response.status !== 201) throw new Error(`POST /polls: ${response.status} ${await response.text()}`);
  return (await response.json()) as PollJson;
}

/** Votes over HTTP as a program: `POST /polls/<id>/vote`. */
export function voteOverHttp(base: string, auth: Record<string, string>, pollId: string, choice: string): Promise<Response> {
  return fetch(`${base}/polls/${pollId}/vote`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ choice }) });
}

/**
 * How many `votes` records name each choice of a poll: the database's own tally, read as the
 * server itself (votes are internal: no URI serves them to anyone else).
 */
export async function storedTally(syncline: Syncline, pollId: string): Promise<Record<string, number>> {
  const tally: Record<string, number> = {};
  let next: string | null = `/votes?poll=${encodeURIComponent(pollId)}&limit=100`;
  while (next !== null) {
    const outcome = await syncline.execute({ method: 'GET', uri: next, headers: { accept: 'application/json' }, body: undefined, context: { transport: 'internal' } });
    if (outcome.status !== 200) throw new Error(`GET ${next}: ${outcome.status}`);
    const page = outcome.body as { items: { id: string; user: string; choice: string }[]; next: string | null };
    for (const vote of page.items) {
      if (vote.id !== voteId(pollId, vote.user)) throw new Error(`vote ${vote.id} is not ${voteId(pollId, vote.user)}`);
      tally[vote.choice] = (tally[vote.choice] ?? 0) + 1;
    }
    next = page.next;
  }
  return tally;
}

/** The counts a poll's record holds, by choice id. */
export const countsOf = (poll: Pick<PollJson, 'choices'>): Record<string, number> => Object.fromEntries(poll.choices.map((choice) => [choice.id, choice.votes]));
