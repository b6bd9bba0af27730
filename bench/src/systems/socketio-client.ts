import { io } from 'socket.io-client';
import type { BenchRecord, ClientConnection, ConnectClient } from '../common.js';

export const connectClient: ConnectClient = (url, topic, onEvent) =>
  new Promise<ClientConnection>((resolve, reject) => {
    const socket = io(url, { transports: ['websocket'], forceNew: true, reconnection: false });
    socket.on('change', (record: BenchRecord) => onEvent(record.ts));
    socket.on('connect_error', reject);
    socket.on('connect', () => {
      socket.emit('subscribe', topic, () => resolve({ close: () => socket.disconnect() }));
    });
  });
