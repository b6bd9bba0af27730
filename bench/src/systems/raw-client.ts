import WebSocket from 'ws';
import type { ClientConnection, ConnectClient } from '../common.js';

export const connectClient: ConnectClient = (url, topic, onEvent) =>
  new Promise<ClientConnection>((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/`, { perMessageDeflate: false });
    let subscribed = false;
    socket.on('open', () => socket.send(JSON.stringify({ topic })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { ok?: true; ts?: number };
      if (!subscribed) {
        subscribed = true;
        resolve({ close: () => socket.terminate() });
        return;
      }
      onEvent(message.ts as number);
    });
    socket.on('error', (error) => {
      if (!subscribed) reject(error);
    });
  });
