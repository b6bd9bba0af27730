import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { defineAction, defineResource, type ActionInputOf, type ActionNamesOf, type ActionResultOf, type RecordOf } from '../src/index.js';

const votes = defineResource({ name: 'votes', schema: z.object({ poll: z.string(), user: z.string(), choice: z.string() }) });

const polls = defineResource({
  name: 'polls',
  schema: z.object({ question: z.string(), choices: z.array(z.object({ id: z.string(), text: z.string(), votes: z.number().int() })) }),
  actions: {
    vote: defineAction({
      input: z.object({ choice: z.string() }),
      allow: (ctx, poll) => ctx.principal !== undefined && poll.id !== '',
      handler: async ({ context, record, input, tx }): Promise<void> => {
        const poll = await tx.get(polls, record.id);
        expectTypeOf(poll?.choices).toEqualTypeOf<Array<{ id: string; text: string; votes: number }> | undefined>();
        await tx.put(votes, `${record.id}:${context.principal?.id ?? ''}`, { poll: record.id, user: context.principal?.id ?? '', choice: input.choice });
        // @ts-expect-error: `votes` records have no `question`
        await tx.update(votes, 'x', { question: 'no' });
      },
    }),
    voters: defineAction({ input: z.object({}), handler: async ({ record, tx }) => (await tx.list(votes, { filter: { field: 'poll', op: 'eq', value: record.id } })).map((vote) => vote.user) }),
    close: defineAction({ input: z.object({}), handler: () => undefined }),
    tally: defineAction({ on: 'collection', input: z.object({ poll: z.string() }), handler: () => ({ total: 3 }) }),
  },
});

describe('defineAction', () => {
  it('keeps the actions on the definition, record actions by default', () => {
    expect(Object.keys(polls.actions)).toEqual(['vote', 'voters', 'close', 'tally']);
    expect(polls.actions.vote.on).toBe('record');
    expect(polls.actions.tally.on).toBe('collection');
    expect(votes.actions).toEqual({});
  });

  it('refuses an action name that is not a URI segment', () => {
    expect(() => defineResource({ name: 'x', schema: z.object({}), actions: { 'Not Ok': defineAction({ input: z.object({}), handler: () => undefined }) } })).toThrow(TypeError);
    expect(() => defineResource({ name: 'x', schema: z.object({}), actions: { presence: defineAction({ input: z.object({}), handler: () => undefined }) } })).toThrow(/reserved for presence/);
  });

  it('infers input, result and names for clients', () => {
    expectTypeOf<ActionInputOf<typeof polls, 'vote'>>().toEqualTypeOf<{ choice: string }>();
    expectTypeOf<ActionResultOf<typeof polls, 'vote'>>().toEqualTypeOf<RecordOf<typeof polls>>();
    expectTypeOf<ActionResultOf<typeof polls, 'voters'>>().toEqualTypeOf<string[]>();
    expectTypeOf<ActionResultOf<typeof polls, 'close'>>().toEqualTypeOf<RecordOf<typeof polls>>();
    expectTypeOf<ActionResultOf<typeof polls, 'tally'>>().toEqualTypeOf<{ total: number }>();
    expectTypeOf<ActionNamesOf<typeof polls>>().toEqualTypeOf<'vote' | 'voters' | 'close'>();
    expectTypeOf<ActionNamesOf<typeof polls, 'collection'>>().toEqualTypeOf<'tally'>();
  });
});
