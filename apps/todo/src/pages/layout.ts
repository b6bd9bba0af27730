import { html, SafeHtml } from '@syncline/demo-kit/html';
import { SIGN_IN_PATH, SIGN_UP_PATH } from './routes.js';
import { csrfField, renderListHeader, renderListLinks, renderTodoItems, type FormValues, type ListItem, type TodoItem, type Viewer } from './views.js';

/** A message shown above the content: why the last form was refused. */
export interface Notice {
  readonly message: string;
  readonly values?: FormValues;
}

interface PageOptions {
  readonly title: string;
  /** The change-log position the page reflects (`Syncline-Seq`), for the script. */
  readonly seq: number;
  readonly listId?: string;
  readonly notice?: Notice | undefined;
  readonly main: SafeHtml;
  /** The signed-in user; the sign-in and sign-up pages have none (and no script). */
  readonly viewer?: Viewer | undefined;
  /** The records the page shows, for the script's live views to start from (with `seq`). */
  readonly data?: PageRecords | undefined;
  /** Which app of the demo the page belongs to (the navigation marks it); default the TODO app. */
  readonly section?: Section;
  /** The page's own script and stylesheet (another app's), instead of the TODO app's script. */
  readonly assets?: { readonly script: string; readonly stylesheet: string } | undefined;
}

/** The demo's apps, each a link of the site's navigation. */
export type Section = 'todos' | 'polls';

const SECTIONS: ReadonlyArray<{ section: Section; href: string; label: string }> = [
  { section: 'todos', href: '/', label: 'Todos' },
  { section: 'polls', href: '/polls', label: 'Polls' },
];

/** The navigation between the demo's apps; the current one is marked `aria-current`. */
function renderSections(current: Section): SafeHtml {
  return html`<nav class="sections" aria-label="Apps">${SECTIONS.map(
    (item) => html` <a href="${item.href}"${item.section === current ? html` aria-current="page"` : ''}>${item.label}</a>`,
  )}</nav>`;
}

/**
 * The records a page was rendered from, read at `data-seq`: the script starts its live views
 * from them and that position (no second read, and no change lost in between).
 */
export interface PageRecords {
  readonly lists: readonly ListItem[];
  readonly todos?: readonly TodoItem[];
}

/** The script that signs out from the other apps' pages, deleting the user's TODO replica first (the TODO pages' own script does it there). */
export const SIGN_OUT_SCRIPT = '/assets/sign-out.js';

/** The id of the `<script type="application/json">` that carries {@link PageRecords}. */
export const PAGE_DATA_ID = 'page-data';

/**
 * JSON inside a `<script>` element: its raw text ends only at `</script`, so every `<` is
 * written as `\u003c` (JSON.parse reads it back); nothing else there is significant.
 */
function jsonScript(value: unknown): SafeHtml {
  return new SafeHtml(`<script type="application/json" id="${PAGE_DATA_ID}">${JSON.stringify(value).replace(/</g, '\\u003c')}</script>`);
}

/** The header's right side: who is signed in and the sign-out form, or the sign-in and sign-up links. */
function renderAccount(viewer: Viewer | undefined): SafeHtml {
  if (viewer === undefined) return html`<nav class="account" aria-label="Account"><a href="${SIGN_IN_PATH}">Sign in</a> <a href="${SIGN_UP_PATH}">Sign up</a></nav>`;
  return html`<div class="account">
  <span>Signed in as <strong id="username">${viewer.user}</strong></span>
  <form method="post" action="/session" class="inline">
    ${csrfField(viewer.csrf)}
    <input type="hidden" name="_method" value="DELETE">
    <button>Sign out</button>
  </form>
</div>`;
}

