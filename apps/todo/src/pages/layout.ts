import { html, type SafeHtml } from './html.js';
import { renderListHeader, renderListLinks, renderTodoItems, type FormValues, type ListItem, type TodoItem } from './views.js';

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
}

function renderPage(options: PageOptions): string {
  // `data-*` carry what the script needs; without JavaScript they are inert.
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Syncline TODO</title>
<link rel="stylesheet" href="/assets/app.css">
<script type="module" src="/assets/app.js"></script>
</head>
<body data-seq="${options.seq}"${options.listId === undefined ? '' : html` data-list-id="${options.listId}"`}>
<header class="site">
  <a href="/" class="brand">Syncline TODO</a>
  <p id="connection" role="status" hidden></p>
</header>
<div id="alert" role="alert">${options.notice ? html`<p class="notice">${options.notice.message}</p>` : ''}</div>
${options.main}
</body>
</html>
`.value;
}

/**
 * The home page: every list, and a form to create one.
 *
 * @example
 * renderHomePage({ lists, seq: 12 });
 */
export function renderHomePage(options: { lists: readonly ListItem[]; seq: number; notice?: Notice | undefined }): string {
  const values = options.notice?.values ?? {};
  return renderPage({
    title: 'Lists',
    seq: options.seq,
    notice: options.notice,
    main: html`<main>
<h1>Lists</h1>
<ul id="lists" class="lists">${renderListLinks(options.lists)}</ul>
<form method="post" action="/lists" class="add">
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
 * renderListPage({ list, todos, lists, seq: 12 });
 */
export function renderListPage(options: { list: ListItem; todos: readonly TodoItem[]; lists: readonly ListItem[]; seq: number; notice?: Notice | undefined }): string {
  const values = options.notice?.values ?? {};
  return renderPage({
    title: options.list.title,
    seq: options.seq,
    listId: options.list.id,
    notice: options.notice,
    main: html`<nav aria-label="Lists"><ul id="lists" class="lists">${renderListLinks(options.lists, options.list.id)}</ul></nav>
<main>
<section id="list-header">${renderListHeader(options.list, values)}</section>
<form method="post" action="/todos" class="add" id="new-todo-form">
  <input type="hidden" name="list" value="${options.list.id}">
  <label for="new-todo">New todo</label>
  <input id="new-todo" name="title" required maxlength="500" value="${values['new-todo'] ?? ''}">
  <button>Add</button>
</form>
<ul id="todos" class="todos">${renderTodoItems(options.todos, values)}</ul>
</main>`,
  });
}

/** A page for a missing list or an unknown path. */
export function renderNotFoundPage(seq: number): string {
  return renderPage({ title: 'Not found', seq, main: html`<main><h1>Not found</h1><p><a href="/">Back to all lists</a></p></main>` });
}
