/**
 * Test resources shaped like the TODO demo's sharing: a list has a server-set `owner` and
 * `members` (usernames, changed only by the owner); its todos inherit both and are visible
 * to, and writable by, the list's owner and members only. `secret` is a hidden field a
 * hook sets, so a test can prove hidden fields never leave the server.
 *
 * Todos have two record actions: `toggle` (flips `done`, for whoever reads the todo) and
 * `purge` (renames it, for the list's owner only), so the matrix checks that an action on
 * a todo the caller cannot read is 404, exactly as GET, before its `allow` is asked.
 *
 * `variant` builds deliberately wrong rules, to show that the authorization matrix can fail.
 */
import { defineAction, defineResource, or, where, type RecordFilter, type RequestContext } from '@syncline/schema';
import { z } from 'zod';
import type { ContextFactory } from '../../../src/index.js';

/** The marker every `secret` value starts with: it must never appear in anything a client receives. */
export const SECRET_MARK = 'S3CRET';

/** The title the `purge` action gives a todo. */
export const PURGED_TITLE = 'purged';

/** The fields lists and todos share. */
type SharedRecord = { owner: string; members: string[] };

/** The read rule of lists and todos: the owner and the members. */
export function ownerOrMember(ctx: RequestContext): boolean | RecordFilter<SharedRecord> {
  const id = ctx.principal?.id;
  if (id === undefined) return false;
  return or(where({ owner: id }), { field: 'members', op: 'contains', value: id });
}

export type RulesVariant =
  /** The rules as they should be. */
  | 'correct'
  /** Wrong: todos are readable by the list's owner only (members lose sight of them). */
  | 'todos-owner-only'
  /** Wrong: todos have no read rule at all (any signed-in user reads any todo). */
  | 'todos-unguarded';

const sameMembers = (a: readonly string[], b: readonly string[]): boolean => JSON.stringify(a) === JSON.stringify(b);

export function sharingResources(variant: RulesVariant = 'correct') {
  const lists = defineResource({
    name: 'lists',
    schema: z.object({
      title: z.string().min(1).max(200),
      owner: z.string(),
      members: z.array(z.string()).default([]),
    }),
    signedIn: true,
    fieldRules: { owner: { write: false } },
    rules: {
      read: ownerOrMember,
      // Owners and members may rename; only the owner may change the members.
      update: (ctx, current, next) => current.owner === ctx.principal?.id || sameMembers(current.members, next.members),
      delete: (ctx, current) => current.owner === ctx.principal?.id,
    },
    hooks: {
      beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }),
    },
  });

  const todoRead =
    variant === 'todos-owner-only'
      ? (ctx: RequestContext): boolean | RecordFilter<SharedRecord> => (ctx.principal ? where({ owner: ctx.principal.id }) : false)
      : variant === 'todos-unguarded'
        ? undefined
        : ownerOrMember;

  const todos = defineResource({
    name: 'todos',
    schema: z.object({
      title: z.string().min(1).max(500),
      done: z.boolean().default(false),
      list: z.string(),
      owner: z.string(),
      members: z.array(z.string()),
      secret: z.string(),
    }),
    signedIn: true,
    references: { list: { resource: 'lists', onDelete: 'cascade', inherit: ['owner', 'members'] } },
    indexes: [['list']],
    fieldRules: { owner: { hidden: true }, members: { hidden: true }, secret: { hidden: true } },
    rules: todoRead === undefined ? {} : { read: todoRead },
    hooks: {
      beforeCreate: (ctx, data) => ({ ...data, secret: `${SECRET_MARK}-${ctx.principal?.id ?? ''}` }),
    },
    actions: {
      toggle: defineAction({
        input: z.object({}),
        handler: async ({ record, tx }): Promise<void> => {
          await tx.update(todos, record.id, { done: !record['done'] });
        },
      }),
      purge: defineAction({
        input: z.object({}),
        allow: (ctx, record) => record !== undefined && record['owner'] === ctx.principal?.id,
        handler: async ({ record, tx }): Promise<void> => {
          await tx.update(todos, record.id, { title: PURGED_TITLE });
        },
      }),
    },
  });

  return { lists, todos, resources: [lists, todos] as const };
}

/** The principal is the `x-user` header (tests only), on HTTP and on the WebSocket upgrade. */
export const userFromHeader: ContextFactory = ({ transport, headers }) => {
  const user = headers['x-user'];
  return user ? { transport, principal: { id: user } } : { transport };
};