function renderPage(options: PageOptions): string {
  // `data-*` carry what the script needs; without JavaScript they are inert.
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Syncline ${options.section === 'polls' ? 'Polls' : 'TODO'}</title>
<link rel="stylesheet" href="/assets/app.css">
${options.assets === undefined ? '' : html`<link rel="stylesheet" href="${options.assets.stylesheet}">`}
${options.viewer === undefined ? '' : html`<script type="module" src="${options.assets?.script ?? '/assets/app.js'}"></script>`}
${options.viewer === undefined || options.assets === undefined ? '' : html`<script type="module" src="${SIGN_OUT_SCRIPT}"></script>`}
</head>
<body data-seq="${options.seq}"${options.listId === undefined ? '' : html` data-list-id="${options.listId}"`}${options.viewer === undefined ? '' : html` data-user="${options.viewer.user}" data-csrf="${options.viewer.csrf}"`}>
<header class="site">
  <a href="/" class="brand">Syncline TODO</a>
  ${renderSections(options.section ?? 'todos')}
  <p id="connection" role="status" hidden></p>
  <p id="outbox" aria-live="polite" aria-atomic="true" hidden></p>
  ${renderAccount(options.viewer)}
</header>
<div id="alert" role="alert">${options.notice ? html`<p class="notice">${options.notice.message}</p>` : ''}</div>
${options.main}
${options.data === undefined || options.viewer === undefined ? '' : jsonScript(options.data)}
</body>
</html>
`.value;
}

/**
 * A page of another app of the demo (the polls) in the site's layout: header, navigation,
 * account and alert region around its `main`, which is trusted markup (every user value in
 * it already escaped), with its own script and stylesheet.
 *
 * @example
 * renderSectionPage({ section: 'polls', title: 'Polls', seq: 12, viewer, main, assets: { script: '/assets/polls.js', stylesheet: '/assets/polls.css' } });
 */
export function renderSectionPage(options: {
  section: Section;
  title: string;
  seq: number;
  viewer: Viewer;
  main: string;
  notice?: string | undefined;
  assets: { readonly script: string; readonly stylesheet: string };
}): string {
  const { main, notice, ...rest } = options;
  return renderPage({ ...rest, main: new SafeHtml(main), notice: notice === undefined ? undefined : { message: notice } });
}

/**
 * The home page: every list, and a form to create one.
 *
 * @example
 * renderHomePage({ lists, seq: 12, viewer: { user: 'ana', csrf } });
 */
export function renderHomePage(options: { lists: readonly ListItem[]; seq: number; viewer: Viewer; notice?: Notice | undefined }): string {
  const values = options.notice?.values ?? {};
  return renderPage({
    title: 'Lists',
    seq: options.seq,
    viewer: options.viewer,
    data: { lists: options.lists },
    notice: options.notice,
    main: html`<main>
<h1>Lists</h1>
<ul id="lists" class="lists">${renderListLinks(options.lists, undefined, options.viewer.user)}</ul>
<form method="post" action="/lists" class="add">
  ${csrfField(options.viewer.csrf)}
  <label for="new-list">New list</label>
  <input id="new-list" name="title" required maxlength="200" value="${values['new-list'] ?? ''}">
  <button>Create list</button>
</form>
</main>`,
  });
}

/**
 * A list's page: its todos with their forms, a form to add one, and the other lists.
 *
 * @example
 * renderListPage({ list, todos, lists, seq: 12, viewer: { user: 'ana', csrf } });
 */
export function renderListPage(options: { list: ListItem; todos: readonly TodoItem[]; lists: readonly ListItem[]; seq: number; viewer: Viewer; notice?: Notice | undefined }): string {
  const values = options.notice?.values ?? {};
  const { viewer } = options;
  return renderPage({
    title: options.list.title,
    seq: options.seq,
    listId: options.list.id,
    viewer,
    data: { lists: options.lists, todos: options.todos },
    notice: options.notice,
    main: html`<nav aria-label="Lists"><ul id="lists" class="lists">${renderListLinks(options.lists, options.list.id, viewer.user)}</ul></nav>
<main>
<section id="list-header">${renderListHeader(options.list, viewer, values)}</section>
<form method="post" action="/todos" class="add" id="new-todo-form">
  ${csrfField(viewer.csrf)}
  <input type="hidden" name="list" value="${options.list.id}">
  <label for="new-todo">New todo</label>
  <input id="new-todo" name="title" required maxlength="500" value="${values['new-todo'] ?? ''}">
  <button>Add</button>
</form>
<ul id="todos" class="todos">${renderTodoItems(options.todos, viewer, values)}</ul>
</main>`,
  });
}

/** A page for a missing list (or one not shared with the viewer) or an unknown path. */
export function renderNotFoundPage(seq: number, viewer?: Viewer): string {
  return renderPage({ title: 'Not found', seq, viewer, main: html`<main><h1>Not found</h1><p><a href="/">Back to all lists</a></p></main>` });
}

/** What the sign-in and sign-up pages need. */
export interface AccountPageOptions {
  /** The form's CSRF token (a cookie of its own before there is a session). */
  readonly csrf: string;
  /** Where to go once signed in (a path of this site). */
  readonly next: string;
  readonly username?: string;
  readonly notice?: Notice | undefined;
}

/**
 * The sign-in page: a plain form posted to `/session` (no JavaScript needed).
 *
 * @example
 * renderSignInPage({ csrf, next: '/lists/42' });
 */
export function renderSignInPage(options: AccountPageOptions): string {
  return renderPage({
    title: 'Sign in',
    seq: 0,
    notice: options.notice,
    main: html`<main class="account-page">
<h1>Sign in</h1>
<form method="post" action="/session" class="account-form">
  ${csrfField(options.csrf)}
  <input type="hidden" name="next" value="${options.next}">
  <label for="username-input">Username</label>
  <input id="username-input" name="username" required autocomplete="username" autocapitalize="none" value="${options.username ?? ''}">
  <label for="password-input">Password</label>
  <input id="password-input" name="password" type="password" required autocomplete="current-password">
  <button>Sign in</button>
</form>
<p>No account yet? <a href="${SIGN_UP_PATH}">Sign up</a>.</p>
</main>`,
  });
}

/**
 * The sign-up page: a plain form posted to `/users`; a new account is signed in at once.
 *
 * @example
 * renderSignUpPage({ csrf, next: '/' });
 */
export function renderSignUpPage(options: AccountPageOptions): string {
  return renderPage({
    title: 'Sign up',
    seq: 0,
    notice: options.notice,
    main: html`<main class="account-page">
<h1>Sign up</h1>
<form method="post" action="/users" class="account-form">
  ${csrfField(options.csrf)}
  <input type="hidden" name="next" value="${options.next}">
  <label for="username-input">Username</label>
  <input id="username-input" name="username" required minlength="3" maxlength="32" autocomplete="username" autocapitalize="none" value="${options.username ?? ''}" aria-describedby="username-hint">
  <small id="username-hint">3 to 32 characters: letters, digits, “.”, “_” or “-”.</small>
  <label for="password-input">Password</label>
  <input id="password-input" name="password" type="password" required minlength="8" maxlength="200" autocomplete="new-password" aria-describedby="password-hint">
  <small id="password-hint">At least 8 characters.</small>
  <button>Sign up</button>
</form>
<p>Have an account? <a href="${SIGN_IN_PATH}">Sign in</a>.</p>
</main>`,
  });
}
