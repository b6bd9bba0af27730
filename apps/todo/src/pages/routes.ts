import { sameOriginPath } from '@syncline/demo-kit/redirect';
/**
 * The app's form actions. Forms post to the resource URLs themselves (`/lists`,
 * `/lists/<id>`, `/todos`, `/todos/<id>`), with a hidden `_method` field for PUT, PATCH and
 * DELETE (HTML forms can only send GET and POST). Shared by the server (which runs them for
 * browsers without JavaScript) and the browser script (which runs the same forms through the client).
 */
export type FormAction =
  | { readonly kind: 'create-list' }
  | { readonly kind: 'rename-list'; readonly listId: string }
  | { readonly kind: 'delete-list'; readonly listId: string }
  | { readonly kind: 'add-member'; readonly listId: string; readonly username: string }
  | { readonly kind: 'remove-member'; readonly listId: string; readonly username: string }
  | { readonly kind: 'leave-list'; readonly listId: string }
  | { readonly kind: 'create-todo'; readonly listId: string }
  | { readonly kind: 'toggle-todo'; readonly todoId: string; readonly done: boolean }
  | { readonly kind: 'edit-todo'; readonly todoId: string }
  | { readonly kind: 'move-todo'; readonly todoId: string; readonly direction: 'up' | 'down' }
  | { readonly kind: 'delete-todo'; readonly todoId: string };

/** The fields of a posted form: `URLSearchParams` on the server, `FormData` in the browser. */
export interface FormFields {
  get(name: string): unknown;
  getAll(name: string): unknown[];
  has(name: string): boolean;
}

/** A resource URL of the app: a collection (`/todos`) or one record (`/todos/<id>`). */
export interface ResourcePath {
  readonly resource: 'lists' | 'todos';
  readonly id?: string;
}

/**
 * The resource a path names (the query is not part of it), or undefined for any other path.
 *
 * @example
 * parseResourcePath('/todos/42'); // { resource: 'todos', id: '42' }
 */
export function parseResourcePath(path: string): ResourcePath | undefined {
  const match = /^\/(lists|todos)(?:\/([^/]+))?$/.exec(path);
  if (match === null) return undefined;
  const resource = match[1] as 'lists' | 'todos';
  if (match[2] === undefined) return { resource };
  try {
    return { resource, id: decodeURIComponent(match[2]) };
  } catch {
    return undefined;
  }
}

/** The methods a form may ask for through `_method` (POST when absent). */
const FORM_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The method a posted form asks for: its `_method` field (PUT, PATCH, DELETE), or POST.
 * Undefined for any other value.
 *
 * @example
 * formMethod(new URLSearchParams('_method=delete')); // 'DELETE'
 */
export function formMethod(form: FormFields): string | undefined {
  const value = form.get('_method');
  const method = typeof value === 'string' && value !== '' ? value.toUpperCase() : 'POST';
  return FORM_METHODS.has(method) ? method : undefined;
}

/** The form methods each kind of resource URL takes (for `Allow` on a 405). */
export const allowedFormMethods = (target: ResourcePath): string => (target.id === undefined ? 'POST' : 'PUT, PATCH, DELETE');

/**
 * The action a form posted to a resource URL with this method describes, or undefined.
 * PUT is taken as PATCH: a form carries only the fields it edits. Which PATCH of a todo it
 * is follows from its fields: `direction` moves it, `done` toggles it, `title` renames it.
 *
 * @example
 * parseFormAction('/todos/42', 'PATCH', new URLSearchParams('done=false&done=true')); // { kind: 'toggle-todo', todoId: '42', done: true }
 */
export function parseFormAction(path: string, method: string, form: FormFields): FormAction | undefined {
  const target = parseResourcePath(path);
  if (target === undefined) return undefined;
  const { resource, id } = target;
  const patch = method === 'PATCH' || method === 'PUT';
  if (id === undefined) {
    if (method !== 'POST') return undefined;
    if (resource === 'lists') return { kind: 'create-list' };
    const list = form.get('list');
    return typeof list === 'string' && list !== '' ? { kind: 'create-todo', listId: list } : undefined;
  }
  if (resource === 'lists') {
    if (patch && form.has('title')) return { kind: 'rename-list', listId: id };
    // Sharing: the owner's form names one username to add or to remove.
    const add = form.get('add-member');
    if (patch && typeof add === 'string') return { kind: 'add-member', listId: id, username: add.trim().toLowerCase() };
    const remove = form.get('remove-member');
    if (patch && typeof remove === 'string') return { kind: 'remove-member', listId: id, username: remove.trim().toLowerCase() };
    // A member's "Leave list": takes the caller out of the members.
    if (patch && form.has('leave')) return { kind: 'leave-list', listId: id };
    return method === 'DELETE' ? { kind: 'delete-list', listId: id } : undefined;
  }
  if (method === 'DELETE') return { kind: 'delete-todo', todoId: id };
  if (!patch) return undefined;
  if (form.has('direction')) return { kind: 'move-todo', todoId: id, direction: form.get('direction') === 'up' ? 'up' : 'down' };
  // A checkbox sends nothing when unchecked: the toggle form also carries a hidden `done=false`.
  if (form.has('done')) return { kind: 'toggle-todo', todoId: id, done: form.getAll('done').includes('true') };
  if (form.has('title')) return { kind: 'edit-todo', todoId: id };
  return undefined;
}

/** The sign-in page (`next`: where to go once signed in, a path of this site). */
export const SIGN_IN_PATH = '/sign-in';
/** The sign-up page. */
export const SIGN_UP_PATH = '/sign-up';

/**
 * The sign-in page's URL that leads back to `next` once signed in.
 *
 * @example
 * signInPath('/lists/42'); // '/sign-in?next=%2Flists%2F42'
 */
export function signInPath(next?: string): string {
  return next === undefined || next === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?next=${encodeURIComponent(next)}`;
}

/**
 * A `next` value that is safe to redirect to and to put in a `Location` header: a path of
 * this site, percent-encoded where it held non-ASCII or control characters, or `/`
 * (`sameOriginPath` of the demo kit).
 *
 * @example
 * safeNext('https://evil.example/'); // '/'
 * safeNext('/lists/ä'); // '/lists/%C3%A4'
 */
export const safeNext = (next: unknown): string => sameOriginPath(next);

/** The page of one list (its resource URL: browsers get the page, programs the JSON). */
export const listPath = (listId: string): string => `/lists/${encodeURIComponent(listId)}`;
/** A todo's URL, where its forms post. */
export const todoPath = (todoId: string): string => `/todos/${encodeURIComponent(todoId)}`;
