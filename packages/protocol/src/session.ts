import { z } from 'zod';

/** The path of the built-in sign-in: `POST` signs in, `GET` reads the session, `DELETE` signs out (protocol.md §4.6). */
export const SESSION_PATH = '/session';

/** The path of sign-up with the built-in sign-in: `POST` creates an account. */
export const USERS_PATH = '/users';

/** An account as the built-in sign-in names it: its id is its lower-cased username. */
export const sessionUserSchema = z.object({ id: z.string(), username: z.string() });
export type SessionUser = z.infer<typeof sessionUserSchema>;

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
