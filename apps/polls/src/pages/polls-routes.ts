/** The polls app's URLs: the resource's own (pages for browsers, JSON for programs) and its assets. */

/** The collection: every poll's page, where the creation form posts. */
export const POLLS_PATH = '/polls';
/** The browser script of the poll pages. */
export const POLLS_SCRIPT_PATH = '/assets/polls.js';
/** The stylesheet of the poll pages (the bar chart). */
export const POLLS_STYLESHEET_PATH = '/assets/polls.css';

/**
 * A poll's page and resource URL.
 *
 * @example
 * pollPath('42'); // '/polls/42'
 */
export const pollPath = (id: string): string => `${POLLS_PATH}/${encodeURIComponent(id)}`;
/**
 * Where a poll's vote form posts: its `vote` action.
 *
 * @example
 * votePath('42'); // '/polls/42/vote'
 */
export const votePath = (id: string): string => `${pollPath(id)}/vote`;

/** A URL of the polls resource: the collection, a poll, or an action of a poll. */
export type PollsTarget = { readonly kind: 'collection' } | { readonly kind: 'poll'; readonly id: string } | { readonly kind: 'action'; readonly id: string; readonly action: string };

/**
 * The polls URL a path names (the query is not part of it), or undefined for any other path.
 *
 * @example
 * parsePollsPath('/polls/42/vote'); // { kind: 'action', id: '42', action: 'vote' }
 */
export function parsePollsPath(path: string): PollsTarget | undefined {
  const match = /^\/polls(?:\/([^/]+)(?:\/([a-z][a-z0-9_-]*))?)?$/.exec(path);
  if (match === null) return undefined;
  const [, rawId, action] = match;
  if (rawId === undefined) return { kind: 'collection' };
  let id: string;
  try {
    id = decodeURIComponent(rawId);
  } catch {
    return undefined;
  }
  return action === undefined ? { kind: 'poll', id } : { kind: 'action', id, action };
}
