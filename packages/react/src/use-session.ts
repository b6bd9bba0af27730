import type { AuthSession } from '@syncline/client';
import { useCallback, useSyncExternalStore } from 'react';
import { useSynclineClient } from './provider.js';

// The server renders signed out: a session is the browser's to learn (`client.auth.refresh()`).
const serverSession = (): AuthSession => null;

/**
 * The client's session, `{ user, expiresAt }` or `null`, as `client.auth` holds it;
 * re-renders at sign-in, sign-out and when the server ends the session.
 *
 * @example
 * function Account() {
 *   const session = useSession();
 *   const client = useSynclineClient();
 *   return session ? <button onClick={() => client.auth.signOut()}>Sign out {session.user.username}</button> : <SignIn />;
 * }
 */
export function useSession(): AuthSession {
  const client = useSynclineClient();
  const subscribe = useCallback((listener: () => void) => client.auth.onChange(listener), [client]);
  const getSnapshot = useCallback(() => client.auth.session(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, serverSession);
}
