import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { BEARER_SUBPROTOCOL_PREFIX, parseJsonSafely, SynclineError } from '@syncline/protocol';
import type { Principal, RequestContext, ResourceDefinition, SessionInfo } from '@syncline/schema';
import type { ContextFactory, ContextInput } from '../context-factory.js';
import type { HttpRequest, HttpResponse } from '../http/http-handler.js';
import { normalizeHeaders } from '../http/http-handler.js';
import type { Operation, Outcome } from '../operation.js';
import { errorOutcome } from '../pipeline/error-outcome.js';
import type { Change, StoredRecord } from '../storage/storage.js';
import { DEFAULT_AUTH_LIMITS, type AuthLimits } from '../limits.js';
import { addressGroup } from '../security/address-group.js';
import { createAttemptLedger } from './attempt-ledger.js';
import { deferredClock, systemClock, type Clock } from '../clock.js';
import { sessions, users } from './auth-resources.js';
import { checkCredentials, credentialsOf, normalizeUsername } from './credentials.js';
import { createHashGate } from './hash-gate.js';
import { DEFAULT_SCRYPT, hashPassword, verifyPassword } from './password.js';
import { cookieAuthenticates } from '../security/request-credentials.js';
import { createSignInLimiter } from './sign-in-limiter.js';

/** Options of the built-in sign-in; its limits (`AuthLimits`, defaults in `DEFAULT_AUTH_LIMITS`) are `config.auth`'s. */
export interface PasswordAuthOptions extends Partial<AuthLimits> {
  /** How long a session lasts after sign-in. Default 7 days. */
  readonly sessionTtlMs?: number;
  /** Default `syncline_session`. */
  readonly cookieName?: string;
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
  /** The server's clock (its `clock` option): session expiries and the sign-in and sign-up limits run on it. */
  readonly clock?: Clock;
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
  /**
   * Throws `validation-failed` (422) for an unacceptable name or password, `already-exists` (409),
   * `rate-limited` (429) past the sign-ups allowed per client address, `unavailable` (503) when
   * too many password hashes already wait.
   */
  signUp(username: string, password: string, remoteAddress?: string): Promise<{ id: string; username: string }>;
  /**
   * Throws `validation-failed` (422) for a name or password no account can have, `unauthenticated`
   * (401) for a wrong name or password, `rate-limited` (429) after repeated failures of this
   * username from this address (or of this address), `unavailable` (503) when too many password
   * checks already wait. A username guessed at from many addresses is slowed, never refused.
   */
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
const BEARER_PROTOCOL = BEARER_SUBPROTOCOL_PREFIX;
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
  const limits: AuthLimits = { ...DEFAULT_AUTH_LIMITS, ...definedOf(options) };
  let runtime: AuthRuntime | undefined;
  // The server's clock, known once it binds this authenticator; the system's before that.
  const clock = deferredClock(() => runtime?.clock ?? systemClock);
  // One bounded ledger for every count the sign-in and sign-up limits keep.
  const ledger = createAttemptLedger({ maxEntries: limits.maxTrackedAttempts, clock });
  const limiter = createSignInLimiter({
    maxFailures: limits.maxFailures,
    maxFailuresPerAddress: limits.maxFailuresPerAddress,
    windowMs: limits.failureWindowMs,
    slowAfterFailures: limits.slowAfterFailures,
    slowIntervalMs: limits.slowIntervalMs,
    ledger,
    clock,
  });
  const hashes = createHashGate({ concurrency: limits.hashConcurrency, maxQueued: limits.maxQueuedHashes });
  const cache = new Map<string, { context: { principal: Principal; session: Omit<SessionInfo, 'via'> }; until: number }>();
  // Unknown users are checked against this hash, so they take as long as a wrong password.
  let dummyHash: Promise<string> | undefined;

  const bound = (): AuthRuntime => {
    if (runtime === undefined) throw new Error('The authenticator is not attached to a server.');
    return runtime;
  };

  async function lookup(token: string): Promise<{ principal: Principal; session: Omit<SessionInfo, 'via'> } | undefined> {
    const id = sha256(token);
    const now = clock.now();
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

    async signUp(rawUsername, password, remoteAddress) {
      const username = normalizeUsername(rawUsername);
      checkCredentials(username, password, 'sign-up');
      // Counted per address before any work, taken names included: each sign-up may cost a full hash.
      const address = addressGroup(remoteAddress);
      const perAddress = `sign-up ${address}`;
      if (ledger.count(perAddress) >= limits.maxSignUpsPerAddress) {
        const seconds = Math.max(1, Math.ceil(ledger.remainingMs(perAddress) / 1000));
        throw new SynclineError('rate-limited', { detail: 'Too many sign-ups from your address; try again later.', headers: { 'retry-after': String(seconds) } });
      }
      ledger.add(perAddress, limits.signUpWindowMs);
      const taken = () => new SynclineError('already-exists', { detail: `The username "${username}" is taken.` });
      if ((await bound().get(users.name, username)) !== undefined) throw taken();
      const passwordHash = await hashes.run('sign-up', address, () => hashPassword(password, cost));
      const outcome = await bound().execute({
        method: 'PUT',
        uri: `/users/${username}`,
        headers: { 'if-none-match': '*' },
        body: { username, passwordHash },
        context: INTERNAL,
      });
      if (outcome.status === 412) throw taken();
      if (outcome.status !== 201) throw SynclineError.fromProblem(outcome.body as never);
      return { id: username, username };
    },

    async signIn(rawUsername, password, remoteAddress) {
      const username = normalizeUsername(rawUsername);
      // Nothing is recorded for a name or password no account can have.
      checkCredentials(username, password, 'sign-in');
      const address = addressGroup(remoteAddress);
      const attempt = await limiter.begin(username, address);
      let valid: boolean;
      let user: StoredRecord | undefined;
      try {
        user = await bound().get(users.name, username);
        const stored = typeof user?.['passwordHash'] === 'string' ? user['passwordHash'] : await (dummyHash ??= hashPassword(randomBytes(16).toString('hex'), cost));
        valid = await hashes.run('sign-in', address, () => verifyPassword(password, stored));
      } catch (error) {
        attempt.abandoned();
        throw error;
      }
      if (!valid || user === undefined) throw new SynclineError('unauthenticated', { detail: 'Wrong username or password.' });
      attempt.succeeded();
      const token = randomBytes(32).toString('base64url');
      const expiresAt = clock.now() + ttl;
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
      return [`${cookieName}=${signedIn.token}`, `Max-Age=${Math.floor((signedIn.expiresAt - clock.now()) / 1000)}`, ...attributes].join('; ');
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
          const user = await authenticator.signUp(username, password, request.remoteAddress);
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

/** The options that are set (an explicit `undefined` keeps the default). */
function definedOf(options: Partial<AuthLimits>): Partial<AuthLimits> {
  return Object.fromEntries(Object.entries(options).filter(([key, value]) => key in DEFAULT_AUTH_LIMITS && value !== undefined));
}
