import type { ResourceClient } from '@syncline/client';
import type { lists, todos } from '../resources.js';
import type { FormAction } from '../pages/routes.js';
import { listPath } from '../pages/routes.js';
import { movePatches, nextOrder } from '../todo-order.js';

/** What the browser's forms act on. */
export interface FormRunnerOptions {
  readonly lists: ResourceClient<typeof lists>;
  readonly todos: ResourceClient<typeof todos>;
  /** The list page's todos as the live query holds them now (empty on the home page). */
  readonly currentTodos: () => readonly { id: string; order: number }[];
  /** The signed-in user, and the members of a list as the live query holds them now (undefined: not in sight). */
  readonly user: string;
  readonly membersOf: (listId: string) => readonly string[] | undefined;
  /** Navigates to another page (tests and the home page's "create" use it). */
  readonly navigate: (path: string) => void;
}

/**
 * Runs a form's action through the client instead of posting it: the change shows at once
 * (optimistic, in the replica), and is sent with `If-Match` from the replica. A refusal
 * rejects; the caller shows it. The same actions as the server's, so the page behaves the
 * same with and without JavaScript.
 *
 * @example
 * await runFormAction(options, { kind: 'toggle-todo', todoId, done: true }, new FormData(form));
 */
export async function runFormAction(options: FormRunnerOptions, action: FormAction, form: FormData): Promise<void> {
  const title = String(form.get('title') ?? '');
  switch (action.kind) {
    case 'create-list': {
      const list = await options.lists.create({ title });
      return options.navigate(listPath(list.id));
    }
    case 'rename-list':
      await options.lists.patch(action.listId, { title });
      return;
    case 'delete-list':
      await options.lists.delete(action.listId);
      return options.navigate('/');
    case 'create-todo':
      await options.todos.create({ title, list: action.listId, order: nextOrder(options.currentTodos()) });
      return;
    case 'toggle-todo':
      await options.todos.patch(action.todoId, { done: action.done });
      return;
    case 'edit-todo':
      await options.todos.patch(action.todoId, { title });
      return;
    case 'delete-todo':
      await options.todos.delete(action.todoId);
      return;
    case 'add-member':
    case 'remove-member':
      // Posted to the server as they are (it checks the username); the page script does not intercept them.
      throw new Error('Sharing forms are posted to the server.');
    case 'leave-list': {
      // The members without this user: the one change of a list's sharing a member may make.
      const members = options.membersOf(action.listId);
      if (members !== undefined) await options.lists.patch(action.listId, { members: members.filter((member) => member !== options.user) });
      return options.navigate('/');
    }
    case 'move-todo': {
      // Every patch is optimistic, so the todo moves at once; they are sent together.
      await Promise.all(movePatches(options.currentTodos(), action.todoId, action.direction).map((patch) => options.todos.patch(patch.id, { order: patch.order })));
      return;
    }
  }
}
