import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { clientOf, createPasswordAuth, createSyncline, type Syncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { messages } from './resources.js';

export interface FastifyAppOptions {
  /** The SQLite file; `':memory:'` for tests. Default `messages.db`. */
  readonly filename?: string;
}

/** The Fastify application with Syncline mounted in its server. */
export interface FastifyApp {
  readonly app: FastifyInstance;
  readonly syncline: Syncline;
  /** Listens (port 0 picks a free one) and answers the port. */
  listen(port: number, host?: string): Promise<number>;
  /** Lets Syncline's running operations answer and closes its sockets, then closes Fastify and its server. */
  close(): Promise<void>;
}

const page = readFileSync(new URL('../public/index.html', import.meta.url), 'utf8');

/**
 * An existing Fastify application, with Syncline on the same port: Fastify's `serverFactory`
 * makes the `http.Server`, whose requests reach Syncline's listener first; what is not one of
 * Syncline's paths goes on to Fastify's router, and `attach` adds the WebSocket. The app's
 * routes find the signed-in user with `syncline.authenticate`, from the same cookie or token.
 *
 * @example
 * const { listen } = await createFastifyApp();
 * await listen(3000);
 */
export async function createFastifyApp(options: FastifyAppOptions = {}): Promise<FastifyApp> {
  const syncline = await createSyncline({
    resources: [messages],
    storage: createSqliteStorage({ filename: options.filename ?? 'messages.db' }),
    auth: createPasswordAuth(), // POST /users signs up, POST /session signs in
  });
  const app = Fastify({
    serverFactory(fastifyHandler): Server {
      const server = createServer(syncline.listener(fastifyHandler));
      syncline.attach(server);
      return server;
    },
  });
  app.get('/api/hello', async (request) => {
    const { principal } = await syncline.authenticate({ headers: request.headers, remoteAddress: clientOf(request.raw).address });
    return { hello: principal?.id ?? null };
  });
  app.get('/', (_request, reply) => reply.type('text/html; charset=utf-8').send(page));
  // Before Fastify closes its server: Syncline's sockets and event streams would keep it open.
  app.addHook('preClose', () => syncline.close());
  return {
    app,
    syncline,
    async listen(port, host) {
      await app.listen({ port, ...(host === undefined ? {} : { host }) });
      return (app.server.address() as AddressInfo).port;
    },
    close: () => app.close(),
  };
}
