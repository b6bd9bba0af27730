/**
 * The app's form actions, by path. Shared by the server (which runs them for browsers
 * without JavaScript) and the browser script (which runs the same forms through the client).
 */
export type FormAction =
  | { readonly kind: 'create-list' }
  | { readonly kind: 'rename-list'; readonly listId: string }
  | { readonly kind: 'delete-list'; readonly listId: string }
  | { readonly kind: 'create-todo'; readonly listId: string }
  | { readonly kind: 'toggle-todo'; readonly todoId: string }
  | { readonly kind: 'edit-todo'; readonly todoId: string }
  | { readonly kind: 'move-todo'; readonly todoId: string }
  | { readonly kind: 'delete-todo'; readonly todoId: string };

const ID = '([^/]+)';
const PATTERNS: readonly [RegExp, (id: string) => FormAction][] = [
  [/^\/app\/lists$/, () => ({ kind: 'create-list' })],
  [new RegExp(`^/app/lists/${ID}/rename$`), (listId) => ({ kind: 'rename-list', listId })],
  [new RegExp(`^/app/lists/${ID}/delete$`), (listId) => ({ kind: 'delete-list', listId })],
  [new RegExp(`^/app/lists/${ID}/todos$`), (listId) => ({ kind: 'create-todo', listId })],
  [new RegExp(`^/app/todos/${ID}/toggle$`), (todoId) => ({ kind: 'toggle-todo', todoId })],
  [new RegExp(`^/app/todos/${ID}/edit$`), (todoId) => ({ kind: 'edit-todo', todoId })],
  [new RegExp(`^/app/todos/${ID}/move$`), (todoId) => ({ kind: 'move-todo', todoId })],
  [new RegExp(`^/app/todos/${ID}/delete$`), (todoId) => ({ kind: 'delete-todo', todoId })],
];

/**
 * The form action a POST path names, or undefined.
 *
 * @example
 * parseFormAction('/app/todos/42/toggle'); // { kind: 'toggle-todo', todoId: '42' }
 */
export function parseFormAction(path: string): FormAction | undefined {
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(path);
    if (match) return build(decodeURIComponent(match[1] ?? ''));
  }
  return undefined;
}

/** The page of one list. */
export const listPath = (listId: string): string => `/app/lists/${encodeURIComponent(listId)}`;
/** Where a todo's forms post. */
export const todoPath = (todoId: string, action: string): string => `/app/todos/${encodeURIComponent(todoId)}/${action}`;
