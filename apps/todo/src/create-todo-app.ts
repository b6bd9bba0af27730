import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createPollsHandler, POLLS_BROWSER_ENTRY, resources as pollResources } from '@syncline/polls-app';
import { createPasswordAuth, createSyncline, type Clock, type PasswordAuthOptions, type ServerConfig, type Syncline } from '@syncline/server';
import { createAppHandler } from './app-handler.js';
import { bundleBrowserScript, SIGN_OUT_ENTRY } from './browser/bundle.js';
import { renderSectionPage } from './pages/layout.js';
import { createPageHandler } from './pages/page-handler.js';
import { safeNext, signInPath } from './pages/routes.js';
import { serverResources } from './resources.js';
import { createShareLimit, type ShareLimitOptions } from './share-limit.js';
import { openBackplane, openStorage } from './todo-storage.js';

/** Options of {@link createTodoApp}: the server configuration (`loadConfig(process.env)`). */
export interface TodoAppOptions {
  readonly config: ServerConfig;
  readonly onError?: (error: unknown, where: string) => void;
  /** Settings of the built-in password sign-in (tests lower scrypt's cost). */
  readonly auth?: PasswordAuthOptions;
  /** How fast one user may share lists (`loadTodoConfig(process.env).sharing`); default 20 new members a minute. */
  readonly sharing?: ShareLimitOptions;
  /** The server's clock, which the sharing limit reads too. Default the system's; tests move a manual one. */
  readonly clock?: Clock;
}

/**
 * The TODO app: Syncline serving `/lists` and `/todos` to signed-in users, plus sign-in, the
 * HTML pages and script; and the polls app (`/polls`) mounted beside it, with the same sign-in.
 */
export interface TodoApp {
  readonly syncline: Syncline;
  /**
   * The app's HTTP handler (pages, forms and the JSON API at the same URLs), for a server of
   * your own: give it to `http.createServer` and call `syncline.attach(server)` for the live path.
   */
  readonly handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Creates a server with {@link handler} and the WebSocket upgrade; listens on the port (0: a free one) and host; answers the port taken. */
  listen(port: number, host?: string): Promise<{ server: Server; port: number }>;
  close(): Promise<void>;
}

/**
 * Creates the TODO app on the configured storage and backplane. `main.ts` and the browser
 * tests both use it, so the tests run exactly what `npm start` serves.
 *
 * @example
 * const app = await createTodoApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }) });
 * const { port } = await app.listen(0, '127.0.0.1');
 */
export async function createTodoApp(options: TodoAppOptions): Promise<TodoApp> {
  const { config } = options;
  const backplane = await openBackplane(config);
  // Accounts and sessions (POST /users, /session) in the same storage; the cookie authenticates the pages and their socket.
  const auth = createPasswordAuth({ ...config.auth, ...options.auth });
  const clock = options.clock;
  const syncline = await createSyncline({
    resources: [...serverResources({ beforeShare: createShareLimit({ ...(clock ? { now: () => clock.now() } : {}), ...options.sharing }) }), ...pollResources],
    auth,
    storage: await openStorage(config),
    ...(backplane ? { backplane } : {}),
    livePath: config.livePath,
    ...(config.origins ? { origins: config.origins } : {}),
    ...(config.trustProxy !== undefined ? { trustProxy: config.trustProxy } : {}),
    ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
    limits: config.limits,
    ...(clock ? { clock } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  const reportError = options.onError ?? ((error: unknown, where: string) => console.error(`[todo] ${where}:`, error));
  const bundle = lazyBundle(undefined, reportError);
  const pages = createPageHandler({ syncline, auth, origins: config.origins, script: bundle, signOutScript: lazyBundle(SIGN_OUT_ENTRY, reportError), reportError });
  const polls = createPollsHandler({
    syncline,
    auth,
    origins: config.origins,
    script: lazyBundle(POLLS_BROWSER_ENTRY, reportError),
    layout: ({ script, stylesheet, ...page }) => renderSectionPage({ ...page, section: 'polls', assets: { script, stylesheet } }),
    signInPath: (next) => signInPath(safeNext(next)),
    reportError,
  });
  const handler = createAppHandler(syncline, pages, [polls]);
  return {
    syncline,
    handler,
    listen: (port, host) => syncline.listen(port, host, { handler }),
    // Syncline closes the live sockets (1001) first, as at a shutdown, then the servers it made.
    close: () => syncline.close(),
  };
}

/** Browser scripts by entry module ('' for the TODO app's), each built once per process and shared by every app in it. */
const bundles = new Map<string, Promise<string>>();

/** A browser script built in the background at start (once per process); a failed build is retried by the next request for it. */
function lazyBundle(entry: string | undefined, reportError: (error: unknown, where: string) => void): () => Promise<string> {
  const key = entry ?? '';
  const bundle = (): Promise<string> => {
    let script = bundles.get(key);
    if (script === undefined) {
      script = bundleBrowserScript(entry).catch((error: unknown) => {
        bundles.delete(key);
        throw error;
      });
      bundles.set(key, script);
    }
    return script;
  };
  void bundle().catch((error: unknown) => reportError(error, 'browser script bundle'));
  return bundle;
}
