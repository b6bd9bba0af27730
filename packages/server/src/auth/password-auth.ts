import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { parseJsonSafely, SynclineError, type FieldError } from '@syncline/protocol';
import type { Principal, RequestContext, ResourceDefinition, SessionInfo } from '@syncline/schema';
import type { ContextFactory, ContextInput } from '../context-factory.js';
import type { HttpRequest, HttpResponse } from '../http/http-handler.js';
import { normalizeHeaders } from '../http/http-handler.js';
import type { Operation, Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Change, StoredRecord } from '../storage/storage.js';
import { sessions, USERNAME_PATTERN, users } from './auth-resources.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from './password.js';
import { cookieAuthenticates } from '../security/request-credentials.js';
import { createSignInLimiter } from './sign-in-limiter.js';

export interface PasswordAuthOptions {
  /** How long a session lasts after sign-in. Default 7 days. */
  readonly sessionTtlMs?: number;
  /** Default `syncline_session`. */
  readonly cookieName?: string;
  /** Failed sign-ins allowed per username (and 4× that per client address) in a window, before 429. Default 5. */
  readonly maxFailures?: number;
  /** Default 15 minutes. */
  readonly failureWindowMs?: number;
  /** `Secure` on the cookie: `auto` (default) sets it when the request came over TLS. */
  readonly secureCookies?: 'auto' | boolean;
  /** scrypt's cost parameters (tests lower them). */
  readonly scrypt?: { N: number; r: number; p: number };
}

/** What the server gives the authenticator once it is running. */
export interface AuthRuntime {
  execute(op: Operation): Promise<Outcome>;
  get(resource: string, id: string): Promise<StoredRecord | undefined>;
  /** Refuses cross-site unsafe requests carried by a cookie (CSRF). */
  checkCrossSite(method: string, headers: Readonly<Record<string, string>>, secure: boolean | undefined): void;
}

