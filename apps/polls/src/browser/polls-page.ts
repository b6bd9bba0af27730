// First: the pages' CSP forbids eval, so Zod must not probe for it.
import './strict-csp.js';
import { createClient, type LiveView, type ResourceClient } from '@syncline/client';
import { showConnectionState, showNotice } from '@syncline/demo-kit/browser';
import { POLLS_DATA_ID, type PollsPageData } from '../pages/poll-pages.js';
import { renderDeletedPoll, renderPollLinks, renderResults, totalVotes, votesText, type PollItem } from '../pages/views.js';
import { polls, type PollRecord } from '../resources.js';
import { patchHtml } from './page-support.js';

// The pages work without this script (forms post to the server). With it, they follow their
// polls live: the results chart re-renders, with the server's own views, as anyone votes,
// and the vote form votes through the client instead of reloading the page.
document.documentElement.classList.add('js');

/** The records the server rendered the page from and the position they reflect (`data-seq`). */
function pageData(): { seq: number; data: PollsPageData } | undefined {
  const seq = Number(document.body.dataset['seq']);
  const text = document.getElementById(POLLS_DATA_ID)?.textContent;
  if (!Number.isSafeInteger(seq) || seq < 0 || !text) return undefined;
  try {
    return { seq, data: JSON.parse(text) as PollsPageData };
  } catch {
    return undefined;
  }
}


/**
 * The session ended (signed out elsewhere, or expired): the page is loaded again, and the
 * server, finding no session, sends the browser to sign in and back here.
 */
let leaving = false;
const signedOut = (error: unknown): boolean => {
  if ((error as { status?: unknown } | undefined)?.status !== 401) return false;
  if (!leaving) location.reload();
  leaving = true;
  return true;
};

/** Calls `render` with the view's value now and after every change; a refused view is reported once. */
function follow<T>(view: LiveView<T>, render: (value: T) => void): void {
  let reported = false;
  const update = (): void => {
    const error = view.error();
    if (signedOut(error)) return;
    if (error !== undefined && !reported) {
      reported = true;
      showNotice(`Live updates are not available: ${error.message}`);
    }
    render(view.getSnapshot());
  };
  view.subscribe(update);
  view.ready.then(update, () => update());
}

const element = (id: string): HTMLElement | null => document.getElementById(id);

function showPoll(poll: PollItem | undefined): void {
  const results = element('results');
  if (results === null) return;
  if (poll === undefined) {
    // Deleted by its owner: no more voting here.
    element('vote-form')?.remove();
    patchHtml(results, renderDeletedPoll().value);
    return;
  }
  patchHtml(results, renderResults(poll).value);
  const byline = element('byline-total');
  if (byline) byline.textContent = votesText(totalVotes(poll));
}

/** A poll's page: its results follow the poll live, and its vote form votes through the client. */
function startPollPage(api: ResourceClient<typeof polls>, seq: number, poll: PollRecord): void {
  // Started from the page's own record and position: ready at once, and every vote since arrives.
  follow(api.live(poll.id, { from: seq, initial: poll }), showPoll);
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.id !== 'vote-form') return;
    const choice = new FormData(form).get('choice');
    if (typeof choice !== 'string') return;
    event.preventDefault();
    showNotice('');
    const button = form.querySelector('button');
    if (button) button.disabled = true;
    // The poll's `vote` action, typed from its definition. Its answer (the poll after the vote)
    // goes into the client's replica, so the live view shows it, as it shows everyone's votes.
    api
      .action('vote', poll.id, { choice })
      .catch((error: unknown) => {
        if (!signedOut(error)) showNotice(error instanceof Error ? error.message : String(error));
      })
      .finally(() => {
        if (button) button.disabled = false;
      });
  });
}

const loaded = pageData();
// A page with nothing live on it (a poll not found) opens no connection.
if (loaded !== undefined) {
  const client = createClient({ url: location.origin, maxDelayMs: 3_000, onError: (error) => console.warn('[syncline]', error) });
  showConnectionState(client);
  const api = client.resource(polls);
  const { poll, polls: all } = loaded.data;
  if (poll !== undefined) startPollPage(api, loaded.seq, poll);
  // Every poll's page: the list follows the polls live, newest first, as the server read it.
  if (all !== undefined) {
    follow(api.liveQuery({ order: '-createdAt' }, { from: loaded.seq, initial: all }), (items) => {
      const box = element('polls');
      if (box) patchHtml(box, renderPollLinks(items).value);
    });
  }
}
