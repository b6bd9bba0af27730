import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Authenticator, Syncline } from '@syncline/server';
import { contextOf, failRequest, isCrossSite, isForm, prefersHtml, readForm, redirect, send } from '@syncline/demo-kit/http';
import { readOwnVote, readPoll, readPolls, type Caller } from './poll-data.js';
import { createPollFromForm, deletePollFromForm, voteFromForm, type FormResult } from './poll-forms.js';
import { renderMissingPollMain, renderPollMain, renderPollsMain } from './poll-pages.js';
import { parsePollsPath, POLLS_PATH, POLLS_SCRIPT_PATH, POLLS_STYLESHEET_PATH, pollPath, type PollsTarget } from './polls-routes.js';
import { POLLS_STYLESHEET } from './stylesheet.js';
import type { FormValues, Viewer } from './views.js';

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** A page of the polls app, for the host site's layout to wrap (its header, navigation and account). */
export interface PollsLayoutPage {
  readonly title: string;
  /** The change-log position the page reflects, for the script (`data-seq`). */
  readonly seq: number;
  readonly viewer: Viewer;
  /** The page's main content: trusted markup, every user value in it already escaped. */
  readonly main: string;
  /** Why the last form was refused, shown above the content. */
  readonly notice?: string | undefined;
  /** The page's script and stylesheet URLs. */
  readonly script: string;
  readonly stylesheet: string;
}

/** Options of {@link createPollsHandler}. */
export interface PollsHandlerOptions {
  readonly syncline: Syncline;
  /** The site's sign-in: finds the caller and checks their forms' CSRF tokens. */
  readonly auth: Authenticator;
  /** Origins besides the site's own whose pages may post its forms; default none. */
  readonly origins?: readonly string[] | undefined;
  /** The browser script's bundle. */
  readonly script: () => Promise<string>;
  /** Renders a page in the site's layout. */
  readonly layout: (page: PollsLayoutPage) => string;
  /** The sign-in page's URL that leads back to `next`. */
  readonly signInPath: (next: string) => string;
  readonly reportError?: (error: unknown, where: string) => void;
}

/** The polls app's part of a site's HTTP handler. */
export interface PollsHandler {
  /** Whether a path is the app's: `/polls`, `/polls/<id>`, `/polls/<id>/<action>` and its assets. */
  owns(path: string): boolean;
  /** Answers a request for one of its paths; what is the JSON API goes to `api` (Syncline's listener). */
  handle(req: IncomingMessage, res: ServerResponse, api: Listener): void;
}

const HTML = 'text/html; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

/**
 * The polls app's HTTP surface at the resource's own URLs: browsers (`Accept` prefers HTML)
 * get pages and post forms there (create a poll, vote, delete one's poll; each answered 303,
 * or the page again with the problem); programs get Syncline's JSON API, unchanged. Signed
 * out, a page leads to sign-in and back.
 *
 * @example
 * const polls = createPollsHandler({ syncline, auth, script, layout, signInPath });
 * http.createServer((req, res) => (polls.owns(path(req)) ? polls.handle(req, res, api) : other(req, res)));
 */