export interface SignedIn {
  readonly token: string;
  readonly user: { readonly id: string; readonly username: string };
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

/**
 * Built-in authentication: accounts with scrypt-hashed passwords, sessions by cookie (for
 * browsers) or bearer token (for programs), on both transports.
 */
export interface Authenticator {
  /** The `users` and `sessions` resources it stores. */
  readonly resources: readonly ResourceDefinition[];
  /** Paths it answers that are not resources. */
  readonly paths: readonly string[];
  readonly cookieName: string;
  bind(runtime: AuthRuntime): void;
  /**
   * Finds the caller from a bearer token (header, or the `syncline.bearer.<token>` subprotocol
   * on a socket) or, when the request has no `Authorization` header, the cookie. Any other
   * `Authorization` (another scheme, a malformed or empty one) and an unknown or expired
   * token are anonymous, whatever cookie comes with them.
   */
  readonly context: ContextFactory;
  /** Answers `POST /users`, `GET|POST|DELETE /session`; undefined for any other request. */
  route(request: HttpRequest): Promise<HttpResponse | undefined>;
  signUp(username: string, password: string): Promise<{ id: string; username: string }>;
  /** Throws `unauthenticated` (401) for a wrong name or password, `rate-limited` (429) after repeated failures. */
  signIn(username: string, password: string, remoteAddress?: string): Promise<SignedIn>;
  signOut(context: RequestContext): Promise<void>;
  /** The session id a change ends (sign-out, or a session deleted otherwise), after forgetting it; undefined for other changes. */
  observe(change: Change): string | undefined;
  /** The `Set-Cookie` value for a signed-in session, or one that clears the cookie. */
  cookie(signedIn: SignedIn | undefined, secure: boolean): string;
  /** A token for forms (CSRF), derived from the session; undefined when anonymous. */
  csrfToken(context: RequestContext): string | undefined;
  verifyCsrfToken(context: RequestContext, token: unknown): boolean;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const BEARER_PROTOCOL = 'syncline.bearer.';
const CACHE_MS = 60_000;
const MAX_CACHED = 10_000;
const INTERNAL: RequestContext = { transport: 'internal' };

const sha256 = (text: string): string => createHash('sha256').update(text).digest('base64url');

function bearerOf(input: Pick<ContextInput, 'headers' | 'transport'>): string | undefined {
  const authorization = input.headers['authorization'];
  const match = authorization === undefined ? null : /^Bearer\s+([A-Za-z0-9_-]{20,200})$/i.exec(authorization.trim());
  if (match) return match[1];
  if (input.transport !== 'websocket') return undefined;
  for (const offered of (input.headers['sec-websocket-protocol'] ?? '').split(',')) {
    const protocol = offered.trim();
    if (protocol.startsWith(BEARER_PROTOCOL)) return protocol.slice(BEARER_PROTOCOL.length);
  }
  return undefined;
}

function cookieOf(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponse {
  return { status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }, body: JSON.stringify(body) };
}

function credentialsOf(body: unknown): { username: string; password: string } {
  const errors: FieldError[] = [];
  const record = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  if (typeof record['username'] !== 'string') errors.push({ path: ['username'], message: 'expected a string' });
  if (typeof record['password'] !== 'string') errors.push({ path: ['password'], message: 'expected a string' });
  if (errors.length > 0) throw new SynclineError('validation-failed', { detail: 'Send {"username", "password"}.', errors });
  return { username: (record['username'] as string).trim().toLowerCase(), password: record['password'] as string };
}

/**
 * Creates the built-in password authentication; pass it as the server's `auth` option.
 *
 * @example
 * const syncline = await createSyncline({ resources, storage, auth: createPasswordAuth() });
 * // POST /users {"username":"ana","password":"…"} → 201; POST /session → 201 {token} + cookie
 */
export function createPasswordAuth(options: PasswordAuthOptions = {}): Authenticator {
  const ttl = options.sessionTtlMs ?? 7 * DAY_MS;
  const cookieName = options.cookieName ?? 'syncline_session';
  const cost = options.scrypt ?? DEFAULT_SCRYPT;
  const maxFailures = options.maxFailures ?? 5;
  const windowMs = options.failureWindowMs ?? 15 * 60_000;
  const byUser = createSignInLimiter(maxFailures, windowMs);
  const byAddress = createSignInLimiter(maxFailures * 4, windowMs);
  const cache = new Map<string, { context: { principal: Principal; session: Omit<SessionInfo, 'via'> }; until: number }>();
  let runtime: AuthRuntime | undefined;
  // Unknown users are checked against this hash, so they take as long as a wrong password.
  let dummyHash: Promise<string> | undefined;

  const bound = (): AuthRuntime => {
    if (runtime === undefined) throw new Error('The authenticator is not attached to a server.');
    return runtime;
  };

  async function lookup(token: string): Promise<{ principal: Principal; session: Omit<SessionInfo, 'via'> } | undefined> {
    const id = sha256(token);
    const now = Date.now();
    const cached = cache.get(id);
    if (cached !== undefined && cached.until > now) return cached.context.session.expiresAt > now ? cached.context : undefined;
    const record = await bound().get(sessions.name, id);
    if (record === undefined || typeof record['expiresAt'] !== 'number' || record['expiresAt'] <= now) return undefined;
    const context = { principal: { id: String(record['user']) }, session: { id, expiresAt: record['expiresAt'] } };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
    cache.set(id, { context, until: now + CACHE_MS });
    return context;
  }

  const authenticator: Authenticator = {
    resources: [users, sessions],
    paths: ['/session'],
    cookieName,
    bind(value) {
      runtime = value;
    },
    async context(input) {
      const bearer = bearerOf(input);
      // With an `Authorization` header the cookie never signs the request in: that header
      // exempts it from the cross-site check. A header that is no valid bearer token is anonymous.
      const cookie = cookieAuthenticates(input.headers) ? cookieOf(input.headers['cookie'], cookieName) : undefined;
      const token = bearer ?? cookie;
      const found = token === undefined ? undefined : await lookup(token);
      if (found === undefined) return { transport: input.transport };
      return { transport: input.transport, principal: found.principal, session: { ...found.session, via: bearer === undefined ? 'cookie' : 'bearer' } };
    },

    async signUp(rawUsername, password) {
      const username = rawUsername.trim().toLowerCase();
      const errors: FieldError[] = [];
      if (!USERNAME_PATTERN.test(username)) errors.push({ path: ['username'], message: '3 to 32 characters: letters, digits, ".", "_" or "-", starting with a letter or digit' });
      if (password.length < 8 || password.length > 200) errors.push({ path: ['password'], message: '8 to 200 characters' });
      if (errors.length > 0) throw new SynclineError('validation-failed', { detail: 'The username or password is not acceptable.', errors });
      const outcome = await bound().execute({
        method: 'PUT',
        uri: `/users/${username}`,
        headers: { 'if-none-match': '*' },
        body: { username, passwordHash: await hashPassword(password, cost) },
        context: INTERNAL,
      });
      if (outcome.status === 412) throw new SynclineError('already-exists', { detail: `The username "${username}" is taken.` });
      if (outcome.status !== 201) throw SynclineError.fromProblem(outcome.body as never);
      return { id: username, username };
    },

    async signIn(rawUsername, password, remoteAddress) {
      const username = rawUsername.trim().toLowerCase();
      const address = remoteAddress ?? 'unknown';
      const wait = Math.max(byUser.retryAfter(username), byAddress.retryAfter(address));
      if (wait > 0) throw new SynclineError('rate-limited', { detail: 'Too many failed sign-ins; try again later.', headers: { 'retry-after': String(wait) } });
      const user = USERNAME_PATTERN.test(username) ? await bound().get(users.name, username) : undefined;
      const stored = typeof user?.['passwordHash'] === 'string' ? user['passwordHash'] : await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'), cost));
      const valid = await verifyPassword(password, stored);
      if (!valid || user === undefined) {
        byUser.fail(username);
        byAddress.fail(address);
        throw new SynclineError('unauthenticated', { detail: 'Wrong username or password.' });
      }
      byUser.succeed(username);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = Date.now() + ttl;
      const outcome = await bound().execute({
        method: 'PUT',
        uri: `/sessions/${sha256(token)}`,
        headers: { 'if-none-match': '*' },
        body: { user: username, expiresAt },
        context: INTERNAL,
      });
      if (outcome.status !== 201) throw SynclineError.fromProblem(outcome.body as never);
      return { token, user: { id: username, username }, expiresAt };
    },

    async signOut(context) {
      if (context.session === undefined) throw new SynclineError('unauthenticated', { detail: 'Not signed in.' });
      cache.delete(context.session.id);
      const outcome = await bound().execute({ method: 'DELETE', uri: `/sessions/${context.session.id}`, headers: {}, body: undefined, context: INTERNAL });
      if (outcome.status !== 204 && outcome.status !== 404) throw SynclineError.fromProblem(outcome.body as never);
    },

    observe(change) {
      if (change.resource !== sessions.name || change.kind !== 'delete') return undefined;
      cache.delete(change.id);
      return change.id;
    },

    cookie(signedIn, secure) {
      const attributes = ['Path=/', 'HttpOnly', 'SameSite=Lax', ...(secure ? ['Secure'] : [])];
      if (signedIn === undefined) return [`${cookieName}=`, 'Max-Age=0', ...attributes].join('; ');
      return [`${cookieName}=${signedIn.token}`, `Max-Age=${Math.floor((signedIn.expiresAt - Date.now()) / 1000)}`, ...attributes].join('; ');
    },

    csrfToken(context) {
      return context.session === undefined ? undefined : sha256(`csrf\u0000${context.session.id}`);
    },

    verifyCsrfToken(context, token) {
      const expected = authenticator.csrfToken(context);
      if (expected === undefined || typeof token !== 'string' || token.length !== expected.length) return false;
      return timingSafeEqual(Buffer.from(token), Buffer.from(expected));
    },

    async route(request) {
      const path = request.url.split('?')[0];
      const method = request.method.toUpperCase();
      if (!((path === '/users' && method === 'POST') || path === '/session')) return undefined;
      try {
        const headers = normalizeHeaders(request.headers);
        bound().checkCrossSite(method, headers, request.secure);
        const secure = options.secureCookies === 'auto' || options.secureCookies === undefined ? request.secure === true : options.secureCookies;
        const body = (): unknown => {
          if (request.body === undefined || request.body.byteLength === 0) return undefined;
          if (!/^application\/(?:[\w.+-]+\+)?json$/.test(headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '')) {
            throw new SynclineError('unsupported-media-type', { detail: 'Send JSON.' });
          }
          return parseJsonSafely(Buffer.from(request.body).toString('utf8'), { maxDepth: 4 });
        };
        if (path === '/users') {
          const { username, password } = credentialsOf(body());
          const user = await authenticator.signUp(username, password);
          return json(201, user, { location: `/users/${user.id}` });
        }
        const context = await authenticator.context({ transport: 'http', headers, remoteAddress: request.remoteAddress });
        if (method === 'POST') {
          const { username, password } = credentialsOf(body());
          const signedIn = await authenticator.signIn(username, password, request.remoteAddress);
          return json(201, signedIn, { 'set-cookie': authenticator.cookie(signedIn, secure) });
        }
        if (method === 'GET') {
          if (context.principal === undefined || context.session === undefined) throw new SynclineError('unauthenticated', { detail: 'Not signed in.' });
          return json(200, { user: { id: context.principal.id, username: context.principal.id }, expiresAt: context.session.expiresAt });
        }
        if (method === 'DELETE') {
          await authenticator.signOut(context);
          return { status: 204, headers: { 'set-cookie': authenticator.cookie(undefined, secure) } };
        }
        throw new SynclineError('method-not-allowed', { detail: `${method} is not allowed on /session.`, headers: { allow: 'GET, POST, DELETE' } });
      } catch (error) {
        if (!(error instanceof SynclineError)) throw error;
        const outcome = errorOutcome(error, path, () => {});
        return { status: outcome.status, headers: outcome.headers, body: JSON.stringify(outcome.body) };
      }
    },
  };
  return authenticator;
}
