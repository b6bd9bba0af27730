import { SESSION_PATH, sessionInfoSchema, signedInSchema, signedUpSchema, SynclineError, USERS_PATH, type Credentials, type SessionUser } from '@syncline/protocol';
import { expectSuccess } from '../requests/answers.js';
import type { Transport } from '../requests/transport.js';

/** Who the client is signed in as, and until when (milliseconds since the epoch); `null` when anonymous or not known. */
export type AuthSession = { readonly user: SessionUser; readonly expiresAt: number } | null;

/** Called with the new session state each time it changes. */
export type AuthListener = (session: AuthSession) => void;

/**
 * Sign-in from the client, over the built-in password sign-in (protocol.md §4.6). A sign-in
 * keeps the session's bearer token in memory: every request, event stream and socket sends
 * it from then on (it wins over the `token` option), and live views start again from a
 * fresh snapshot as the new user. The state follows `useSyncExternalStore`'s shape:
 * `session()` is the snapshot (the same object until it changes), `onChange` the subscribe.
 *
 * @example
 * const { user } = await client.auth.signIn('ana', 'correct horse');
 * const stop = client.auth.onChange((session) => render(session?.user.username ?? 'signed out'));
 * await client.auth.signOut();
 */
export interface ClientAuth {
  /**
   * Creates the account (`POST /users`), then signs in with it. Rejects with the server's
   * `SynclineError`: `already-exists` (409), `validation-failed` (422), `rate-limited` (429,
   * `error.headers['retry-after']` in seconds), `unavailable` (503, or the server unreachable).
   * When the account was created but the sign-in failed, the account stays: call `signIn`.
   */
  signUp(username: string, password: string): Promise<NonNullable<AuthSession>>;
  /**
   * Signs in (`POST /session`), keeps the token and reconnects with it. Rejects with
   * `unauthenticated` (401, wrong name or password), `validation-failed` (422), `rate-limited`
   * (429 with `retry-after`), `unavailable` (503); the state is then unchanged.
   */
  signIn(username: string, password: string): Promise<NonNullable<AuthSession>>;
  /**
   * Ends the session on the server (`DELETE /session`), forgets the token and reconnects
   * anonymously; the `token` option is not asked again until the next sign-in. The local
   * state is anonymous even when the server cannot be told (the promise then rejects with
   * `unavailable`). The offline replica and its outbox stay: `client.destroy()` deletes them.
   */
  signOut(): Promise<void>;
  /** Asks the server who the client is (`GET /session`: a held token, the `token` option, or the browser's cookie) and updates the state. */
  refresh(): Promise<AuthSession>;
  /** The current state; the same object until it changes. */
  session(): AuthSession;
  /** The signed-in user, or `null`. */
  user(): SessionUser | null;
  /** Calls `listener` after each change of the state; returns the unsubscribe. */
  onChange(listener: AuthListener): () => void;
}

export interface ClientAuthOptions {
  /** HTTP requests to the sign-in routes, which the socket does not serve. */
  readonly http: Transport;
  /** The app's `token` option, used while no sign-in of this client holds one. */
  readonly appToken?: (() => string | undefined | Promise<string | undefined>) | undefined;
  /** The caller changed: live views must start again and the socket reconnect. */
  readonly onCallerChanged: () => void;
}

/** `client.auth` and what the client needs from it: the token to send, and the 4401/401 handling. */
export interface ClientAuthInternals {
  readonly auth: ClientAuth;
  /** The bearer token to send now, or undefined. */
  token(): Promise<string | undefined>;
  /**
   * The server ended a session (close 4401, or a stream's 401). Answers whether the app's
   * `onSessionEnded` should hear of it: not during `signOut()`, nor when the token this client
   * holds is still valid (the end was an older token's).
   */
  sessionEnded(): Promise<boolean>;
}

/**
 * Creates `client.auth` and its hooks into the client.
 *
 * @example
 * const { auth, token } = createClientAuth({ http, appToken: options.token, onCallerChanged: () => client.reconnect() });
 */
export function createClientAuth(options: ClientAuthOptions): ClientAuthInternals {
  let held: string | undefined;
  // After signOut(), the app's token names the ended session too: none is sent until a sign-in.
  let anonymous = false;
  let signingOut = 0;
  let state: AuthSession = null;
  const listeners = new Set<AuthListener>();

  const setState = (next: AuthSession): void => {
    if (next === state || (next !== null && state !== null && next.user.id === state.user.id && next.expiresAt === state.expiresAt)) return;
    state = next;
    for (const listener of [...listeners]) listener(next);
  };
  const post = async (path: string, username: string, password: string) => {
    const body: Credentials = { username, password };
    return expectSuccess(await options.http.request({ method: 'POST', resource: path, body }));
  };

  const auth: ClientAuth = {
    async signUp(username, password) {
      signedUpSchema.parse((await post(USERS_PATH, username, password)).body);
      return auth.signIn(username, password);
    },
    async signIn(username, password) {
      const answer = signedInSchema.parse((await post(SESSION_PATH, username, password)).body);
      held = answer.token;
      anonymous = false;
      const session = { user: { id: answer.user.id, username: answer.user.username }, expiresAt: answer.expiresAt };
      setState(session);
      options.onCallerChanged();
      return session;
    },
    async signOut() {
      const token = held ?? (anonymous ? undefined : await options.appToken?.());
      // Anonymous at once: whatever asks for a token from here on gets none.
      held = undefined;
      anonymous = true;
      setState(null);
      signingOut++;
      try {
        const headers: Record<string, string> = token === undefined ? {} : { authorization: `Bearer ${token}` };
        const answer = await options.http.request({ method: 'DELETE', resource: SESSION_PATH, headers });
        // 401: the session had already ended, which is what was asked.
        if (answer.status !== 401) expectSuccess(answer);
      } finally {
        signingOut--;
        // After the answer, so a browser's cookie is already cleared when the socket reopens.
        options.onCallerChanged();
      }
    },
    async refresh() {
      const answer = await options.http.request({ method: 'GET', resource: SESSION_PATH });
      if (answer.status === 401) {
        held = undefined;
        setState(null);
        return state;
      }
      const info = sessionInfoSchema.parse(expectSuccess(answer).body);
      setState({ user: { id: info.user.id, username: info.user.username }, expiresAt: info.expiresAt });
      return state;
    },
    session: () => state,
    user: () => state?.user ?? null,
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };

  return {
    auth,
    token: async () => held ?? (anonymous ? undefined : await options.appToken?.()),
    async sessionEnded() {
      if (signingOut > 0) return false;
      if (held === undefined) return true;
      const token = held;
      try {
        const answer = await options.http.request({ method: 'GET', resource: SESSION_PATH, headers: { authorization: `Bearer ${token}` } });
        if (answer.status !== 401) return false;
      } catch (error) {
        // Unreachable: the token cannot be checked, so it is kept and the app is told.
        if (error instanceof SynclineError) return true;
        throw error;
      }
      if (held === token) {
        held = undefined;
        setState(null);
        options.onCallerChanged();
      }
      return true;
    },
  };
}
