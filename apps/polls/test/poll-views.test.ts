import type { ActionInputOf, ActionResultOf, InputOf } from '@syncline/schema';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { choicesFromLines, choicesSchema, moveVote, type Choice } from '../src/poll-choices.js';
import { renderPollMain } from '../src/pages/poll-pages.js';
import { parsePollsPath } from '../src/pages/polls-routes.js';
import { renderPollLinks, renderResults, sharePercent } from '../src/pages/views.js';
import type { PollRecord, polls } from '../src/resources.js';

const poll: PollRecord = {
  id: 'p1',
  version: 7,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  question: 'Tea <or> "coffee"?',
  owner: 'ana',
  choices: [
    { id: '1', text: 'Tea', votes: 1 },
    { id: '2', text: '<b>Coffee</b>', votes: 2 },
  ],
};

describe('choices', () => {
  it('turn answer texts into numbered choices with no votes, and keep stored ones as they are', () => {
    expect(choicesSchema.parse([' Red ', 'Blue'])).toEqual([
      { id: '1', text: 'Red', votes: 0 },
      { id: '2', text: 'Blue', votes: 0 },
    ]);
    expect(choicesSchema.parse(poll.choices)).toEqual(poll.choices);
  });

  it('refuse fewer than two answers, empty or repeated ones, repeated ids and negative counts', () => {
    expect(choicesSchema.safeParse(['Only']).success).toBe(false);
    expect(choicesSchema.safeParse(['Red', ' ']).success).toBe(false);
    expect(choicesSchema.safeParse(['Red', 'RED']).success).toBe(false);
    expect(choicesSchema.safeParse([{ id: '2', text: 'A', votes: 0 }, 'B']).success).toBe(false);
    expect(choicesSchema.safeParse([{ id: '1', text: 'A', votes: -1 }, 'B']).success).toBe(false);
    expect(choicesSchema.safeParse(Array.from({ length: 13 }, (_, i) => `Answer ${i}`)).success).toBe(false);
  });

  it('move one user’s vote: one less for the old choice, one more for the new, nothing for the same', () => {
    expect(moveVote(poll.choices, undefined, '1').map((c) => c.votes)).toEqual([2, 2]);
    expect(moveVote(poll.choices, '2', '1').map((c) => c.votes)).toEqual([2, 1]);
    expect(moveVote(poll.choices, '2', '2')).toEqual(poll.choices);
  });

  it('are read from the form one per line, blank lines dropped', () => {
    expect(choicesFromLines(' Red \r\n\r\nBlue\n')).toEqual(['Red', 'Blue']);
  });
});

describe('polls URLs', () => {
  it('name the collection, a poll or an action of a poll, and nothing else', () => {
    expect(parsePollsPath('/polls')).toEqual({ kind: 'collection' });
    expect(parsePollsPath('/polls/a%20b')).toEqual({ kind: 'poll', id: 'a b' });
    expect(parsePollsPath('/polls/p1/vote')).toEqual({ kind: 'action', id: 'p1', action: 'vote' });
    expect(parsePollsPath('/polls/')).toBeUndefined();
    expect(parsePollsPath('/polls/p1/vote/again')).toBeUndefined();
    expect(parsePollsPath('/polls/%E0%A4%A')).toBeUndefined();
    expect(parsePollsPath('/pollsters')).toBeUndefined();
  });
});

describe('poll views', () => {
  it('draw each answer’s bar as its share, labelled with its count, and escape every user text', () => {
    const markup = renderResults(poll).value;
    expect(markup).toContain('role="img" aria-label="Tea: 1 vote"><span class="bar" style="width: 33.3%">');
    expect(markup).toContain('aria-label="&lt;b&gt;Coffee&lt;/b&gt;: 2 votes"><span class="bar" style="width: 66.7%">');
    expect(markup).toContain('3 votes in all');
    expect(markup).not.toContain('<b>');
    expect(sharePercent(0, 0)).toBe('0');
  });

  it('check the viewer’s vote on the form, give its owner the delete form, and carry the record for the script', () => {
    const asAna = renderPollMain({ poll, viewer: { user: 'ana', csrf: 'tok' }, chosen: '2' }).value;
    expect(asAna).toContain('<input type="radio" name="choice" value="2" checked required>');
    expect(asAna).toContain('<input type="hidden" name="_csrf" value="tok">');
    expect(asAna).toContain('Delete poll');
    expect(asAna).toContain('<h1 id="question">Tea &lt;or&gt; &quot;coffee&quot;?</h1>');
    // The page data is JSON inside a script element: no `<` can close it early.
    expect(asAna).toContain('"question":"Tea \\u003cor> \\"coffee\\"?"');
    const asBob = renderPollMain({ poll, viewer: { user: 'bob', csrf: 'tok' }, chosen: undefined }).value;
    expect(asBob).not.toContain('Delete poll');
    expect(asBob).not.toContain('checked');
  });

  it('list every poll with who asked it and how many voted', () => {
    expect(renderPollLinks([poll]).value).toBe('<li><a href="/polls/p1">Tea &lt;or&gt; &quot;coffee&quot;?</a> <small>asked by ana · 3 votes</small></li>');
    expect(renderPollLinks([]).value).toBe('<li class="empty">No polls yet.</li>');
  });
});

describe('the polls definition’s types, as clients see them', () => {
  it('take answer texts or stored choices on create, serve stored choices, and type the vote action', () => {
    expectTypeOf<InputOf<typeof polls>['choices']>().toEqualTypeOf<Array<string | { id: string; text: string; votes: number }>>();
    expectTypeOf<PollRecord['choices']>().toEqualTypeOf<Array<{ id: string; text: string; votes: number }>>();
    expectTypeOf<PollRecord['choices'][number]>().toMatchTypeOf<Choice>();
    expectTypeOf<ActionInputOf<typeof polls, 'vote'>>().toEqualTypeOf<{ choice: string }>();
    expectTypeOf<ActionResultOf<typeof polls, 'vote'>>().toEqualTypeOf<PollRecord>();
  });
});
