import { createClient, type SynclineClient } from '@syncline/client';

/** Creates an account with the built-in password sign-in (`POST /users`). */
export async function signUp(url: string, username: string, password: string): Promise<void> {
  const response = await post(url, '/users', { username, password });
  if (!response.ok) throw new Error(`Sign-up refused: ${response.status}`);
}

/** Signs in (`POST /session`) and returns a client that sends the session's token. */
export async function signIn(url: string, username: string, password: string): Promise<SynclineClient> {
  const response = await post(url, '/session', { username, password });
  if (!response.ok) throw new Error(`Sign-in refused: ${response.status}`);
  const { token } = (await response.json()) as { token: string };
  return createClient({ url, token: () => token }); // sent on every request and on the socket
}

function post(url: string, path: string, body: unknown): Promise<Response> {
  return fetch(new URL(path, url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
}
