import { defineResource, or, where } from '@syncline/schema';
import { z } from 'zod';

export const notes = defineResource({
  name: 'notes',
  schema: z.object({
    text: z.string().min(1),
    pinned: z.boolean().default(false),
    owner: z.string().default(''),               // the user who wrote it, set by the server
    sharedWith: z.array(z.string()).default([]), // usernames that may read it
  }),
  signedIn: true,                                // anonymous callers get 401
  fieldRules: { owner: { write: false } },       // no client sets or changes it
  rules: {
    // Each caller reads its own notes and those shared with it, on GET and on every pushed change.
    read: (ctx) => or(where({ owner: ctx.principal?.id ?? '' }), { field: 'sharedWith', op: 'contains', value: ctx.principal?.id ?? '' }),
    update: (ctx, current) => ctx.principal?.id === current.owner,
    delete: (ctx, current) => ctx.principal?.id === current.owner,
  },
  hooks: { beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }) },
});
