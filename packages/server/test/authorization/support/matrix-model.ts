/** What each user of the authorization matrix may see: the model the servers are checked against. */
import type { Query } from './matrix-commands.js';

// ---------------------------------------------------------------------------------------
// The model.

export interface ModelList {
  id: string;
  title: string;
  owner: string;
  members: string[];
}
export interface ModelTodo {
  id: string;
  title: string;
  done: boolean;
  list: string;
}

export class Model {
  readonly lists = new Map<string, ModelList>();
  readonly todos = new Map<string, ModelTodo>();
  /** Every id ever created, in order (deleted ones stay, so commands can aim at them). */
  readonly listIds: string[] = [];
  readonly todoIds: string[] = [];

  /** A copy of the records (what each user could see after one step). */
  snapshot(): Model {
    const copy = new Model();
    for (const [id, list] of this.lists) copy.lists.set(id, { ...list, members: [...list.members] });
    for (const [id, todo] of this.todos) copy.todos.set(id, { ...todo });
    return copy;
  }

  listId(index: number): string {
    return this.listIds.length === 0 ? 'no-such-list' : (this.listIds[index % this.listIds.length] as string);
  }
  todoId(index: number): string {
    return this.todoIds.length === 0 ? 'no-such-todo' : (this.todoIds[index % this.todoIds.length] as string);
  }
  canSeeList(user: string, id: string): boolean {
    const list = this.lists.get(id);
    return list !== undefined && (list.owner === user || list.members.includes(user));
  }
  canSeeTodo(user: string, id: string): boolean {
    const todo = this.todos.get(id);
    return todo !== undefined && this.canSeeList(user, todo.list);
  }
  canSee(user: string, resource: 'lists' | 'todos', id: string): boolean {
    return resource === 'lists' ? this.canSeeList(user, id) : this.canSeeTodo(user, id);
  }
  /** What the user may see of a query: id → the fields a client should get. */
  visible(user: string, query: ResolvedQuery): Map<string, Record<string, unknown>> {
    const result = new Map<string, Record<string, unknown>>();
    const source: Map<string, ModelList | ModelTodo> = query.resource === 'lists' ? this.lists : this.todos;
    for (const record of source.values()) {
      if (this.canSee(user, query.resource, record.id) && query.matches(record)) result.set(record.id, { ...record });
    }
    return result;
  }
}

export interface ResolvedQuery {
  readonly resource: 'lists' | 'todos';
  readonly uri: string;
  readonly record: boolean;
  readonly matches: (record: ModelList | ModelTodo) => boolean;
}

export function resolve(model: Model, query: Query, user: string): ResolvedQuery {
  switch (query.kind) {
    case 'myList': {
      const mine = model.listIds.filter((id) => model.canSeeList(user, id));
      return resolve(model, mine.length === 0 ? { kind: 'list', list: query.list } : { kind: 'list', list: model.listIds.indexOf(mine[query.list % mine.length] as string) }, user);
    }
    case 'myTodo': {
      const mine = model.todoIds.filter((id) => model.canSeeTodo(user, id));
      return resolve(model, mine.length === 0 ? { kind: 'todo', todo: query.todo } : { kind: 'todo', todo: model.todoIds.indexOf(mine[query.todo % mine.length] as string) }, user);
    }
    case 'lists':
      return { resource: 'lists', uri: '/lists?limit=500', record: false, matches: () => true };
    case 'todos':
      return { resource: 'todos', uri: '/todos?limit=500', record: false, matches: () => true };
    case 'todosOfList': {
      const list = model.listId(query.list);
      return { resource: 'todos', uri: `/todos?list=${encodeURIComponent(list)}&limit=500`, record: false, matches: (r) => (r as ModelTodo).list === list };
    }
    case 'todosNotDone':
      return { resource: 'todos', uri: '/todos?done=false&limit=500', record: false, matches: (r) => !(r as ModelTodo).done };
    case 'list': {
      const id = model.listId(query.list);
      return { resource: 'lists', uri: `/lists/${id}`, record: true, matches: (r) => r.id === id };
    }
    case 'todo': {
      const id = model.todoId(query.todo);
      return { resource: 'todos', uri: `/todos/${id}`, record: true, matches: (r) => r.id === id };
    }
  }
}
