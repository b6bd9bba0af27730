import type { Choice } from '../poll-choices.js';
import { html, type SafeHtml } from '@syncline/demo-kit/html';
import { pollPath, votePath } from './polls-routes.js';

/** A poll as the views need it (the server's record and the client's replica both fit). */
export interface PollItem {
  readonly id: string;
  readonly version: number;
  readonly question: string;
  readonly owner: string;
  readonly choices: readonly Choice[];
}

/**
 * Who the page is for: the signed-in username, and the CSRF token every form of theirs
 * carries (the server refuses a form post without it).
 */
export interface Viewer {
  readonly user: string;
  readonly csrf: string;
}

/** What the user typed, by field name, shown again when a form was refused. */
export type FormValues = Readonly<Record<string, string>>;

/**
 * The hidden CSRF field of every form.
 *
 * @example
 * html`<form method="post">${csrfField(viewer.csrf)}…</form>`;
 */
export const csrfField = (csrf: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${csrf}">`;

/**
 * Every vote of a poll.
 *
 * @example
 * totalVotes({ choices: [{ id: '1', text: 'Tea', votes: 2 }] }); // 2
 */
export const totalVotes = (poll: Pick<PollItem, 'choices'>): number => poll.choices.reduce((sum, choice) => sum + choice.votes, 0);

/**
 * A count of votes in words.
 *
 * @example
 * votesText(1); // '1 vote'
 */
export const votesText = (count: number): string => `${count} ${count === 1 ? 'vote' : 'votes'}`;

/**
 * The links to every poll, newest first, with who asked and how many voted. Pure functions
 * over plain data, like every view here: the server renders pages with them and the browser
 * script re-renders the same markup on every live change.
 *
 * @example
 * renderPollLinks([{ id: '1', version: 3, question: 'Tea?', owner: 'ana', choices }]);
 */
export function renderPollLinks(polls: readonly PollItem[]): SafeHtml {
  if (polls.length === 0) return html`<li class="empty">No polls yet.</li>`;
  return html`${polls.map((poll) => html`<li><a href="${pollPath(poll.id)}">${poll.question}</a> <small>asked by ${poll.owner} · ${votesText(totalVotes(poll))}</small></li>`)}`;
}

/**
 * A bar's width: its share of the votes, in percent to one decimal (0 when nobody voted yet).
 *
 * @example
 * sharePercent(2, 3); // '66.7'
 */
export function sharePercent(votes: number, total: number): string {
  return total === 0 ? '0' : ((votes / total) * 100).toFixed(1);
}

/**
 * The results as a bar chart of plain HTML and CSS: one row per answer, its bar (a track
 * filled as far as its share of the votes) labelled for assistive technology ("Red: 3
 * votes"), the count also written out as text. The same markup is re-rendered live as people vote.
 *
 * @example
 * renderResults({ id: '1', version: 3, question: 'Tea?', owner: 'ana', choices: [{ id: '1', text: 'Yes', votes: 3 }] });
 */
export function renderResults(poll: PollItem): SafeHtml {
  const total = totalVotes(poll);
  return html`<h2 id="results-heading">Results</h2>
<ul class="results" data-version="${poll.version}">${poll.choices.map(
    (choice) => html`<li class="result" data-choice="${choice.id}">
  <span class="choice-text">${choice.text}</span>
  <span class="track" role="img" aria-label="${choice.text}: ${votesText(choice.votes)}"><span class="bar" style="width: ${sharePercent(choice.votes, total)}%"></span></span>
  <span class="count" data-count="${choice.votes}">${votesText(choice.votes)}</span>
</li>`,
  )}</ul>
<p class="total" id="total">${votesText(total)} in all</p>`;
}

/**
 * The vote form: one radio button per answer (the viewer's current vote checked) and one
 * submit button; posted to the poll's `vote` action, it answers 303 back to the results.
 *
 * @example
 * renderVoteForm(poll, viewer, '2');
 */
export function renderVoteForm(poll: PollItem, viewer: Viewer, chosen: string | undefined): SafeHtml {
  return html`<form method="post" action="${votePath(poll.id)}" class="vote" id="vote-form">
  ${csrfField(viewer.csrf)}
  <fieldset>
    <legend>${chosen === undefined ? 'Your vote' : 'Your vote (you may change it)'}</legend>
    ${poll.choices.map(
      (choice) => html`<label class="choice"><input type="radio" name="choice" value="${choice.id}"${choice.id === chosen ? html` checked` : ''} required> ${choice.text}</label>`,
    )}
  </fieldset>
  <button>Vote</button>
</form>`;
}

/**
 * The owner's delete form (only the owner may delete a poll); nothing for anyone else.
 *
 * @example
 * renderOwnerActions(poll, { user: poll.owner, csrf });
 */
export function renderOwnerActions(poll: PollItem, viewer: Viewer): SafeHtml {
  if (poll.owner !== viewer.user) return html``;
  return html`<form method="post" action="${pollPath(poll.id)}" class="inline">
  ${csrfField(viewer.csrf)}
  <input type="hidden" name="_method" value="DELETE">
  <button class="danger">Delete poll</button>
</form>`;
}

/**
 * What shows instead of a poll that is gone (deleted by its owner, maybe in another browser).
 *
 * @example
 * patchHtml(results, renderDeletedPoll().value);
 */
export const renderDeletedPoll = (): SafeHtml => html`<p class="notice">This poll does not exist, or was deleted. <a href="/polls">Back to all polls</a></p>`;
