import { createClient, type SynclineClient } from '@syncline/client';

/** Creates an account with the built-in password sign-in (`POST /users`). */
export async function signUp(url: string, username: string, password: string): Promise<void> {
  const client = createClient({ url });
  try {
    await client.auth.signUp(username, password);
  } finally {
    client.close();
  }
}

/** A client signed in as `username`: its token goes with every request and the socket. */
export async function signIn(url: string, username: string, password: string): Promise<SynclineClient> {
  const client = createClient({ url });
  try {
    await client.auth.signIn(username, password); // a wrong password rejects: 401 `unauthenticated`
    return client;
  } catch (error) {
    client.close();
    throw error;
  }
}
