import { defineResource, where } from '@syncline/schema';
import { z } from 'zod';

/**
 * The app's one resource: `GET/POST /notes`, `GET/PUT/PATCH/DELETE /notes/<id>`, live over
 * the socket. Shared by the server and the page (this module imports no server code).
 */
export const notes = defineResource({
  name: 'notes',
  schema: z.object({
    text: z.string().trim().min(1).max(500),
    owner: z.string().default(''), // the user who wrote it, set by the server
  }),
  signedIn: true, // anonymous callers get 401
  fieldRules: { owner: { write: false } }, // no client sets or changes it
  rules: {
    // The read rule is a filter: each user reads only their own notes, on GET and on every pushed change.
    read: (ctx) => where({ owner: ctx.principal?.id ?? '' }),
    update: (ctx, note) => ctx.principal?.id === note.owner,
    delete: (ctx, note) => ctx.principal?.id === note.owner,
  },
  hooks: { beforeCreate: (ctx, data) => ({ ...data, owner: ctx.principal?.id ?? '' }) },
});
