import { html, type SafeHtml } from './html.js';
import { listPath, todoPath } from './routes.js';

/** A list as the views need it (the server's record and the client's replica both fit). */
export interface ListItem {
  readonly id: string;
  readonly version: number;
  readonly title: string;
}

/** A todo as the views need it. */
export interface TodoItem extends ListItem {
  readonly done: boolean;
  readonly order: number;
}

/** What the user typed, by input id, shown again when a form was refused (422). */
export type FormValues = Readonly<Record<string, string>>;

/**
 * The links to every list (the home page's main content and the list page's navigation).
 * These views are pure functions over plain data: the server renders pages with them and the
 * browser script re-renders the same markup on every live change.
 *
 * @example
 * renderListLinks([{ id: '1', version: 1, title: 'Groceries' }], '1');
 */
export function renderListLinks(lists: readonly ListItem[], currentId?: string): SafeHtml {
  if (lists.length === 0) return html`<li class="empty">No lists yet.</li>`;
  return html`${lists.map(
    (list) => html`<li><a href="${listPath(list.id)}"${list.id === currentId ? html` aria-current="page"` : ''}>${list.title}</a></li>`,
  )}`;
}

/** The list's heading with its rename and delete forms. */
export function renderListHeader(list: ListItem, values: FormValues = {}): SafeHtml {
  return html`<h1>${list.title}</h1>
<div class="list-actions">
  <form method="post" action="${listPath(list.id)}" class="inline">
    <input type="hidden" name="_method" value="PATCH">
    <input type="hidden" name="version" value="${list.version}">
    <label for="list-title">List name</label>
    <input id="list-title" name="title" required maxlength="200" value="${values['list-title'] ?? list.title}">
    <button>Rename list</button>
  </form>
  <form method="post" action="${listPath(list.id)}" class="inline">
    <input type="hidden" name="_method" value="DELETE">
    <input type="hidden" name="version" value="${list.version}">
    <button class="danger">Delete list</button>
  </form>
</div>`;
}

/** The heading shown once the list is gone (deleted in another window). */
export function renderDeletedList(): SafeHtml {
  return html`<h1>List deleted</h1><p>This list was deleted. <a href="/">Back to all lists</a>.</p>`;
}

function renderTodo(todo: TodoItem, index: number, count: number, values: FormValues): SafeHtml {
  const done = `done-${todo.id}`;
  const title = `title-${todo.id}`;
  return html`<li class="todo${todo.done ? ' done' : ''}" data-id="${todo.id}">
  <form method="post" action="${todoPath(todo.id)}" class="toggle">
    <input type="hidden" name="_method" value="PATCH">
    <input type="hidden" name="version" value="${todo.version}">
    <input type="hidden" name="done" value="false">
    <input type="checkbox" id="${done}" name="done" value="true"${todo.done ? html` checked` : ''}>
    <label for="${done}">${todo.title}</label>
    <button class="js-hidden" aria-label="Save done state of ${todo.title}">Save</button>
  </form>
  <form method="post" action="${todoPath(todo.id)}" class="edit">
    <input type="hidden" name="_method" value="PATCH">
    <input type="hidden" name="version" value="${todo.version}">
    <input id="${title}" name="title" required maxlength="500" aria-label="Title of ${todo.title}" value="${values[title] ?? todo.title}">
    <button aria-label="Rename ${todo.title}">Rename</button>
  </form>
  <form method="post" action="${todoPath(todo.id)}" class="move">
    <input type="hidden" name="_method" value="PATCH">
    <button name="direction" value="up" aria-label="Move ${todo.title} up"${index === 0 ? html` disabled` : ''}>↑</button>
    <button name="direction" value="down" aria-label="Move ${todo.title} down"${index === count - 1 ? html` disabled` : ''}>↓</button>
  </form>
  <form method="post" action="${todoPath(todo.id)}" class="delete">
    <input type="hidden" name="_method" value="DELETE">
    <input type="hidden" name="version" value="${todo.version}">
    <button class="danger" aria-label="Delete ${todo.title}">Delete</button>
  </form>
</li>`;
}

/** The todos of a list, in order, each with its forms. */
export function renderTodoItems(todos: readonly TodoItem[], values: FormValues = {}): SafeHtml {
  if (todos.length === 0) return html`<li class="empty">Nothing to do.</li>`;
  return html`${todos.map((todo, index) => renderTodo(todo, index, todos.length, values))}`;
}
