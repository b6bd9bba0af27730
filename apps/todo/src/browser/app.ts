// First: the pages' CSP forbids eval, so Zod must not probe for it.
import './strict-csp.js';
import { ConflictError, type LiveView } from '@syncline/client';
import { showConnectionState, showNotice } from '@syncline/demo-kit/browser';
import { PAGE_DATA_ID, type PageRecords } from '../pages/layout.js';
import { formMethod, listPath, parseFormAction, signInPath } from '../pages/routes.js';
import { renderDeletedList, renderListHeader, renderListLinks, renderTodoItems, type Viewer } from '../pages/views.js';
import { ALL_LISTS, todosOfList } from '../list-queries.js';
import { lists, todos } from '../resources.js';
import { sortByOrder } from '../todo-order.js';
import { startConflictPrompt } from './conflict-prompt.js';
import { patchHtml } from './dom-patch.js';
import { startOfflineClient } from './offline-ui.js';
import { runFormAction } from './form-runner.js';
import { startSignOut } from './sign-out.js';
import { startListPresence } from './presence-ui.js';
import { createTitleEditor } from './title-editor.js';

// The page works without this script (forms post to the server). With it, the page opens
// live queries, re-renders from them with the same views the server used, and runs the
// forms through the client: optimistic, and live for every other browser.
document.documentElement.classList.add('js');
const listId = document.body.dataset['listId'];
// The signed-in user and their forms' CSRF token, so re-rendered forms still work without the script's help.
const viewer: Viewer = { user: document.body.dataset['user'] ?? '', csrf: document.body.dataset['csrf'] ?? '' };
// The session cookie authenticates the socket (same origin); when the session ends (signed out
// elsewhere or expired: close code 4401), the views' subscriptions are refused with 401 on the
// next socket, and the user is sent to sign in again, then back here.
let leaving = false;
const signInAgain = (): void => {
  if (leaving) return;
  leaving = true;
  location.assign(signInPath(location.pathname + location.search));
};
// Reconnect quickly after a server restart: the page is the only thing the user sees. The
// client is an offline clone (offline-ui.ts): writes show at once, wait in the user's outbox
// while the server is out of reach, and a field changed both here and elsewhere is asked about.
const { client, status } = startOfflineClient({ url: location.origin, maxDelayMs: 3_000, onError: (error) => console.warn('[syncline]', error) }, viewer.user, showNotice);
showConnectionState(status);
startConflictPrompt(client, showNotice);
// Signing out sends what waits and deletes the user's replica before the server ends the session.
startSignOut(client, showNotice);
const listsApi = client.resource(lists);
const todosApi = client.resource(todos);

const unauthenticated = (error: unknown): boolean => (error as { status?: unknown } | undefined)?.status === 401;

/**
 * The records the server rendered this page from and the change-log position they reflect
 * (`data-seq`): the live views start there, so they read no snapshot again and receive every
 * change made since the page was read, including one made before this script ran.
 */
function pageRecords(): { seq: number; records: PageRecords } | undefined {
  const seq = Number(document.body.dataset['seq']);
  const text = document.getElementById(PAGE_DATA_ID)?.textContent;
  if (!Number.isSafeInteger(seq) || seq < 0 || !text) return undefined;
  try {
    return { seq, records: JSON.parse(text) as PageRecords };
  } catch {
    return undefined;
  }
}
const loaded = pageRecords();

/**
 * Re-renders `render` on every change of the view, once its first snapshot is in (until then
 * the server's markup stands). A view refused with 401 (the session ended) leads to sign-in.
 */
function follow<T>(view: LiveView<T>, render: (value: T) => void): void {
  let ready = false;
  let reported = false;
  view.subscribe(() => {
    const error = view.error();
    if (unauthenticated(error)) return signInAgain();
    // A view started from the page's data is ready at once; a refusal comes later, as a change.
    if (error !== undefined && !reported) {
      reported = true;
      showNotice(`Live updates are not available: ${error.message}`);
    }
    if (ready) render(view.getSnapshot());
  });
  view.ready.then(
    () => {
      ready = true;
      render(view.getSnapshot());
    },
    (error: unknown) => {
      if (unauthenticated(error)) return signInAgain();
      if (reported) return;
      reported = true;
      showNotice(`Live updates are not available: ${error instanceof Error ? error.message : String(error)}`);
    },
  );
}

