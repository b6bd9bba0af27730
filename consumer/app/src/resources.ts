import { defineResource, or, where, type RecordFilter, type RequestContext } from '@syncline/schema';
import { z } from 'zod';

/**
 * A signed-in caller reads the shared notes and their own; an anonymous one reads nothing.
 * The return type names the fields the filter reads: a misspelt field would not compile.
 */
function sharedOrOwn(ctx: RequestContext): boolean | RecordFilter<{ shared: boolean; author: string }> {
  const id = ctx.principal?.id;
  if (id === undefined) return false;
  return or(where({ shared: true }), where({ author: id }));
}

/** Notes: the server sets each note's author; only the author changes or deletes it. */
export const notes = defineResource({
  name: 'notes',
  schema: z.object({
    text: z.string().min(1).max(500),
    shared: z.boolean().default(false),
    author: z.string().default(''),
  }),
  signedIn: true,
  fieldRules: { author: { write: false } },
  rules: {
    read: sharedOrOwn,
    update: (ctx, current) => ctx.principal?.id === current.author,
    delete: (ctx, current) => ctx.principal?.id === current.author,
  },
  hooks: { beforeCreate: (ctx, data) => ({ ...data, author: ctx.principal?.id ?? '' }) },
});
