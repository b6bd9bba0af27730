import { defineResource } from '@syncline/schema';
import { z } from 'zod';

/** Usernames: 3–32 characters, lower-case letters, digits, `.`, `_`, `-`; the username is the record's id. */
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{2,31}$/;

/**
 * Accounts of the built-in password sign-in. `GET /users` and `/users/<username>` serve
 * usernames to signed-in callers; the password hash is a hidden field and never leaves
 * the server. Only the server creates and changes users (`POST /users` is the sign-up
 * route); every write from outside is 403.
 *
 * Nobody deletes one, not even the server's own operations: the username is the id that
 * lists, members, votes and sessions refer to, so a deleted account would free its name,
 * and whoever signed up with it next would inherit all of that. To shut an account out,
 * the server replaces its `passwordHash` with a value no password matches and deletes its
 * sessions (docs/security.md); the record stays, and so does the name.
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
    delete: () => false,
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
