import { feathers } from '@feathersjs/feathers';
import socketioClientModule from '@feathersjs/socketio-client';
import { io } from 'socket.io-client';
import type { BenchRecord, ClientConnection, ConnectClient } from '../common.js';

// A CommonJS module whose module.exports is the function (its types describe it as `default`).
const socketioClient = socketioClientModule as unknown as typeof socketioClientModule.default;

/** The Feathers client over Socket.IO: listens to the `items` service's `patched` events. */
export const connectClient: ConnectClient = async (url, topic, onEvent) => {
  const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
  const app = feathers().configure(socketioClient(socket as unknown as Parameters<typeof socketioClient>[0])); // ESM and CJS typings of one class
  app.service('items').on('patched', (record: BenchRecord) => onEvent(record.ts));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', reject);
  });
  await app.service('subscriptions').create({ topic });
  const connection: ClientConnection = { close: () => socket.disconnect() };
  return connection;
};
