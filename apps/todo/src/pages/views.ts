import { html, type SafeHtml } from '@syncline/demo-kit/html';
import { listPath, todoPath } from './routes.js';

/** A record as the views need it. */
interface Item {
  readonly id: string;
  readonly version: number;
  readonly title: string;
}

/** A list as the views need it (the server's record and the client's replica both fit). */
export interface ListItem extends Item {
  /** Who created it: the only one who may rename, share or delete it. */
  readonly owner: string;
  /** Usernames it is shared with. */
  readonly members: readonly string[];
}

/** A todo as the views need it. */
export interface TodoItem extends Item {
  readonly done: boolean;
  readonly order: number;
}

/**
 * Who the page is for: the signed-in username, and the CSRF token every form of theirs
 * carries (the server refuses a form post without it).
 */
export interface Viewer {
  readonly user: string;
  readonly csrf: string;
}

/** The hidden CSRF field of every form. */
export const csrfField = (csrf: string): SafeHtml => html`<input type="hidden" name="_csrf" value="${csrf}">`;

/** What the user typed, by input id, shown again when a form was refused (422). */
export type FormValues = Readonly<Record<string, string>>;

/**
 * The links to every list (the home page's main content and the list page's navigation).
 * These views are pure functions over plain data: the server renders pages with them and the
 * browser script re-renders the same markup on every live change.
 *
 * @example
 * renderListLinks([{ id: '1', version: 1, title: 'Groceries', owner: 'ana', members: [] }], '1', 'bob'); // "shared by ana"
 */
export function renderListLinks(lists: readonly ListItem[], currentId?: string, viewer?: string): SafeHtml {
  if (lists.length === 0) return html`<li class="empty">No lists yet.</li>`;
  return html`${lists.map(
    (list) =>
      html`<li><a href="${listPath(list.id)}"${list.id === currentId ? html` aria-current="page"` : ''}>${list.title}</a>${viewer !== undefined && list.owner !== viewer ? html` <small class="shared">shared by ${list.owner}</small>` : ''}</li>`,
  )}`;
}

/**
 * The list's heading. Its owner also gets the rename and delete forms and the sharing
 * section (members, with a form to add a username and one to remove each); a member sees
 * whose list it is and who else shares it, and a form to leave it.
 */
export function renderListHeader(list: ListItem, viewer: Viewer, values: FormValues = {}): SafeHtml {
  if (list.owner !== viewer.user) {
    const others = list.members.filter((member) => member !== viewer.user);
    return html`<h1>${list.title}</h1>
<p class="sharing">Shared with you by ${list.owner}${others.length > 0 ? html`, and with ${others.join(', ')}` : ''}.</p>
<form method="post" action="${listPath(list.id)}" class="inline leave">
  ${csrfField(viewer.csrf)}
  <input type="hidden" name="_method" value="PATCH">
  <input type="hidden" name="version" value="${list.version}">
  <input type="hidden" name="leave" value="1">
  <button class="danger">Leave list</button>
</form>`;
  }
  return html`<h1>${list.title}</h1>
<div class="list-actions">
  <form method="post" action="${listPath(list.id)}" class="inline">
    ${csrfField(viewer.csrf)}
    <input type="hidden" name="_method" value="PATCH">
    <input type="hidden" name="version" value="${list.version}">
    <label for="list-title">List name</label>
    <input id="list-title" name="title" required maxlength="200" value="${values['list-title'] ?? list.title}">
    <button>Rename list</button>
  </form>
  <form method="post" action="${listPath(list.id)}" class="inline">
    ${csrfField(viewer.csrf)}
    <input type="hidden" name="_method" value="DELETE">
    <input type="hidden" name="version" value="${list.version}">
    <button class="danger">Delete list</button>
  </form>
</div>
<section class="sharing" aria-labelledby="sharing-heading">
  <h2 id="sharing-heading">Shared with</h2>
  <ul id="members" class="members">${
    list.members.length === 0
      ? html`<li class="empty">Nobody yet.</li>`
      : list.members.map(
          (member) => html`<li>${member}
    <form method="post" action="${listPath(list.id)}" class="inline">
      ${csrfField(viewer.csrf)}
      <input type="hidden" name="_method" value="PATCH">
      <input type="hidden" name="remove-member" value="${member}">
      <button class="danger" aria-label="Stop sharing with ${member}">Remove</button>
    </form></li>`,
        )
  }</ul>
  <form method="post" action="${listPath(list.id)}" class="inline">
    ${csrfField(viewer.csrf)}
    <input type="hidden" name="_method" value="PATCH">
    <label for="add-member">Share with</label>
    <input id="add-member" name="add-member" required maxlength="32" autocomplete="off" placeholder="username" value="${values['add-member'] ?? ''}">
    <button>Share</button>
  </form>
</section>`;
}

/** The heading shown once the list is gone (deleted in another window). */
export function renderDeletedList(): SafeHtml {
  return html`<h1>List gone</h1><p>This list was deleted, or is no longer shared with you. <a href="/">Back to all lists</a>.</p>`;
}

/** One todo of the list, at `index` of `count` (the first cannot move up, the last down). */
function renderTodo(todo: TodoItem, { index, count }: { index: number; count: number }, csrf: string, values: FormValues): SafeHtml {
  const token = csrfField(csrf);
  const done = `done-${todo.id}`;
  const title = `title-${todo.id}`;
  return html`<li class="todo${todo.done ? ' done' : ''}" data-id="${todo.id}">
  <form method="post" action="${todoPath(todo.id)}" class="toggle">
    ${token}
    <input type="hidden" name="_method" value="PATCH">
    <input type="hidden" name="version" value="${todo.version}">
    <input type="hidden" name="done" value="false">
    <input type="checkbox" id="${done}" name="done" value="true"${todo.done ? html` checked` : ''}>
    <label for="${done}">${todo.title}</label>
    <button class="js-hidden" aria-label="Save done state of ${todo.title}">Save</button>
  </form>
  <span class="title-slot js-only"><button type="button" class="title" id="edit-${todo.id}" data-edit-title="${todo.id}" aria-label="Edit ${todo.title}">${todo.title}</button></span>
  <form method="post" action="${todoPath(todo.id)}" class="edit">
    ${token}
    <input type="hidden" name="_method" value="PATCH">
    <input type="hidden" name="version" value="${todo.version}">
    <input id="${title}" name="title" required maxlength="500" aria-label="Title of ${todo.title}" value="${values[title] ?? todo.title}">
    <button aria-label="Rename ${todo.title}">Rename</button>
  </form>
  <form method="post" action="${todoPath(todo.id)}" class="move">
    ${token}
    <input type="hidden" name="_method" value="PATCH">
    <button name="direction" value="up" aria-label="Move ${todo.title} up"${index === 0 ? html` disabled` : ''}>↑</button>
    <button name="direction" value="down" aria-label="Move ${todo.title} down"${index === count - 1 ? html` disabled` : ''}>↓</button>
  </form>
  <form method="post" action="${todoPath(todo.id)}" class="delete">
    ${token}
    <input type="hidden" name="_method" value="DELETE">
    <input type="hidden" name="version" value="${todo.version}">
    <button class="danger" aria-label="Delete ${todo.title}">Delete</button>
  </form>
</li>`;
}

/** The todos of a list, in order, each with its forms. */
export function renderTodoItems(todos: readonly TodoItem[], viewer: Viewer, values: FormValues = {}): SafeHtml {
  if (todos.length === 0) return html`<li class="empty">Nothing to do.</li>`;
  return html`${todos.map((todo, index) => renderTodo(todo, { index, count: todos.length }, viewer.csrf, values))}`;
}
