import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ServerAdapter, ServerOptions } from '../common.js';
import { openRecordTable } from './sqlite-table.js';
import { answerRecord, patchRoute } from './raw-patch-route.js';

/**
 * The hand-written baseline: node `http` + `ws` + SQLite (better-sqlite3 or node:sqlite). A client sends
 * `{"topic":n|null}` once; on each write the server updates the row, serializes the record
 * once into one Buffer and sends that Buffer to every socket of the topic.
 */
export async function startServer(options: ServerOptions): Promise<ServerAdapter> {
  const table = await openRecordTable(options.dir, 'raw', options.records);
  const everyone = new Set<WebSocket>();
  const byTopic = table.records.map(() => new Set<WebSocket>());

  const server = createServer(patchRoute((id, patch, res) => answerRecord(res, table.patch(id, patch))));
  const wss = new WebSocketServer({ server, perMessageDeflate: false });
  wss.on('connection', (socket) => {
    socket.once('message', (data) => {
      const { topic } = JSON.parse(String(data)) as { topic: number | null };
      const set = topic === null ? everyone : byTopic[topic];
      if (!set) return socket.close(1008, 'no such topic');
      set.add(socket);
      socket.on('close', () => set.delete(socket));
      socket.send('{"ok":true}');
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
      const frame = Buffer.from(JSON.stringify(record));
      for (const socket of everyone) socket.send(frame, { binary: false });
      const subscribers = byTopic[topic];
      if (subscribers) for (const socket of subscribers) socket.send(frame, { binary: false });
    },
    async close() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      table.close();
    },
  };
}