export function createPollsHandler(options: PollsHandlerOptions): PollsHandler {
  const { syncline, auth } = options;
  const reportError = options.reportError ?? ((error: unknown, where: string) => console.error(`[polls] ${where}:`, error));

  async function signedIn(req: IncomingMessage): Promise<{ caller: Caller; viewer: Viewer } | undefined> {
    const context = await contextOf(auth, req);
    if (context.principal === undefined) return undefined;
    return { caller: { syncline, context }, viewer: { user: context.principal.id, csrf: auth.csrfToken(context) ?? '' } };
  }

  /** The page at a polls URL, or the not-found page; with a refusal's message and typed values. */
  async function render(user: { caller: Caller; viewer: Viewer }, target: PollsTarget, status: number, notice?: { message: string; values?: FormValues | undefined }): Promise<{ status: number; body: string }> {
    const page = { viewer: user.viewer, notice: notice?.message, script: POLLS_SCRIPT_PATH, stylesheet: POLLS_STYLESHEET_PATH };
    if (target.kind === 'collection') {
      const { polls, seq } = await readPolls(user.caller);
      return { status, body: options.layout({ ...page, title: 'Polls', seq, main: renderPollsMain({ polls, viewer: user.viewer, values: notice?.values }).value }) };
    }
    const { poll, seq } = await readPoll(user.caller, target.id);
    if (poll === undefined) return { status: 404, body: options.layout({ ...page, title: 'Not found', seq, main: renderMissingPollMain().value }) };
    const chosen = await readOwnVote(user.caller, poll.id);
    return { status, body: options.layout({ ...page, title: poll.question, seq, main: renderPollMain({ poll, viewer: user.viewer, chosen }).value }) };
  }

  async function page(req: IncomingMessage, res: ServerResponse, target: PollsTarget): Promise<void> {
    const user = await signedIn(req);
    if (user === undefined) return redirect(res, options.signInPath(req.url ?? POLLS_PATH));
    // An action's URL has no page of its own: it leads to its poll's.
    if (target.kind === 'action') return redirect(res, pollPath(target.id));
    const answer = await render(user, target, 200);
    // Pages change with every vote: always revalidate (they carry the position they reflect).
    send(res, { status: answer.status, type: HTML, body: answer.body, headers: { 'cache-control': 'no-cache' } });
  }

  const refuse = (res: ServerResponse, status: number, why: string, headers: Record<string, string> = {}): void =>
    send(res, { status, type: TEXT, body: why, headers: { 'cache-control': 'no-store', ...headers } });

  async function form(req: IncomingMessage, res: ServerResponse, target: PollsTarget): Promise<void> {
    if (isCrossSite(req, options.origins)) return refuse(res, 403, 'This form was sent from another site. Go back, reload the page and try again.');
    const fields = await readForm(req);
    const user = await signedIn(req);
    const back = target.kind === 'collection' ? POLLS_PATH : pollPath(target.id);
    // Signed out meanwhile (in another tab, or the session expired): sign in again, then back to the page.
    if (user === undefined) return redirect(res, options.signInPath(back));
    if (!auth.verifyCsrfToken(user.caller.context, fields.get('_csrf'))) return refuse(res, 403, 'This form has no valid security token. Go back, reload the page and try again.');
    const method = (fields.get('_method') ?? 'POST').toUpperCase();
    let result: FormResult;
    if (target.kind === 'collection' && method === 'POST') result = await createPollFromForm(user.caller, fields);
    else if (target.kind === 'action' && target.action === 'vote' && method === 'POST') result = await voteFromForm(user.caller, target.id, fields);
    else if (target.kind === 'poll' && method === 'DELETE') result = await deletePollFromForm(user.caller, target.id);
    else if (target.kind === 'action' && target.action !== 'vote') return refuse(res, 404, 'This poll has no such action.');
    else return refuse(res, 405, 'Forms cannot do that here.', { allow: target.kind === 'poll' ? 'DELETE' : 'POST' });
    if (result.kind === 'redirect') return redirect(res, result.location);
    const again = parsePollsPath(result.page) ?? { kind: 'collection' };
    const answer = await render(user, again, result.status, { message: result.message, values: result.values });
    send(res, { status: answer.status, type: HTML, body: answer.body, headers: { 'cache-control': 'no-store' } });
  }

  async function handle(req: IncomingMessage, res: ServerResponse, api: Listener): Promise<void> {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const method = req.method ?? 'GET';
    if (path === POLLS_SCRIPT_PATH || path === POLLS_STYLESHEET_PATH) {
      if (method !== 'GET' && method !== 'HEAD') return refuse(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
      if (path === POLLS_STYLESHEET_PATH) return send(res, { status: 200, type: 'text/css; charset=utf-8', body: POLLS_STYLESHEET, headers: { 'cache-control': 'no-cache' } });
      return send(res, { status: 200, type: 'text/javascript; charset=utf-8', body: await options.script(), headers: { 'cache-control': 'no-cache' } });
    }
    const target = parsePollsPath(path);
    if (target === undefined) return api(req, res);
    // Merged into the API's own headers by its writeHead, so its JSON answers vary too.
    res.setHeader('vary', 'Accept');
    if ((method === 'GET' || method === 'HEAD') && prefersHtml(req.headers.accept)) return page(req, res, target);
    if (method === 'POST' && isForm(req)) return form(req, res, target);
    return api(req, res);
  }

  return {
    owns: (path) => path === POLLS_SCRIPT_PATH || path === POLLS_STYLESHEET_PATH || parsePollsPath(path) !== undefined,
    handle(req, res, api) {
      handle(req, res, api).catch((error: unknown) => failRequest(res, error, (failure) => reportError(failure, `${req.method ?? 'GET'} ${req.url ?? '/'}`)));
    },
  };
}
