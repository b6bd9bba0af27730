import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestContext } from '@syncline/schema';
import type { Authenticator, Syncline } from '@syncline/server';
import { clientAddress, contextOf, failRequest, isCrossSite, isSecure, readForm, redirect, send } from '@syncline/demo-kit/http';
import { formToken, verifyFormToken } from './account.js';
import { performAction } from './form-actions.js';
import { SIGN_OUT_SCRIPT, renderHomePage, renderListPage, renderNotFoundPage, renderSignInPage, renderSignUpPage, type AccountPageOptions, type Notice } from './layout.js';
import { readListPage, readLists, readOne, type Caller } from './page-data.js';
import { allowedFormMethods, formMethod, listPath, parseFormAction, parseResourcePath, safeNext, SIGN_IN_PATH, signInPath, SIGN_UP_PATH } from './routes.js';
import { STYLESHEET } from './stylesheet.js';
import type { Viewer } from './views.js';

/** Options of {@link createPageHandler}. */
export interface PageHandlerOptions {
  readonly syncline: Syncline;
  /** The sign-in the server was created with: finds the caller, signs in and out, makes CSRF tokens. */
  readonly auth: Authenticator;
  /** Origins besides the app's own whose pages may post its forms (`SYNCLINE_ORIGINS`); default none. */
  readonly origins?: readonly string[] | undefined;
  /** The browser script's bundle (built once, at start). */
  readonly script: () => Promise<string>;
  /** The sign-out script of the other apps' pages (`/assets/sign-out.js`): it deletes the user's replica before signing out. */
  readonly signOutScript?: () => Promise<string>;
  readonly reportError?: (error: unknown, where: string) => void;
}

const HTML = 'text/html; charset=utf-8';
/**
 * On sign-out, the browser drops what its HTTP cache holds of this origin: the pages it kept
 * carry the user's records (Clear-Site-Data, W3C). Not "storage": that would also delete the
 * replicas of other users of the same browser, with their unsent changes; the page script
 * deletes this user's own before posting the form.
 */
const FORGET_CACHE = { 'clear-site-data': '"cache"' } as const;

/** The page a form came from, when it is one of ours (for answers about a record that is gone). */
function sameOriginPage(req: IncomingMessage): string {
  const referer = req.headers.referer;
  if (referer === undefined) return '/';
  try {
    const url = new URL(referer);
    return url.host === req.headers.host && isPagePath(url.pathname) ? url.pathname : '/';
  } catch {
    return '/';
  }
}

/** The paths that render a page: the home page (`/` and `/lists`) and a list's page (`/lists/<id>`). */
function isPagePath(path: string): boolean {
  return path === '/' || parseResourcePath(path)?.resource === 'lists';
}

type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The app's HTML surface, in the parts the request router (`app-handler.ts`) hands requests to. */
export interface PageHandler {
  /** Every path that is not a resource: the home page at `/`, the sign-in and sign-up pages, the stylesheet and script, a 404 page otherwise. */
  readonly other: Listener;
  /** A GET or HEAD of a resource URL from a browser (`Accept` prefers HTML): its page. */
  readonly page: Listener;
  /** A form posted to a resource URL: the operation, then 303 to the page (or the page again with the message). */
  readonly form: Listener;
  /** A form posted to `/session` (sign in; sign out with `_method=DELETE`) or to `/users` (sign up). */
  readonly account: Listener;
}

/** An error thrown by the authenticator (a SynclineError): its status, headers and field errors. */
interface Refusal {
  readonly status: number;
  readonly message: string;
  readonly headers?: Record<string, string>;
  readonly errors?: { path: (string | number)[]; message: string }[];
}
/** A sign-in or sign-up page to answer with. */
interface AccountPageAnswer {
  readonly kind: 'sign-in' | 'sign-up';
  readonly status: number;
  readonly page: Omit<AccountPageOptions, 'csrf'>;
  readonly headers?: Record<string, string>;
}

const isRefusal = (error: unknown): error is Refusal => error instanceof Error && typeof (error as Partial<Refusal>).status === 'number';

/** What a refused sign-in or sign-up says to the user. */
function accountMessage(error: Refusal): string {
  if (error.status === 401) return 'Wrong username or password.';
  if (error.status === 429) return `Too many failed sign-ins. Try again in ${error.headers?.['retry-after'] ?? 'a few'} seconds.`;
  if (error.status === 409) return 'That username is taken. Please choose another.';
  const fields = (error.errors ?? []).map((field) => `${field.path.join('.') === 'username' ? 'Username' : 'Password'}: ${field.message}.`);
  return fields.length > 0 ? fields.join(' ') : error.message;
}

