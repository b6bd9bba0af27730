import { createClient, type ClientOptions, type SocketConstructor, type SynclineClient } from '@syncline/client';
import WebSocket from 'ws';

export { createTestSyncline, lists, request, todos } from '../../server/test/support/fixtures.js';

/** Every frame a client sent, parsed. */
export type SentFrames = Array<{ id?: string | number; method?: string; resource?: string }>;

/**
 * A client on a test server over `ws` (the DOM environment's own WebSocket is not used), recording
 * the frames it sends in `sent`. Closed by `await using`.
 */
export function connectClient(port: number, sent: SentFrames = [], options: Partial<ClientOptions> = {}): SynclineClient {
  class RecordingSocket extends WebSocket {
    override send(data: string): void {
      sent.push(JSON.parse(data) as SentFrames[number]);
      super.send(data);
    }
  }
  return createClient({ url: `http://127.0.0.1:${port}`, WebSocket: RecordingSocket as unknown as SocketConstructor, minDelayMs: 10, maxDelayMs: 50, ...options });
}

/** The SUBSCRIBE and UNSUBSCRIBE frames among `sent`, as `METHOD resource`. */
export function subscriptionFrames(sent: SentFrames): string[] {
  return sent.filter((frame) => frame.method === 'SUBSCRIBE' || frame.method === 'UNSUBSCRIBE').map((frame) => `${frame.method} ${frame.resource ?? ''}`);
}
