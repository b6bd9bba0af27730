import { problemSchema, type Problem } from '@syncline/protocol';
import type { Outcome } from '@syncline/server';
import { USERNAME } from '../resources.js';
import { movePatches, nextOrder } from '../todo-order.js';
import { listTodosUri, readAll, readOne, run, type Caller } from './page-data.js';
import { listPath, type FormAction } from './routes.js';
import type { FormValues, ListItem, TodoItem } from './views.js';

/** What a form post leads to: back to a page (303), or the page again with a message. */
export type ActionResult =
  | { readonly kind: 'redirect'; readonly location: string }
  | { readonly kind: 'refused'; readonly status: number; readonly message: string; readonly page: string; readonly values: FormValues };

/**
 * A user-facing message for a refused operation. Validation (422) names the field; a failed
 * `If-Match` (412) means someone else changed the record since this page was rendered.
 *
 * @example
 * refusalMessage({ status: 412, headers: {}, body: {} }); // 'Someone else changed this meanwhile…'
 */
export function refusalMessage(outcome: Outcome): string {
  const parsed = problemSchema.safeParse(outcome.body);
  const problem: Partial<Problem> = parsed.success ? parsed.data : {};
  if (outcome.status === 412) return 'Someone else changed this meanwhile, so your change was not applied. The page now shows the current version.';
  if (outcome.status === 404) return 'It was deleted meanwhile, or is no longer shared with you.';
  if (outcome.status === 403) return 'Only the owner of this list may do that.';
  if (outcome.status === 429) return problem.detail ?? 'Too many changes at once; try again in a minute.';
  if (problem.errors?.some((error) => error.path[0] === 'title')) return 'Please enter a title (it cannot be empty or too long).';
  // A share with a name that is no account: the server's message names it.
  const members = problem.errors?.find((error) => error.path[0] === 'members')?.message;
  if (members !== undefined) return members;
  return problem.detail ?? problem.title ?? `The change was refused (${outcome.status}).`;
}

const ok = (outcome: Outcome): boolean => outcome.status >= 200 && outcome.status < 300;
const etag = (form: URLSearchParams): { ifMatch?: string } => {
  const version = form.get('version');
  return version && /^\d+$/.test(version) ? { ifMatch: `"${version}"` } : {};
};
const todoUri = (id: string): string => `/todos/${encodeURIComponent(id)}`;
const listUri = (id: string): string => `/lists/${encodeURIComponent(id)}`;

/**
 * Runs one form post as Syncline operations (the same pipeline, rules and change log as
 * every other write) and says where the browser goes next (Post/Redirect/Get).
 *
 * @example
 * await performAction({ syncline, context }, { kind: 'create-list' }, new URLSearchParams('title=Groceries'), '/lists');
 */
export async function performAction(caller: Caller, action: FormAction, form: URLSearchParams, from: string): Promise<ActionResult> {
  const title = form.get('title') ?? '';
  const result = (outcome: Outcome, success: string, page: string, values: FormValues = {}): ActionResult =>
    ok(outcome) ? { kind: 'redirect', location: success } : { kind: 'refused', status: outcome.status === 412 ? 409 : outcome.status, message: refusalMessage(outcome), page, values };

  switch (action.kind) {
    case 'create-list': {
      const outcome = await run(caller, 'POST', '/lists', { body: { title } });
      return result(outcome, ok(outcome) ? listPath(String((outcome.body as { id: string }).id)) : '/', '/', { 'new-list': title });
    }
    case 'rename-list': {
      const page = listPath(action.listId);
      return result(await run(caller, 'PATCH', listUri(action.listId), { body: { title }, ...etag(form) }), page, page, { 'list-title': title });
    }
    case 'delete-list':
      return result(await run(caller, 'DELETE', listUri(action.listId), etag(form)), '/', listPath(action.listId));
    case 'create-todo': {
      const page = listPath(action.listId);
      const { items } = await readAll<TodoItem>(caller, listTodosUri(action.listId));
      const outcome = await run(caller, 'POST', '/todos', { body: { title, list: action.listId, order: nextOrder(items) } });
      return result(outcome, page, page, { 'new-todo': title });
    }
    case 'add-member':
    case 'remove-member':
      return memberAction(caller, action, result);
    case 'leave-list':
      return leaveList(caller, action.listId, result);
    default:
      return todoAction(caller, action, { form, from }, result);
  }
}

