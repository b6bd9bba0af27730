import type { Server } from 'node:http';
import { createSyncline, type ServerConfig, type Syncline } from '@syncline/server';
import { bundleBrowserScript } from './browser/bundle.js';
import { createPageHandler } from './pages/page-handler.js';
import { resources } from './resources.js';
import { openBackplane, openStorage } from './todo-storage.js';

/** Options of {@link createTodoApp}: the server configuration (`loadConfig(process.env)`). */
export interface TodoAppOptions {
  readonly config: ServerConfig;
  readonly onError?: (error: unknown, where: string) => void;
}

/** The TODO app: Syncline serving `/lists` and `/todos` plus the HTML pages and script. */
export interface TodoApp {
  readonly syncline: Syncline;
  /** Listens on the port (0: a free one) and host; answers the port taken. */
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
  const syncline = await createSyncline({
    resources,
    storage: await openStorage(config),
    ...(backplane ? { backplane } : {}),
    livePath: config.livePath,
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
  const pages = createPageHandler({ syncline, script: bundle, ...(options.onError ? { reportError: options.onError } : {}) });
  return {
    syncline,
    listen: (port, host) => syncline.listen(port, host, pages),
    close: () => syncline.close(),
  };
}
