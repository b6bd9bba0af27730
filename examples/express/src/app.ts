import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { clientOf, createPasswordAuth, createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { messages } from './resources.js';

export interface ExpressAppOptions {
  /** The SQLite file; `':memory:'` for tests. Default `messages.db`. */
  readonly filename?: string;
}

/** The Express application with Syncline mounted in its server. */
export interface ExpressApp {
  readonly app: express.Express;
  readonly server: Server;
  readonly syncline: Syncline;
  /** Listens (port 0 picks a free one) and answers the port. */
  listen(port: number, host?: string): Promise<number>;
  /** Stops taking connections, lets Syncline's running operations answer and close its sockets, then closes the server. */
  close(): Promise<void>;
}

/**
 * An existing Express application, with Syncline on the same port: Syncline's listener answers
 * its own paths (resources, `/session`, event streams) and hands every other request to
 * Express; `attach` adds the WebSocket on the same `http.Server`. The app's routes find the
 * signed-in user with `syncline.authenticate`, from the same cookie or bearer token.
 *
 * @example
 * const { listen } = await createExpressApp();
 * await listen(3000);
 */
export async function createExpressApp(options: ExpressAppOptions = {}): Promise<ExpressApp> {
  const syncline = await createSyncline({
    resources: [messages],
    storage: createSqliteStorage({ filename: options.filename ?? 'messages.db' }),
    auth: createPasswordAuth(), // POST /users signs up, POST /session signs in
  });
  const app = express();
  app.get('/api/hello', async (req, res) => {
    // Express 5 passes a rejected promise on to its error handler.
    const { principal } = await syncline.authenticate({ headers: req.headers, remoteAddress: clientOf(req).address });
    res.json({ hello: principal?.id ?? null });
  });
  app.use(express.static(fileURLToPath(new URL('../public', import.meta.url))));

  // Syncline first: what is not one of its paths goes to Express, which answers its own 404.
  const server = createServer(syncline.listener(app));
  syncline.attach(server);
  return {
    app,
    server,
    syncline,
    async listen(port, host) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve());
      });
      return (server.address() as AddressInfo).port;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await syncline.close();
      server.closeAllConnections();
      await closed;
    },
  };
}
