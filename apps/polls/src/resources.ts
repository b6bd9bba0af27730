import { SynclineError } from '@syncline/protocol';
import { defineAction, defineResource, type RecordOf, type RequestContext } from '@syncline/schema';
import { z } from 'zod';
import { choicesSchema, moveVote, sameChoices } from './poll-choices.js';

/**
 * The polls demo's resources. This module imports no server code: the browser script
 * imports the same definitions for its types.
 *
 * Every signed-in user reads every poll and may vote once on each (voting again moves the
 * vote). The counts live in the poll's `choices`, so one live view of the poll shows the
 * results; who voted for what is a `votes` record the server alone reads and writes.
 */

/**
 * The id of the `votes` record of one user on one poll (`~` joins them: it is in neither a
 * poll's id nor a username, and is a valid id character).
 *
 * @example
 * voteId('0190b2c4-…', 'ana'); // '0190b2c4-…~ana'
 */
export const voteId = (poll: string, user: string): string => `${poll}~${user}`;

/**
 * One user's vote on one poll. Internal: no URI reaches it; only the `vote` action writes it
 * (and the server's own reads, such as the poll page's "your vote", read it).
 *
 * @example
 * await tx.put(votes, voteId(poll.id, 'ana'), { poll: poll.id, user: 'ana', choice: '2' });
 */
export const votes = defineResource({
  name: 'votes',
  schema: z.object({
    /** The poll; deleting it deletes its votes. */
    poll: z.string(),
    user: z.string(),
    /** The id of the chosen answer. */
    choice: z.string(),
  }),
  references: { poll: { resource: 'polls', onDelete: 'cascade' } },
  internal: true,
  indexes: [['poll', 'choice']],
});

const signedInUser = (ctx: RequestContext): string => {
  const user = ctx.principal?.id;
  if (user === undefined) throw new SynclineError('unauthenticated', { detail: 'Sign in to vote.' });
  return user;
};

/**
 * Polls: a question, its answers with their counts, and who asked it.
 *
 * @example
 * const poll = await client.resource(polls).create({ question: 'Tea or coffee?', choices: ['Tea', 'Coffee'] });
 * await client.resource(polls).action('vote', poll.id, { choice: poll.choices[0]!.id });
 */
export const polls = defineResource({
  name: 'polls',
  schema: z.object({
    question: z.string().trim().min(1).max(300),
    /** Sent as texts when creating (`["Red", "Blue"]`), stored and served as `{ id, text, votes }`. */
    choices: choicesSchema,
    /** The user who created the poll; set by the server. */
    owner: z.string().default(''),
  }),
  fieldRules: { owner: { write: false } },
  signedIn: true,
  rules: {
    // Every signed-in user reads every poll (`signedIn` refuses anonymous callers).
    read: () => true,
    // Only the owner edits the question, and nobody writes the counts or the answers: votes go through `vote`.
    update: (ctx, current, next) => ctx.principal?.id === current.owner && sameChoices(current.choices, next.choices),
    delete: (ctx, current) => ctx.principal?.id === current.owner,
  },
  hooks: {
    // Every poll starts at zero, whatever counts a client sent with stored-shape choices.
    beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '', choices: data.choices.map((choice) => ({ ...choice, votes: 0 })) }),
  },
  indexes: [['createdAt']],
  actions: {
    /**
     * `POST /polls/<id>/vote` with `{"choice": "<choice id>"}`: the caller's one vote on the
     * poll; voting again moves it, the same choice again changes nothing. The poll's counts
     * and the caller's `votes` record change in one transaction, read and written in it (a
     * vote that lost a race with another writer is re-run from a fresh read), so the counts
     * stay exact. Answers the poll after the vote.
     */
    vote: defineAction({
      input: z.object({ choice: z.string().min(1).max(32) }),
      allow: (ctx) => ctx.principal !== undefined,
      // Annotated: a handler that names its own definition (`polls`) cannot have its type inferred.
      handler: async ({ context, record, input, tx }): Promise<void> => {
        const user = signedInUser(context);
        const poll = await tx.get(polls, record.id);
        if (poll === undefined) throw new SynclineError('not-found', { detail: `No resource at /polls/${record.id}.` });
        if (!poll.choices.some((choice) => choice.id === input.choice)) {
          throw new SynclineError('validation-failed', { detail: 'This poll has no such choice.', errors: [{ path: ['choice'], message: `No choice "${input.choice}" in this poll` }] });
        }
        const id = voteId(poll.id, user);
        const previous = await tx.get(votes, id);
        if (previous?.choice === input.choice) return;
        await tx.update(polls, poll.id, { choices: moveVote(poll.choices, previous?.choice, input.choice) });
        await tx.put(votes, id, { poll: poll.id, user, choice: input.choice });
      },
    }),
  },
});

/** A poll as the server serves it: `{ id, version, createdAt, updatedAt, question, choices: [{ id, text, votes }], owner }`. */
export type PollRecord = RecordOf<typeof polls>;

export const resources = [polls, votes];