const element = (id: string): Element | null => document.getElementById(id);
// The same queries the server read the page with (page-data.ts), so the records match; they
// are the wire records of those reads (views.ts types only the fields the views use).
const from = <T>(initial: readonly object[] | undefined): { from: number; initial: readonly T[] } | undefined =>
  loaded && initial ? { from: loaded.seq, initial: initial as readonly T[] } : undefined;

// A list page announces who views it and whose title field is open (presence-ui.ts); its
// todos are rendered through the in-place title editor, which keeps an open field (title-editor.ts).
const todosBox = element('todos');
const listHeader = element('list-header');
const listPresence = listId === undefined || todosBox === null || listHeader === null ? undefined
  : startListPresence({ client, listUri: listPath(listId), user: viewer.user, todos: todosBox, after: listHeader, onError: (error) => console.warn('[presence]', error) });
const titleEditor = todosBox === null ? undefined : createTitleEditor({
  container: todosBox,
  save: (todoId, title) => todosApi.patch(todoId, { title }),
  onEditing: (todoId) => listPresence?.editing(todoId),
  afterRender: () => listPresence?.apply(),
  // Conflicts were shown by the client's 'conflict' event.
  onError: (error) => (unauthenticated(error) ? signInAgain() : error instanceof ConflictError ? undefined : showNotice(error instanceof Error ? error.message : String(error))),
});

const allLists = listsApi.liveQuery(ALL_LISTS, from(loaded?.records.lists));
follow(allLists, (all) => {
  const linksBox = element('lists');
  if (linksBox) patchHtml(linksBox, renderListLinks(all, listId, viewer.user).value);
  const header = element('list-header');
  if (header === null || listId === undefined) return;
  const list = all.find((item) => item.id === listId);
  // Gone: deleted, or no longer shared with this user (it left their live query).
  patchHtml(header, (list ? renderListHeader(list, viewer) : renderDeletedList()).value);
  if (list === undefined) element('new-todo-form')?.remove();
  if (list === undefined) listPresence?.stop();
});

const listTodos = listId === undefined ? undefined : todosApi.liveQuery(todosOfList(listId), from(loaded?.records.todos));
if (listTodos) {
  follow(listTodos, (items) => {
    titleEditor?.render(renderTodoItems(sortByOrder(items), viewer).value);
  });
}

const runner = {
  lists: listsApi,
  todos: todosApi,
  currentTodos: () => listTodos?.getSnapshot() ?? [],
  user: viewer.user,
  membersOf: (id: string) => allLists.getSnapshot().find((list) => list.id === id)?.members,
  navigate: (path: string) => location.assign(path),
};

document.addEventListener('submit', (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  if (form.method !== 'post') return;
  // The same reading of the form as the server's: its resource URL, `_method` and fields.
  const data = new FormData(form, event.submitter);
  const method = formMethod(data);
  const action = method === undefined ? undefined : parseFormAction(new URL(form.action).pathname, method, data);
  // Sharing forms go to the server, which checks that the username names a user.
  if (action === undefined || action.kind === 'add-member' || action.kind === 'remove-member') return;
  event.preventDefault();
  showNotice('');
  // New-item forms empty at once, like the optimistic edits; a refusal puts the text back.
  const input = action.kind === 'create-todo' || action.kind === 'create-list' ? form.querySelector<HTMLInputElement>('input[name="title"]') : null;
  if (input) input.value = '';
  runFormAction(runner, action, data).catch((error: unknown) => {
    if (input) input.value = String(data.get('title') ?? '');
    // Conflicts were shown by the client's 'conflict' event; anything else is shown here.
    if (unauthenticated(error)) return signInAgain();
    if (!(error instanceof ConflictError)) showNotice(error instanceof Error ? error.message : String(error));
  });
});

// With JavaScript a checkbox acts as soon as it changes; its Save button is hidden.
document.addEventListener('change', (event) => {
  const target = event.target;
  if (target instanceof HTMLInputElement && target.type === 'checkbox' && target.form?.classList.contains('toggle')) target.form.requestSubmit();
});
