import { defineResource, or, where, type RecordFilter, type RequestContext } from '@syncline/schema';
import { z } from 'zod';
import { addedMembers, checkNewMembers, leavesList, ownsList, type ListOptions } from './list-sharing.js';

export { sameArray } from './list-sharing.js';

/**
 * The TODO demo's resources. This module imports no server code: the browser client
 * imports the same definitions for its types and validation.
 *
 * Every list has an `owner` (the user who created it, set by the server) and `members`
 * (usernames it is shared with). A list and its todos are visible to its owner and members,
 * and its todos writable by them; only the owner renames, shares or deletes the list, and a
 * member may leave it (take themselves out of `members`). Anonymous callers get 401.
 */

/** Usernames as the built-in sign-in accepts them (the server's `USERNAME_PATTERN`). */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** The fields both resources share: who owns the list, and who it is shared with. */
type SharedRecord = { owner: string; members: string[] };

/** The records a caller may read: those it owns or is a member of (nothing when anonymous). */
export function ownerOrMember(ctx: RequestContext): boolean | RecordFilter<SharedRecord> {
  const id = ctx.principal?.id;
  if (id === undefined) return false;
  return or(where({ owner: id }), { field: 'members', op: 'contains', value: id });
}

/**
 * The `lists` resource. The browser imports {@link lists}; the server defines its own with
 * `beforeShare` (the demo's rate limit of sharing), which only the server runs.
 *
 * @example
 * const serverLists = defineLists({ beforeShare: createShareLimit({ maxNewMembers: 20, windowMs: 60_000 }) });
 */
export function defineLists(options: ListOptions = {}) {
  return defineResource({
    name: 'lists',
    schema: z.object({
      title: z.string().trim().min(1).max(200),
      /** The user who created the list; set by the server, never by a client. */
      owner: z.string().default(''),
      /** Usernames (accounts) the list is shared with; the owner changes them, a member may take themselves out. */
      members: z.array(z.string().regex(USERNAME)).max(100).default([]),
    }),
    // Decided per field, so a refusal names the field (403 with its path).
    fieldRules: {
      owner: { write: false },
      title: { write: ownsList },
      members: { write: (ctx, write) => ownsList(ctx, write) || leavesList(ctx, write) },
    },
    signedIn: true,
    rules: {
      read: ownerOrMember,
      delete: (ctx, current) => ctx.principal?.id === current.owner,
    },
    hooks: {
      beforeCreate: async (ctx, data, read) => {
        await checkNewMembers(ctx, addedMembers([], data.members), read, options);
        return { ...data, owner: ctx.principal?.id ?? '' };
      },
      beforeUpdate: (ctx, next, current, read) => checkNewMembers(ctx, addedMembers(current.members, next.members), read, options),
    },
    indexes: [['createdAt'], ['owner']],
  });
}

export const lists = defineLists();

export const todos = defineResource({
  name: 'todos',
  schema: z.object({
    title: z.string().trim().min(1).max(500),
    done: z.boolean().default(false),
    /** The list this todo belongs to; deleting the list deletes its todos. */
    list: z.string(),
    /** Position within the list (ascending). */
    order: z.number().default(0),
    /** The list's owner and members, copied from it and kept equal by the server: they decide who sees the todo. Never served. */
    owner: z.string().default(''),
    members: z.array(z.string()).default([]),
  }),
  references: { list: { resource: 'lists', onDelete: 'cascade', inherit: ['owner', 'members'] } },
  fieldRules: { owner: { hidden: true }, members: { hidden: true } },
  signedIn: true,
  rules: { read: ownerOrMember },
  indexes: [['list', 'order']],
});

export const resources = [lists, todos];

/**
 * The resources as the server serves them, with its checks of sharing.
 *
 * @example
 * createSyncline({ resources: serverResources({ beforeShare }), … });
 */
export const serverResources = (options: ListOptions) => [defineLists(options), todos];
