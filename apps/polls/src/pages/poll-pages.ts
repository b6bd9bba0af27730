import { MAX_CHOICES } from '../poll-choices.js';
import type { PollRecord } from '../resources.js';
import { html, SafeHtml } from '@syncline/demo-kit/html';
import { POLLS_PATH } from './polls-routes.js';
import { csrfField, renderDeletedPoll, renderOwnerActions, renderPollLinks, renderResults, renderVoteForm, totalVotes, votesText, type FormValues, type Viewer } from './views.js';

/**
 * The records a page was rendered from, read at the page's `data-seq`: the script starts its
 * live views from them and that position (no second read, and no change lost in between).
 */
export interface PollsPageData {
  readonly polls?: readonly PollRecord[];
  readonly poll?: PollRecord;
}

/** The id of the `<script type="application/json">` that carries {@link PollsPageData}. */
export const POLLS_DATA_ID = 'polls-data';

/** JSON inside a `<script>`: every `<` written as `\u003c`, so nothing in it can end the element. */
function jsonScript(value: PollsPageData): SafeHtml {
  return new SafeHtml(`<script type="application/json" id="${POLLS_DATA_ID}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`);
}

/**
 * The main content of `/polls`: every poll, newest first, and the form to ask a new one
 * (the question, and the answers one per line).
 *
 * @example
 * renderPollsMain({ polls, viewer, values: {} }).value;
 */
export function renderPollsMain(options: { polls: readonly PollRecord[]; viewer: Viewer; values?: FormValues | undefined }): SafeHtml {
  const values = options.values ?? {};
  return html`<main class="polls-page">
<h1>Polls</h1>
<ul id="polls" class="polls">${renderPollLinks(options.polls)}</ul>
<form method="post" action="${POLLS_PATH}" class="new-poll" id="new-poll-form">
  ${csrfField(options.viewer.csrf)}
  <h2>Ask a question</h2>
  <label for="new-poll-question">Question</label>
  <input id="new-poll-question" name="question" required maxlength="300" value="${values['question'] ?? ''}">
  <label for="new-poll-choices">Choices, one per line</label>
  <textarea id="new-poll-choices" name="choices" rows="4" required aria-describedby="new-poll-choices-hint">${values['choices'] ?? ''}</textarea>
  <small id="new-poll-choices-hint">Two to ${MAX_CHOICES} different answers.</small>
  <button>Create poll</button>
</form>
${jsonScript({ polls: options.polls })}
</main>`;
}

/**
 * The main content of a poll's page: the question, the vote form (the viewer's vote
 * checked), the results chart, and for its owner the delete form.
 *
 * @example
 * renderPollMain({ poll, viewer, chosen: '1' }).value;
 */
export function renderPollMain(options: { poll: PollRecord; viewer: Viewer; chosen: string | undefined }): SafeHtml {
  const { poll, viewer } = options;
  return html`<main class="poll-page" data-poll-id="${poll.id}">
<p><a href="${POLLS_PATH}">All polls</a></p>
<h1 id="question">${poll.question}</h1>
<p class="byline">Asked by ${poll.owner} · <span id="byline-total">${votesText(totalVotes(poll))}</span></p>
${renderVoteForm(poll, viewer, options.chosen)}
<section id="results" class="results-section" aria-labelledby="results-heading">${renderResults(poll)}</section>
${renderOwnerActions(poll, viewer)}
${jsonScript({ poll })}
</main>`;
}

/** The page of a poll that does not exist (or no longer does). */
export const renderMissingPollMain = (): SafeHtml => html`<main class="poll-page"><h1>Not found</h1>${renderDeletedPoll()}</main>`;
