import { defineResource, or, where, type Filter, type RequestContext } from '@syncline/schema';
import { z } from 'zod';

/**
 * The TODO demo's resources. This module imports no server code: the browser client
 * imports the same definitions for its types and validation.
 *
 * Every list has an `owner` (the user who created it, set by the server) and `members`
 * (usernames it is shared with, changed by the owner only). A list and its todos are
 * visible to, and writable by, its owner and members; anonymous callers get 401.
 */

/** Usernames as the built-in sign-in accepts them (the server's `USERNAME_PATTERN`). */
export const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/** The records a caller may read: those it owns or is a member of (nothing when anonymous). */
export function ownerOrMember(ctx: RequestContext): boolean | Filter {
  const id = ctx.principal?.id;
  if (id === undefined) return false;
  return or(where({ owner: id }), { field: 'members', op: 'contains', value: id });
}

/** Whether two member lists hold the same usernames in the same order. */
export function sameArray(a: readonly unknown[] | undefined, b: readonly unknown[] | undefined): boolean {
  const left = a ?? [];
  const right = b ?? [];
  return left.length === right.length && left.every((value, i) => value === right[i]);
}

export const lists = defineResource({
  name: 'lists',
  schema: z.object({
    title: z.string().trim().min(1).max(200),
    /** The user who created the list; set by the server, never by a client. */
    owner: z.string().default(''),
    /** Usernames the list is shared with; only the owner changes them. */
    members: z.array(z.string().regex(USERNAME)).max(100).default([]),
  }),
  fieldRules: { owner: { write: false } },
  signedIn: true,
  rules: {
    read: ownerOrMember,
    update: (ctx, current, next) => ctx.principal?.id === current.owner || sameArray(current.members, next.members),
    delete: (ctx, current) => ctx.principal?.id === current.owner,
  },
  hooks: {
    beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }),
  },
  indexes: [['createdAt'], ['owner']],
});

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
