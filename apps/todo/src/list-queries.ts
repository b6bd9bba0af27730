import type { QueryObject, RecordOf } from '@syncline/schema';
import type { lists, todos } from './resources.js';

/**
 * The collection queries the pages read on the server and the browser follows live: one
 * query each, checked against its resource when it compiles, so the page and its live view
 * never disagree on what they show.
 */

/**
 * Every list the caller may read, oldest first.
 *
 * @example
 * listsApi.liveQuery(ALL_LISTS);
 */
export const ALL_LISTS: QueryObject<RecordOf<typeof lists>> = { order: 'createdAt' };

/**
 * One list's todos in list order (`order`, ties by `id`, as `sortByOrder` sorts them).
 *
 * @example
 * todosApi.liveQuery(todosOfList(listId));
 */
export function todosOfList(listId: string): QueryObject<RecordOf<typeof todos>> {
  return { where: { list: listId }, order: 'order' };
}
