import { credentialsSchema, SynclineError, type FieldError } from '@syncline/protocol';
import { USERNAME_PATTERN } from './auth-resources.js';

/** The longest password accepted, at sign-up and sign-in alike (no account can have a longer one). */
export const MAX_PASSWORD_LENGTH = 200;
const MIN_PASSWORD_LENGTH = 8;
const USERNAME_RULE = '3 to 32 characters: letters, digits, ".", "_" or "-", starting with a letter or digit';

/** A username as stored: trimmed and lower-cased. */
export const normalizeUsername = (raw: string): string => raw.trim().toLowerCase();

/** `{"username", "password"}` from a request body (`credentialsSchema`), both strings (422 otherwise). */
export function credentialsOf(body: unknown): { username: string; password: string } {
  const parsed = credentialsSchema.safeParse(body);
  if (!parsed.success) {
    // One error per missing or mistyped member, whatever else is wrong with the body.
    const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const errors: FieldError[] = (['username', 'password'] as const).filter((name) => typeof record[name] !== 'string').map((name) => ({ path: [name], message: 'expected a string' }));
    throw new SynclineError('validation-failed', { detail: 'Send {"username", "password"}.', errors });
  }
  return { username: normalizeUsername(parsed.data.username), password: parsed.data.password };
}

/**
 * Refuses (422) a username or password that no account can have, before anything is
 * counted, looked up or hashed: a limiter never keeps a name longer than 32 characters, and
 * scrypt never runs on more than 200. Sign-up also asks for 8 characters at least.
 *
 * @example
 * checkCredentials(username, password, 'sign-up'); // throws validation-failed, naming each field
 */
export function checkCredentials(username: string, password: string, purpose: 'sign-up' | 'sign-in'): void {
  const errors: FieldError[] = [];
  if (!USERNAME_PATTERN.test(username)) errors.push({ path: ['username'], message: USERNAME_RULE });
  const tooShort = purpose === 'sign-up' && password.length < MIN_PASSWORD_LENGTH;
  if (tooShort || password.length > MAX_PASSWORD_LENGTH) errors.push({ path: ['password'], message: `${purpose === 'sign-up' ? MIN_PASSWORD_LENGTH : 1} to ${MAX_PASSWORD_LENGTH} characters` });
  if (purpose === 'sign-in' && password.length === 0) errors.push({ path: ['password'], message: `1 to ${MAX_PASSWORD_LENGTH} characters` });
  if (errors.length > 0) throw new SynclineError('validation-failed', { detail: 'The username or password is not acceptable.', errors });
}
