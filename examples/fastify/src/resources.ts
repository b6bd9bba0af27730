import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/** A message board every signed-in user reads and writes; the server sets each message's author. */
export const messages = defineResource({
  name: 'messages',
  schema: z.object({
    text: z.string().min(1).max(500),
    author: z.string().default(''), // set by the server from the session
  }),
  signedIn: true, // anonymous callers get 401
  fieldRules: { author: { write: false } },
  rules: {
    update: (ctx, current) => ctx.principal?.id === current.author,
    delete: (ctx, current) => ctx.principal?.id === current.author,
  },
  hooks: { beforeCreate: (ctx, data) => ({ ...data, author: ctx.principal?.id ?? '' }) },
});
