import WebSocket from 'ws';
import type { ClientConnection, ConnectClient } from '../common.js';

/**
 * A bare protocol client (docs/protocol.md): SUBSCRIBE to the collection, or to one topic's
 * filtered collection, with the upgrade headers `headers()` gives each connection.
 */
export function createConnectClient(headers: () => Record<string, string>): ConnectClient {
  return (url, topic, onEvent) => new Promise<ClientConnection>((resolve, reject) => {
    const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/live`, 'syncline.1', { perMessageDeflate: false, headers: headers() });
    let subscribed = false;
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { event?: string; status?: number; body?: { ts?: number } };
      if (message.event === 'change') {
        onEvent(message.body?.ts as number);
      } else if (message.event === 'hello') {
        socket.send(JSON.stringify({ id: 's', method: 'SUBSCRIBE', resource: topic === null ? '/items' : `/items?topic=${topic}` }));
      } else if (message.status !== undefined && !subscribed) {
        if (message.status !== 200) return reject(new Error(`SUBSCRIBE answered ${message.status}: ${JSON.stringify(message.body)}`));
        subscribed = true;
        resolve({ close: () => socket.terminate() });
      }
    });
    socket.on('error', (error) => {
      if (!subscribed) reject(error);
    });
    socket.on('unexpected-response', (_request, response) => reject(new Error(`upgrade answered ${response.statusCode}`)));
  });
}

export const connectClient: ConnectClient = createConnectClient(() => ({}));
