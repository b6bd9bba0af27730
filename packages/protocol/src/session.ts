import { z } from 'zod';

/** The path of the built-in sign-in: `POST` signs in, `GET` reads the session, `DELETE` signs out (protocol.md §4.6). */
export const SESSION_PATH = '/session';

/** The path of sign-up with the built-in sign-in: `POST` creates an account. */
export const USERS_PATH = '/users';

/**
 * Upstream, as the body of `POST /users` (sign-up) and `POST /session` (sign-in): both members
 * are strings; what a username or password may hold is the server's to check (422).
 *
 * @example
 * { "username": "ana", "password": "correct horse battery" }
 */
export const credentialsSchema = z.object({ username: z.string(), password: z.string() });
export type Credentials = z.infer<typeof credentialsSchema>;

/** An account as the built-in sign-in names it: its id is its lower-cased username. */
export const sessionUserSchema = z.object({ id: z.string(), username: z.string() });
export type SessionUser = z.infer<typeof sessionUserSchema>;

/**
 * Downstream, as the 201 body of `POST /users`: the account created (its `Location` is
 * `/users/<id>`).
 *
 * @example
 * { "id": "ana", "username": "ana" }
 */
export const signedUpSchema = sessionUserSchema;

/**
 * Downstream, as the 200 body of `GET /session`: who the caller is and when the session ends
 * (milliseconds since the epoch).
 *
 * @example
 * { "user": { "id": "ana", "username": "ana" }, "expiresAt": 1795947126000 }
 */
export const sessionInfoSchema = z.object({ user: sessionUserSchema, expiresAt: z.number() });
export type SessionState = z.infer<typeof sessionInfoSchema>;

/**
 * Downstream, as the 201 body of `POST /session`: the session and its bearer token.
 *
 * @example
 * { "token": "Yp2…", "user": { "id": "ana", "username": "ana" }, "expiresAt": 1795947126000 }
 */
export const signedInSchema = sessionInfoSchema.extend({ token: z.string().min(1) });
export type SignedInAnswer = z.infer<typeof signedInSchema>;
