/** The fields ordering needs; both the server's records and the client's replica have them. */
export interface Ordered {
  readonly id: string;
  readonly order: number;
}

/**
 * Sorts like the collection query `order=order` (ascending `order`, ties by `id`), so pages
 * rendered on the server and lists rendered in the browser agree.
 *
 * @example
 * sortByOrder([{ id: 'b', order: 0 }, { id: 'a', order: 0 }]); // a, b
 */
export function sortByOrder<T extends Ordered>(todos: readonly T[]): T[] {
  return [...todos].sort((a, b) => a.order - b.order || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The `order` a new todo gets: after every existing one.
 *
 * @example
 * nextOrder([{ id: 'a', order: 3 }]); // 4
 */
export function nextOrder(todos: readonly Ordered[]): number {
  return todos.reduce((max, todo) => Math.max(max, todo.order + 1), 0);
}

/**
 * The `order` patches that move one todo a place up or down. Todos created through the JSON
 * API may share an `order` (the default is 0), so swapping two values is not enough: the
 * list is renumbered by position, and only the todos whose number changes are patched.
 *
 * @example
 * movePatches([{ id: 'a', order: 0 }, { id: 'b', order: 0 }], 'b', 'up'); // [{ id: 'a', order: 1 }]: b sorts first now
 */
export function movePatches(todos: readonly Ordered[], id: string, direction: 'up' | 'down'): { id: string; order: number }[] {
  const sorted = sortByOrder(todos);
  const from = sorted.findIndex((todo) => todo.id === id);
  const to = direction === 'up' ? from - 1 : from + 1;
  const moving = sorted[from];
  const other = sorted[to];
  if (moving === undefined || other === undefined) return [];
  sorted[from] = other;
  sorted[to] = moving;
  return sorted.flatMap((todo, index) => (todo.order === index ? [] : [{ id: todo.id, order: index }]));
}
