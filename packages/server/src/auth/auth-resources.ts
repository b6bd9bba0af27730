import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/** Usernames: 3–32 characters, lower-case letters, digits, `.`, `_`, `-`; the username is the record's id. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/**
 * Accounts of the built-in password sign-in. `GET /users` and `/users/<username>` serve
 * usernames to signed-in callers; the password hash is a hidden field and never leaves
 * the server. Only the server creates users (`POST /users` is the sign-up route).
 */
export const users = defineResource({
  name: 'users',
  schema: z.object({
    username: z.string().regex(USERNAME_PATTERN),
    passwordHash: z.string(),
  }),
  fieldRules: { passwordHash: { hidden: true } },
  signedIn: true,
  rules: {
    create: (ctx) => ctx.transport === 'internal',
    update: (ctx) => ctx.transport === 'internal',
    delete: (ctx, current) => ctx.transport === 'internal' || ctx.principal?.id === current.id,
  },
});

/**
 * Signed-in sessions, by the SHA-256 of their token (a leaked database holds no usable
 * token). Internal: no URI serves it. Deleting one (sign-out) is a logged change, so every
 * server process sees it and closes that session's sockets.
 */
export const sessions = defineResource({
  name: 'sessions',
  schema: z.object({
    user: z.string(),
    /** Milliseconds since the epoch. */
    expiresAt: z.number().int(),
  }),
  internal: true,
  indexes: [['expiresAt']],
});
