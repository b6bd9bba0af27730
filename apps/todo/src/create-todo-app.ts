import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createPasswordAuth, createSyncline, type PasswordAuthOptions, type ServerConfig, type Syncline } from '@syncline/server';
import { createAppHandler } from './app-handler.js';
import { bundleBrowserScript } from './browser/bundle.js';
import { createPageHandler } from './pages/page-handler.js';
import { resources } from './resources.js';
import { openBackplane, openStorage } from './todo-storage.js';

/** Options of {@link createTodoApp}: the server configuration (`loadConfig(process.env)`). */
export interface TodoAppOptions {
  readonly config: ServerConfig;
  readonly onError?: (error: unknown, where: string) => void;
  /** Settings of the built-in password sign-in (tests lower scrypt's cost). */
  readonly auth?: PasswordAuthOptions;
}

/** The TODO app: Syncline serving `/lists` and `/todos` to signed-in users, plus sign-in, the HTML pages and script. */
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
  const syncline = await createSyncline({
    resources,
    auth,
    storage: await openStorage(config),
    ...(backplane ? { backplane } : {}),
    livePath: config.livePath,
    ...(config.origins ? { origins: config.origins } : {}),
    limits: config.limits,
    ...(options.onError ? { onError: options.onError } : {}),
  });
  // Built once, in the background; a failed build is retried by the next request for it.
  let script: Promise<string> | undefined;
  const bundle = (): Promise<string> => {
    script ??= bundleBrowserScript().catch((error: unknown) => {
      script = undefined;
      throw error;
    });
    return script;
  };
  void bundle().catch((error: unknown) => (options.onError ?? console.error)(error, 'browser script bundle'));
  const reportError = options.onError ?? ((error: unknown, where: string) => console.error(`[todo] ${where}:`, error));
  const pages = createPageHandler({ syncline, auth, origins: config.origins, script: bundle, reportError });
  const handler = createAppHandler(syncline, pages);
  return {
    syncline,
    handler,
    listen: (port, host) => syncline.listen(port, host, { handler }),
    // Syncline closes the live sockets (1001) first, as at a shutdown, then the servers it made.
    close: () => syncline.close(),
  };
}
