import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import type { ServerAdapter, ServerOptions } from '../common.js';
import { openRecordTable } from './sqlite-table.js';

/** Socket.IO 4, websocket transport only: a room per topic (and one for everything); a write updates the row and emits to the room. */
export async function startServer(options: ServerOptions): Promise<ServerAdapter> {
  const table = await openRecordTable(options.dir, 'socketio', options.records);
  const server = createServer();
  const io = new Server(server, { transports: ['websocket'], serveClient: false, perMessageDeflate: false });
  io.on('connection', (socket) => {
    socket.on('subscribe', (topic: number | null, ack: (ok: boolean) => void) => {
      void socket.join(topic === null ? 'all' : `t${topic}`);
      ack(true);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    write(topic, n, ts) {
      const record = table.records[topic];
      if (!record) throw new Error(`no record for topic ${topic}`);
      record.n = n;
      record.ts = ts;
      table.update(record);
      io.to(['all', `t${topic}`]).emit('change', record);
    },
    async close() {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => void io.close(() => resolve()));
      table.close();
    },
  };
}
