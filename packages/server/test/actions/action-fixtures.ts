import { SynclineError } from '@syncline/protocol';
import { defineAction, defineResource, type ActionRecord } from '@syncline/schema';
import { z } from 'zod';
import { createSyncline, type Syncline, type SynclineOptions } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';

/** One vote per user per poll; the id is `<poll>:<user>`. */
export const votes = defineResource({
  name: 'votes',
  schema: z.object({ poll: z.string(), user: z.string(), choice: z.string() }),
  references: { poll: { resource: 'polls', onDelete: 'cascade' } },
  rules: { create: () => false, update: () => false, delete: () => false },
});

const choice = z.object({ id: z.string(), text: z.string(), votes: z.number().int() });

/**
 * Polls for signed-in users; `eve` may read none (an unreadable record), writes by
 * request are refused (only the actions change them), and `closed` stops votes.
 */
export const polls = defineResource({
  name: 'polls',
  schema: z.object({ question: z.string().min(1), owner: z.string(), closed: z.boolean().default(false), choices: z.array(choice) }),
  signedIn: true,
  rules: { read: (ctx) => ctx.principal?.id !== 'eve', update: () => false },
  actions: {
    vote: defineAction({
      input: z.object({ choice: z.string().min(1) }),
      allow: (_ctx, poll) => poll.closed !== true,
      handler: async ({ context, record, input, tx }): Promise<void> => {
        const poll = await tx.get(polls, record.id);
        const user = context.principal?.id ?? '';
        if (!poll?.choices.some((c) => c.id === input.choice)) {
          throw new SynclineError('validation-failed', { detail: 'No such choice.', errors: [{ path: ['choice'], message: 'no such choice' }] });
        }
        const id = `${record.id}:${user}`;
        const previous = await tx.get(votes, id);
        const choices = poll.choices.map((c) => ({ ...c, votes: c.votes + (c.id === input.choice ? 1 : 0) - (c.id === previous?.choice ? 1 : 0) }));
        await tx.update(polls, record.id, { choices });
        await tx.put(votes, id, { poll: record.id, user, choice: input.choice });
      },
    }),
    close: defineAction({
      input: z.object({}),
      allow: (ctx, poll) => ctx.principal?.id === poll.owner,
      handler: async ({ record, tx }): Promise<void> => {
        await tx.update(polls, record.id, { closed: true });
      },
    }),
    /** Writes twice, then fails: nothing of it may remain. */
    explode: defineAction({
      input: z.object({}),
      handler: async ({ record, tx }): Promise<void> => {
        await tx.update(polls, record.id, { question: 'changed' });
        await tx.create(votes, { poll: record.id, user: 'x', choice: 'c1' }, `${record.id}:x`);
        throw new SynclineError('conflict', { detail: 'Refused after writing.' });
      },
    }),
    /** Its writes must pass validation: `blank` empties the question, otherwise it votes for a poll that does not exist. */
    misuse: defineAction({
      input: z.object({ blank: z.boolean() }),
      handler: async ({ record, input, tx }): Promise<void> => {
        await tx.update(polls, record.id, { closed: true });
        if (input.blank) await tx.update(polls, record.id, { question: '' });
        else await tx.put(votes, 'nowhere:ana', { poll: 'nowhere', user: 'ana', choice: 'c1' });
      },
    }),
    voters: defineAction({
      input: z.object({}),
      handler: async ({ record, tx }) => (await tx.list(votes, { filter: { field: 'poll', op: 'eq', value: record.id } })).map((vote) => vote.user).sort(),
    }),
    create: defineAction({
      on: 'collection',
      input: z.object({ question: z.string().min(1), choices: z.array(z.string().min(1)).min(2) }),
      handler: async ({ context, input, tx }): Promise<ActionRecord> =>
        tx.create(polls, {
          question: input.question,
          owner: context.principal?.id ?? '',
          choices: input.choices.map((text, index) => ({ id: `c${index + 1}`, text, votes: 0 })),
        }),
    }),
  },
});

export const pollResources = [polls, votes];

/** A server on in-memory SQLite with the polls; the principal comes from an `x-user` header. */
export async function createPollsSyncline(options: Partial<SynclineOptions> = {}): Promise<Syncline & AsyncDisposable> {
  const syncline = await createSyncline({
    resources: pollResources,
    storage: createSqliteStorage({ filename: ':memory:' }),
    context: ({ transport, headers }) => (headers['x-user'] ? { transport, principal: { id: headers['x-user'] } } : { transport }),
    onError: () => {},
    ...options,
  });
  return Object.assign(syncline, { [Symbol.asyncDispose]: () => syncline.close() });
}
