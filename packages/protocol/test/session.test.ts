import { describe, expect, it } from 'vitest';
import { credentialsSchema, sessionInfoSchema, signedInSchema, signedUpSchema } from '../src/index.js';

describe('sign-in messages (protocol.md §4.6)', () => {
  it('takes credentials as two strings', () => {
    expect(credentialsSchema.parse({ username: 'ana', password: 'correct horse battery' })).toEqual({ username: 'ana', password: 'correct horse battery' });
    expect(credentialsSchema.safeParse({ username: 'ana' }).success).toBe(false);
    expect(credentialsSchema.safeParse({ username: 'ana', password: 12345678 }).success).toBe(false);
  });

  it('reads the documented answers of POST /users, POST /session and GET /session', () => {
    expect(signedUpSchema.parse({ id: 'ana', username: 'ana' })).toEqual({ id: 'ana', username: 'ana' });
    const signedIn = { token: 'Yp2', user: { id: 'ana', username: 'ana' }, expiresAt: 1795947126000 };
    expect(signedInSchema.parse(signedIn)).toEqual(signedIn);
    expect(signedInSchema.safeParse({ ...signedIn, token: '' }).success).toBe(false);
    expect(sessionInfoSchema.safeParse({ user: { id: 'ana' }, expiresAt: 1 }).success).toBe(false);
  });
});
