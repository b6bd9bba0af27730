import { describe, expectTypeOf, it } from 'vitest';
import { createClient, type AuthListener, type AuthSession, type ClientAuth, type SessionUser } from '../src/index.js';

describe('the client.auth types', () => {
  // Over HTTP nothing is sent until a request is made, and none is: only the types matter.
  const client = createClient({ url: 'http://127.0.0.1:9', transport: 'http' });
  client.close();

  it('sign-up and sign-in take a name and a password and resolve with a session that is never null', () => {
    expectTypeOf(client.auth).toEqualTypeOf<ClientAuth>();
    expectTypeOf(client.auth.signIn).parameters.toEqualTypeOf<[username: string, password: string]>();
    expectTypeOf(client.auth.signUp).parameters.toEqualTypeOf<[username: string, password: string]>();
    expectTypeOf(client.auth.signIn).returns.resolves.toEqualTypeOf<{ readonly user: SessionUser; readonly expiresAt: number }>();
    expectTypeOf(client.auth.signOut).returns.resolves.toBeVoid();
  });

  it('the state is a session or null, read and followed as useSyncExternalStore expects', () => {
    expectTypeOf(client.auth.session).returns.toEqualTypeOf<AuthSession>();
    expectTypeOf<null>().toExtend<AuthSession>();
    expectTypeOf(client.auth.user).returns.toEqualTypeOf<SessionUser | null>();
    expectTypeOf<SessionUser>().toEqualTypeOf<{ id: string; username: string }>();
    expectTypeOf(client.auth.onChange).parameter(0).toEqualTypeOf<AuthListener>();
    expectTypeOf(client.auth.onChange).returns.toEqualTypeOf<() => void>();
    expectTypeOf<Parameters<typeof client.auth.onChange>[0]>().toEqualTypeOf<(session: AuthSession) => void>();
    expectTypeOf(client.auth.refresh).returns.resolves.toEqualTypeOf<AuthSession>();
  });
});