/**
 * The app's HTML surface: pages for the resource URLs (`/lists` and `/` list every list,
 * `/lists/<id>` shows one, `/todos/<id>` leads to its list), the forms posted to those URLs
 * (turned into Syncline operations, answered 303 or, when refused, the page again with the
 * message), and the stylesheet and script. Programs keep getting JSON at the same URLs.
 *
 * @example
 * const pages = createPageHandler({ syncline, script: () => bundle });
 * http.createServer(createAppHandler(syncline, pages));
 */
export function createPageHandler(options: PageHandlerOptions): PageHandler {
  const { syncline, auth } = options;
  const reportError = options.reportError ?? ((error: unknown, where: string) => console.error(`[todo] ${where}:`, error));

  /** The signed-in caller, or undefined when the request carries no live session. */
  async function signedIn(req: IncomingMessage): Promise<{ caller: Caller; viewer: Viewer } | undefined> {
    const context: RequestContext = await contextOf(auth, req);
    if (context.principal === undefined) return undefined;
    return { caller: { syncline, context }, viewer: { user: context.principal.id, csrf: auth.csrfToken(context) ?? '' } };
  }

  async function renderAt({ caller, viewer }: { caller: Caller; viewer: Viewer }, path: string, status: number, notice?: Notice): Promise<{ status: number; body: string }> {
    const target = parseResourcePath(path);
    if (path === '/' || (target?.resource === 'lists' && target.id === undefined)) {
      const { items, seq } = await readLists(caller);
      return { status, body: renderHomePage({ lists: items, seq, viewer, notice }) };
    }
    const data = target?.resource === 'lists' && target.id !== undefined ? await readListPage(caller, target.id) : undefined;
    // A list the caller may not read is answered like one that does not exist.
    if (data === undefined) return { status: 404, body: renderNotFoundPage(syncline.stats().seq, viewer) };
    return { status, body: renderListPage({ ...data, viewer, notice }) };
  }

  async function sendPage(res: ServerResponse, user: { caller: Caller; viewer: Viewer }, path: string): Promise<void> {
    const page = await renderAt(user, path, 200);
    // Pages change with every write: always revalidate (they carry the position they reflect).
    send(res, { status: page.status, type: HTML, body: page.body, headers: { 'cache-control': 'no-cache' } });
  }

  /** An anonymous browser asking for a page is sent to sign in, and back here afterwards. */
  const toSignIn = (req: IncomingMessage, res: ServerResponse): void => redirect(res, signInPath(safeNext(req.url ?? '/')));
  const refuseForm = (res: ServerResponse, why: string): void =>
    send(res, { status: 403, type: 'text/plain; charset=utf-8', body: `${why} Go back, reload the page and try again.`, headers: { 'cache-control': 'no-store' } });

  /** The sign-in or sign-up page, with a fresh form token; `headers` are added (a `Retry-After`, say). */
  function sendAccountPage(req: IncomingMessage, res: ServerResponse, account: AccountPageAnswer): void {
    const { kind, status, page, headers = {} } = account;
    const { token, setCookie } = formToken(req, isSecure(req));
    const render = kind === 'sign-in' ? renderSignInPage : renderSignUpPage;
    send(res, { status, type: HTML, body: render({ ...page, csrf: token }), headers: { 'cache-control': 'no-store', ...headers, ...(setCookie ? { 'set-cookie': setCookie } : {}) } });
  }

  async function other(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    if (method === 'GET' && path === '/assets/app.css') return send(res, { status: 200, type: 'text/css; charset=utf-8', body: STYLESHEET, headers: { 'cache-control': 'no-cache' } });
    if (method === 'GET' && path === '/assets/app.js') return send(res, { status: 200, type: 'text/javascript; charset=utf-8', body: await options.script(), headers: { 'cache-control': 'no-cache' } });
    if (method === 'GET' && path === SIGN_OUT_SCRIPT && options.signOutScript) return send(res, { status: 200, type: 'text/javascript; charset=utf-8', body: await options.signOutScript(), headers: { 'cache-control': 'no-cache' } });
    if (method !== 'GET' && method !== 'HEAD') return send(res, { status: 405, type: 'text/plain; charset=utf-8', body: 'Method not allowed', headers: { allow: 'GET, HEAD' } });
    const user = await signedIn(req);
    if (path === SIGN_IN_PATH || path === SIGN_UP_PATH) {
      const next = safeNext(url.searchParams.get('next'));
      if (user !== undefined) return redirect(res, next);
      return sendAccountPage(req, res, { kind: path === SIGN_IN_PATH ? 'sign-in' : 'sign-up', status: 200, page: { next } });
    }
    if (user === undefined) return path === '/' ? toSignIn(req, res) : send(res, { status: 404, type: HTML, body: renderNotFoundPage(syncline.stats().seq), headers: { 'cache-control': 'no-cache' } });
    return sendPage(res, user, path);
  }

  async function page(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const user = await signedIn(req);
    if (user === undefined) return toSignIn(req, res);
    const target = parseResourcePath(url.pathname);
    if (target?.resource !== 'todos') return sendPage(res, user, url.pathname);
    // Todos have no page of their own: a todo leads to its list's page, the collection to the list it is filtered by.
    if (target.id === undefined) {
      const list = url.searchParams.get('list');
      return redirect(res, list ? listPath(list) : '/');
    }
    const { record } = await readOne<{ list: string }>(user.caller, `/todos/${encodeURIComponent(target.id)}`);
    if (record !== undefined) return redirect(res, listPath(record.list));
    send(res, { status: 404, type: HTML, body: renderNotFoundPage(syncline.stats().seq, user.viewer), headers: { 'cache-control': 'no-cache' } });
  }

  async function form(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (isCrossSite(req, options.origins)) return refuseForm(res, 'This form was sent from another site.');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fields = await readForm(req);
    const user = await signedIn(req);
    // Signed out meanwhile (in another tab, or the session expired): sign in again, then back to the page.
    if (user === undefined) return redirect(res, signInPath(sameOriginPage(req)));
    if (!auth.verifyCsrfToken(user.caller.context, fields.get('_csrf'))) return refuseForm(res, 'This form has no valid security token.');
    const method = formMethod(fields);
    const action = method === undefined ? undefined : parseFormAction(path, method, fields);
    if (action === undefined) {
      const allow = allowedFormMethods(parseResourcePath(path) ?? { resource: 'lists' });
      // A method this URL does not take is 405; a right method with fields that name no change is 400.
      if (method === undefined || !allow.split(', ').includes(method)) return send(res, { status: 405, type: 'text/plain; charset=utf-8', body: `Forms cannot ${method ?? 'do that'} here.`, headers: { allow } });
      return send(res, { status: 400, type: 'text/plain; charset=utf-8', body: 'This form does not name a change of this resource.' });
    }
    const result = await performAction(user.caller, action, fields, sameOriginPage(req));
    if (result.kind === 'redirect') return redirect(res, result.location);
    const refused = await renderAt(user, result.page, result.status, { message: result.message, values: result.values });
    send(res, { status: refused.status, type: HTML, body: refused.body });
  }

  async function account(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (isCrossSite(req, options.origins)) return refuseForm(res, 'This form was sent from another site.');
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const fields = await readForm(req);
    const secure = isSecure(req);
    if (path === '/session' && formMethod(fields) === 'DELETE') {
      const context = await contextOf(auth, req);
      // Already signed out (another tab, or expired): nothing to end, only the cookie to clear.
      if (context.session === undefined) return redirect(res, SIGN_IN_PATH, { 'set-cookie': auth.cookie(undefined, secure), ...FORGET_CACHE });
      if (!auth.verifyCsrfToken(context, fields.get('_csrf'))) return refuseForm(res, 'This form has no valid security token.');
      await auth.signOut(context);
      return redirect(res, SIGN_IN_PATH, { 'set-cookie': auth.cookie(undefined, secure), ...FORGET_CACHE });
    }
    if (formMethod(fields) !== 'POST') return send(res, { status: 405, type: 'text/plain; charset=utf-8', body: 'Forms cannot do that here.', headers: { allow: 'POST' } });
    // Before there is a session, the form's token is the one in its own cookie (login CSRF).
    if (!verifyFormToken(req, fields.get('_csrf'))) return refuseForm(res, 'This form has no valid security token.');
    const kind = path === '/users' ? 'sign-up' : 'sign-in';
    const next = safeNext(fields.get('next'));
    const username = (fields.get('username') ?? '').trim().toLowerCase();
    const password = fields.get('password') ?? '';
    try {
      if (kind === 'sign-up') await auth.signUp(username, password, clientAddress(req));
      const session = await auth.signIn(username, password, clientAddress(req));
      return redirect(res, next, { 'set-cookie': auth.cookie(session, secure) });
    } catch (error) {
      if (!isRefusal(error)) throw error;
      const headers = error.headers?.['retry-after'] ? { 'retry-after': error.headers['retry-after'] } : {};
      return sendAccountPage(req, res, { kind, status: error.status, page: { next, username, notice: { message: accountMessage(error) } }, headers });
    }
  }

  const guard =
    (serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Listener =>
    (req, res) => {
      serve(req, res).catch((error: unknown) => failRequest(res, error, (failure) => reportError(failure, `${req.method} ${req.url}`)));
    };
  return { other: guard(other), page: guard(page), form: guard(form), account: guard(account) };
}
