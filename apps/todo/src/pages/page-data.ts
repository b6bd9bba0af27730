import { collectionPageSchema } from '@syncline/protocol';
import { formatQueryObject, type RequestContext } from '@syncline/schema';
import type { Outcome, Syncline } from '@syncline/server';
import { ALL_LISTS, todosOfList } from '../list-queries.js';
import { lists, todos } from '../resources.js';
import type { ListItem, TodoItem } from './views.js';

/**
 * Who a page or a form acts for: the request's context (its signed-in user), so every read
 * and write goes through the same rules as that user's own requests.
 */
export interface Caller {
  readonly syncline: Syncline;
  readonly context: RequestContext;
}

/** Runs one operation through Syncline's pipeline as the caller, exactly as their HTTP request would. */
export function run({ syncline, context }: Caller, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', uri: string, options: { body?: unknown; ifMatch?: string } = {}): Promise<Outcome> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  if (options.ifMatch !== undefined) headers['if-match'] = options.ifMatch;
  return syncline.execute({ method, uri, headers, body: options.body, context });
}

const seqOf = (outcome: Outcome): number => Number(outcome.headers['syncline-seq'] ?? 0);

/**
 * Every record of a collection query (following `next`), and the lowest change-log position
 * among its pages: a subscription resumed from there misses nothing the page does not show.
 *
 * @example
 * const { items, seq } = await readAll<TodoItem>(caller, '/todos?list=1&order=order');
 */
export async function readAll<T>(caller: Caller, uri: string): Promise<{ items: T[]; seq: number }> {
  const items: T[] = [];
  let seq = Number.MAX_SAFE_INTEGER;
  let next: string | null = uri;
  while (next !== null) {
    const outcome = await run(caller, 'GET', next);
    if (outcome.status !== 200) throw new Error(`GET ${next} answered ${outcome.status}`);
    const page = collectionPageSchema.parse(outcome.body);
    // The records are the resource's, which the page's caller names.
    items.push(...(page.items as T[]));
    seq = Math.min(seq, seqOf(outcome));
    next = page.next;
  }
  return { items, seq };
}

/** One record, or undefined when it does not exist. */
export async function readOne<T>(caller: Caller, uri: string): Promise<{ record: T | undefined; seq: number }> {
  const outcome = await run(caller, 'GET', uri);
  return { record: outcome.status === 200 ? (outcome.body as T) : undefined, seq: seqOf(outcome) };
}

/** The URI of a list's todos in list order: the query the list page reads and its browser script follows. */
export function listTodosUri(listId: string): string {
  return `/todos?${formatQueryObject(todosOfList(listId), todos)}`;
}

/** What the list page shows. */
export interface ListPageData {
  readonly list: ListItem;
  readonly todos: TodoItem[];
  readonly lists: ListItem[];
  readonly seq: number;
}

/** Reads the home page's lists, oldest first. */
export function readLists(caller: Caller): Promise<{ items: ListItem[]; seq: number }> {
  return readAll<ListItem>(caller, `/lists?${formatQueryObject(ALL_LISTS, lists)}`);
}

/** Reads a list with its todos and the other lists; undefined when the list does not exist. */
export async function readListPage(caller: Caller, listId: string): Promise<ListPageData | undefined> {
  const one = await readOne<ListItem>(caller, `/lists/${encodeURIComponent(listId)}`);
  if (one.record === undefined) return undefined;
  const listTodos = await readAll<TodoItem>(caller, listTodosUri(listId));
  const allLists = await readLists(caller);
  return { list: one.record, todos: listTodos.items, lists: allLists.items, seq: Math.min(one.seq, listTodos.seq, allLists.seq) };
}