type Result = (outcome: Outcome, success: string, page: string, values?: FormValues) => ActionResult;

/**
 * Shares a list with one more user, or stops sharing it with one. The username must name a
 * user (checked as the caller, who may read usernames); the rules let only the owner
 * change `members` (403 otherwise). Read and written with `If-Match`, so a concurrent change
 * of the members is never overwritten (409, the page again).
 */
async function memberAction(caller: Caller, action: Extract<FormAction, { kind: 'add-member' | 'remove-member' }>, result: Result): Promise<ActionResult> {
  const page = listPath(action.listId);
  const values = action.kind === 'add-member' ? { 'add-member': action.username } : {};
  const { record: list } = await readOne<ListItem>(caller, listUri(action.listId));
  if (list === undefined) return { kind: 'refused', status: 404, message: 'This list was deleted, or is no longer shared with you.', page: '/', values: {} };
  let members = list.members.filter((member) => member !== action.username);
  if (action.kind === 'add-member') {
    const refuse = (message: string): ActionResult => ({ kind: 'refused', status: 422, message, page, values });
    if (!USERNAME.test(action.username)) return refuse('Please enter a username (3 to 32 letters, digits, “.”, “_” or “-”).');
    if (action.username === list.owner) return refuse('That is the owner of this list.');
    const user = await run(caller, 'GET', `/users/${encodeURIComponent(action.username)}`);
    if (user.status !== 200) return refuse(`There is no user “${action.username}”.`);
    members = [...members, action.username];
  }
  return result(await run(caller, 'PATCH', listUri(action.listId), { body: { members }, ifMatch: `"${list.version}"` }), page, page, values);
}

/**
 * A member leaves a list: the members without the caller, written with `If-Match` (the
 * rules let a member make exactly this change of `members`). Then home: the list is gone
 * from the caller's sight.
 */
async function leaveList(caller: Caller, listId: string, result: Result): Promise<ActionResult> {
  const page = listPath(listId);
  const { record: list } = await readOne<ListItem>(caller, listUri(listId));
  if (list === undefined) return { kind: 'redirect', location: '/' };
  const me = caller.context.principal?.id;
  return result(await run(caller, 'PATCH', listUri(listId), { body: { members: list.members.filter((member) => member !== me) }, ifMatch: `"${list.version}"` }), '/', page);
}

/** A todo's action, from the form's fields posted on the page `from`. */
async function todoAction(caller: Caller, action: Extract<FormAction, { todoId: string }>, { form, from }: { form: URLSearchParams; from: string }, result: Result): Promise<ActionResult> {
  const uri = todoUri(action.todoId);
  const { record: todo } = await readOne<TodoItem & { list: string }>(caller, uri);
  if (todo === undefined) return { kind: 'refused', status: 404, message: 'That todo was deleted meanwhile.', page: from, values: {} };
  const page = listPath(todo.list);
  switch (action.kind) {
    case 'toggle-todo':
      return result(await run(caller, 'PATCH', uri, { body: { done: action.done }, ...etag(form) }), page, page);
    case 'edit-todo': {
      const title = form.get('title') ?? '';
      return result(await run(caller, 'PATCH', uri, { body: { title }, ...etag(form) }), page, page, { [`title-${todo.id}`]: title });
    }
    case 'delete-todo':
      return result(await run(caller, 'DELETE', uri, etag(form)), page, page);
    case 'move-todo': {
      const { items } = await readAll<TodoItem>(caller, listTodosUri(todo.list));
      for (const patch of movePatches(items, todo.id, action.direction)) {
        const outcome = await run(caller, 'PATCH', todoUri(patch.id), { body: { order: patch.order } });
        if (!ok(outcome)) return result(outcome, page, page);
      }
      return { kind: 'redirect', location: page };
    }
  }
}
