import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { feathers, type Params, type RealTimeConnection } from '@feathersjs/feathers';
import { MemoryService } from '@feathersjs/memory';
import socketio from '@feathersjs/socketio';
// Channels and `publish` are typed by this package's augmentation of Feathers' declarations.
import type {} from '@feathersjs/transport-commons';
import { PAYLOAD, recordId, type BenchRecord, type ServerAdapter, type ServerOptions } from '../common.js';

interface Services {
  items: MemoryService<BenchRecord>;
  subscriptions: { create(data: { topic: number | null }, params?: Params): Promise<{ ok: true }> };
}

/**
 * Feathers 5 with a memory service and the Socket.IO transport (websocket only): a client
 * joins the channel of its topic (or of everything) through a `subscriptions` service; a
 * write is `items.patch`, whose `patched` event Feathers publishes to those channels.
 */
export async function startServer(options: ServerOptions): Promise<ServerAdapter> {
  const app = feathers<Services>();
  app.configure(socketio({ transports: ['websocket'], serveClient: false, perMessageDeflate: false }));
  app.use('items', new MemoryService<BenchRecord>({ id: 'id' }));
  app.use('subscriptions', {
    async create(data: { topic: number | null }, params?: Params & { connection?: RealTimeConnection }) {
      if (params?.connection) app.channel(data.topic === null ? 'all' : `t${data.topic}`).join(params.connection);
      return { ok: true as const };
    },
  });
  app.service('items').publish('patched', (data) => app.channel('all', `t${(data as BenchRecord).topic}`)); // one record per patch (no multi)
  const service = app.service('items');
  for (let topic = 0; topic < options.records; topic++) {
    await service.create({ id: recordId(topic), topic, n: 0, ts: 0, payload: PAYLOAD });
  }
  const server = createServer();
  await app.setup(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    async write(topic, n, ts) {
      await service.patch(recordId(topic), { n, ts });
    },
    async close() {
      await app.teardown();
      server.closeAllConnections();
    },
  };
}
