import { mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { dirname } from 'node:path';
import { createPasswordAuth, createSyncline, type PasswordAuthOptions, type ServerConfig, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { PAGE_HTML, PAGE_SECURITY_HEADERS } from './page.js';
import { notes } from './resources.js';

export interface AppOptions {
  /** `loadConfig(process.env)`: PORT, HOST, DATABASE_URL (`sqlite:<file>`) and Syncline's limits. */
  readonly config: ServerConfig;
  /** Settings of the password sign-in beyond the configuration's (tests lower scrypt's cost). */
  readonly auth?: PasswordAuthOptions;
}

export interface App {
  readonly syncline: Syncline;
  /** Listens on `port` (0: a free one) and answers the port taken. */
  listen(port: number, host?: string): Promise<{ server: Server; port: number }>;
  close(): Promise<void>;
}

/** The page's script, bundled by `npm run build` (esbuild) beside the compiled server. */
const SCRIPT = new URL('./public/app.js', import.meta.url);

/**
 * The app: Syncline serving `/notes` with password sign-in (`POST /users`, `/session`) on
 * SQLite, and the live page at `/` with its script at `/app.js`. `server.ts` and the tests
 * both use it, so the tests run what `npm start` serves.
 *
 * @example
 * const app = await createApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }) });
 * const { port } = await app.listen(0, '127.0.0.1');
 */
export async function createApp({ config, auth }: AppOptions): Promise<App> {
  const syncline = await createSyncline({
    resources: [notes],
    storage: openSqlite(config),
    auth: createPasswordAuth({ ...config.auth, ...auth }),
    livePath: config.livePath,
    limits: config.limits,
    ...(config.origins ? { origins: config.origins } : {}),
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
    ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
  });
  const script = await readFile(SCRIPT, 'utf8');
  // Syncline answers its own paths (/notes, /users, /session, /live); every other path comes here.
  const pages = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'Method Not Allowed');
    if (path === '/') return send(res, 200, 'text/html; charset=utf-8', PAGE_HTML);
    if (path === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', script);
    if (path === '/favicon.ico') return send(res, 204, 'image/x-icon', '');
    send(res, 404, 'text/plain', 'Not Found');
  };
  return {
    syncline,
    listen: (port, host) => syncline.listen(port, host, { fallback: pages }),
    close: () => syncline.close(),
  };
}

function openSqlite({ databaseUrl, sqliteSynchronous }: ServerConfig) {
  if (!databaseUrl.startsWith('sqlite:')) {
    throw new Error(`DATABASE_URL must be sqlite:<file> for this app (got ${databaseUrl.split(':')[0]}:…); see the README to use PostgreSQL.`);
  }
  const filename = databaseUrl.slice('sqlite:'.length);
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  return createSqliteStorage({ filename, synchronous: sqliteSynchronous });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...PAGE_SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}
