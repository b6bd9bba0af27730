import { describe, expect, it } from 'vitest';
import { AUTH_ENVIRONMENT, DEFAULT_AUTH_LIMITS, DEFAULT_LIMITS, ENVIRONMENT, loadConfig } from '../../src/index.js';

describe('configuration from the environment', () => {
  it('defaults to the embedded setup on port 3000', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      databaseUrl: 'sqlite:data/syncline.db',
      sqliteSynchronous: 'FULL',
      sqliteDriver: 'auto',
      livePath: '/live',
      limits: DEFAULT_LIMITS,
      auth: { sessionTtlMs: 604_800_000, ...DEFAULT_AUTH_LIMITS },
    });
  });

  it('SYNCLINE_SQLITE_DRIVER chooses the SQLite driver, and refuses others by name', () => {
    expect(loadConfig({ SYNCLINE_SQLITE_DRIVER: 'node:sqlite' }).sqliteDriver).toBe('node:sqlite');
    expect(loadConfig({ SYNCLINE_SQLITE_DRIVER: 'better-sqlite3' }).sqliteDriver).toBe('better-sqlite3');
    expect(() => loadConfig({ SYNCLINE_SQLITE_DRIVER: 'sqlite3' })).toThrow(/SYNCLINE_SQLITE_DRIVER/);
  });

  it('the sign-in settings have variables', () => {
    const { auth } = loadConfig({ SYNCLINE_SESSION_TTL_MS: '60000', SYNCLINE_SIGN_IN_MAX_FAILURES: '3', SYNCLINE_SIGN_IN_WINDOW_MS: '1000' });
    expect(auth).toEqual({ ...DEFAULT_AUTH_LIMITS, sessionTtlMs: 60_000, maxFailures: 3, failureWindowMs: 1000 });
    expect(() => loadConfig({ SYNCLINE_SESSION_TTL_MS: '0' })).toThrow(/SYNCLINE_SESSION_TTL_MS/);
  });

  it('every sign-in and sign-up limit has a variable, and each variable sets its limit', () => {
    expect(new Set(Object.values(AUTH_ENVIRONMENT))).toEqual(new Set(Object.keys(DEFAULT_AUTH_LIMITS)));
    const env = Object.fromEntries(Object.keys(AUTH_ENVIRONMENT).map((name) => [name, '7']));
    const { auth } = loadConfig(env);
    for (const key of Object.keys(DEFAULT_AUTH_LIMITS) as Array<keyof typeof DEFAULT_AUTH_LIMITS>) expect(auth[key]).toBe(7);
    expect(loadConfig({}).auth).toMatchObject({ maxFailuresPerAddress: 20, maxSignUpsPerAddress: 5, signUpWindowMs: 600_000, hashConcurrency: 2, maxTrackedAttempts: 100_000 });
    expect(() => loadConfig({ SYNCLINE_PASSWORD_HASH_CONCURRENCY: '0' })).toThrow(/SYNCLINE_PASSWORD_HASH_CONCURRENCY/);
  });

  it('every limit has a variable, and each variable sets its limit', () => {
    expect(new Set(Object.values(ENVIRONMENT))).toEqual(new Set(Object.keys(DEFAULT_LIMITS)));
    const env: Record<string, string> = {};
    for (const [name, key] of Object.entries(ENVIRONMENT)) env[name] = typeof DEFAULT_LIMITS[key] === 'boolean' ? 'true' : '7';
    const { limits } = loadConfig({ ...env, PORT: '8080', SYNCLINE_LIVE_PATH: '/ws', SYNCLINE_SQLITE_SYNCHRONOUS: 'NORMAL' });
    for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof typeof DEFAULT_LIMITS>) {
      expect(limits[key]).toBe(typeof DEFAULT_LIMITS[key] === 'boolean' ? true : 7);
    }
  });

  it('an invalid value stops the server at start, naming every bad variable', () => {
    let message = '';
    try {
      loadConfig({ PORT: 'eighty', SYNCLINE_MAX_BODY_BYTES: '-1', SYNCLINE_REQUIRE_IF_MATCH: 'maybe' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^Invalid configuration/);
    for (const named of ['PORT="eighty"', 'SYNCLINE_MAX_BODY_BYTES="-1"', 'SYNCLINE_REQUIRE_IF_MATCH="maybe"']) expect(message).toContain(named);
  });

  it('SYNCLINE_ORIGINS lists the origins allowed besides the server\'s own, comma-separated; * allows any', () => {
    expect(loadConfig({}).origins).toBeUndefined();
    expect(loadConfig({ SYNCLINE_ORIGINS: 'https://app.example.com, http://localhost:5173' }).origins).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(loadConfig({ SYNCLINE_ORIGINS: '*' }).origins).toEqual(['*']);
    for (const bad of ['app.example.com', 'https://app.example.com/path', 'https://ok.example,evil', 'null']) {
      expect(() => loadConfig({ SYNCLINE_ORIGINS: bad }), bad).toThrow(/SYNCLINE_ORIGINS/);
    }
  });

  it('the per-address connection limit and the message rate have their variables and defaults', () => {
    expect(loadConfig({}).limits).toMatchObject({ maxConnectionsPerAddress: 1000, maxMessagesPerSecond: 100, messageBurst: 200 });
    const { limits } = loadConfig({ SYNCLINE_MAX_CONNECTIONS_PER_ADDRESS: '20', SYNCLINE_MAX_MESSAGES_PER_SECOND: '50', SYNCLINE_MESSAGE_BURST: '75' });
    expect(limits).toMatchObject({ maxConnectionsPerAddress: 20, maxMessagesPerSecond: 50, messageBurst: 75 });
    expect(() => loadConfig({ SYNCLINE_MAX_MESSAGES_PER_SECOND: '0' })).toThrow(/SYNCLINE_MAX_MESSAGES_PER_SECOND/);
  });

  it('DATABASE_URL chooses SQLite or PostgreSQL, and REDIS_URL the Redis backplane', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://app@db:5432/app' }).databaseUrl).toBe('postgres://app@db:5432/app');
    expect(loadConfig({ DATABASE_URL: 'postgresql://app@db/app' }).databaseUrl).toBe('postgresql://app@db/app');
    expect(loadConfig({ DATABASE_URL: 'sqlite::memory:' }).databaseUrl).toBe('sqlite::memory:');
    expect(loadConfig({}).redisUrl).toBeUndefined();
    expect(loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).toBe('redis://127.0.0.1:6379');
    expect(() => loadConfig({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
  });

  it('SYNCLINE_TRUST_PROXY (off, hops, or proxy addresses) and SYNCLINE_ALLOWED_HOSTS', () => {
    expect(loadConfig({}).trustProxy).toBeUndefined();
    expect(loadConfig({ SYNCLINE_TRUST_PROXY: 'false' }).trustProxy).toBeUndefined();
    expect(loadConfig({ SYNCLINE_TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ SYNCLINE_TRUST_PROXY: '10.0.0.0/8, ::1,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '::1', 'loopback']);
    for (const bad of ['true', 'proxy.example', '10.0.0.0/33']) expect(() => loadConfig({ SYNCLINE_TRUST_PROXY: bad }), bad).toThrow(/SYNCLINE_TRUST_PROXY/);
    expect(loadConfig({}).allowedHosts).toBeUndefined();
    expect(loadConfig({ SYNCLINE_ALLOWED_HOSTS: 'app.example.com, api.example.com:8443,*.example.org' }).allowedHosts).toEqual(['app.example.com', 'api.example.com:8443', '*.example.org']);
    expect(loadConfig({ SYNCLINE_ALLOWED_HOSTS: '*' }).allowedHosts).toEqual(['*']);
    expect(() => loadConfig({ SYNCLINE_ALLOWED_HOSTS: 'https://app.example.com' })).toThrow(/SYNCLINE_ALLOWED_HOSTS/);
    expect(loadConfig({ SYNCLINE_LINGERING_CLOSE_MS: '2000', SYNCLINE_LINGERING_CLOSE_BYTES: '1048576' }).limits).toMatchObject({ lingeringCloseMs: 2000, lingeringCloseBytes: 1048576 });
  });
});
