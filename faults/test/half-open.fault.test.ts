import { describe, expect, it } from 'vitest';
import { freePort, waitUntil } from '../src/free-port.js';
import { RawLiveSocket } from '../src/raw-live-socket.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { fetchStats } from '../src/server-stats.js';

// Scenario 5: clients that vanish without closing. Their TCP connections stay open, but they
// never answer a ping (what a peer whose network went away looks like to the server). The
// server must free them, with their subscriptions and presence entries, within the heartbeat timeout: a socket that
// has not answered one ping by the next tick is terminated, so at most 2 × SYNCLINE_HEARTBEAT_MS.
const HEARTBEAT_MS = 1000;
const CLIENTS = 20;

/** How many members `GET /entries/presence` lists. */
async function presentMembers(base: string): Promise<number> {
  const response = await fetch(`${base}/entries/presence`);
  const body = (await response.json()) as { members?: unknown[] };
  return body.members?.length ?? -1;
}

describe('half-open clients', () => {
  it('are freed with their subscriptions and presence within two heartbeats', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: 'sqlite::memory:', PORT: String(await freePort()), SYNCLINE_HEARTBEAT_MS: String(HEARTBEAT_MS) });
    const clients: RawLiveSocket[] = [];
    try {
      for (let i = 0; i < CLIENTS; i++) {
        const client = await RawLiveSocket.open(server.port);
        client.sendText(JSON.stringify({ id: 's', method: 'SUBSCRIBE', resource: '/entries' }));
        client.sendText(JSON.stringify({ id: 'p', method: 'PUT', resource: '/entries/presence', body: { state: 'viewing' } }));
        clients.push(client);
      }
      await waitUntil(async () => (await fetchStats(server.base)).subscriptions === CLIENTS, `${CLIENTS} subscriptions`);
      await waitUntil(async () => (await presentMembers(server.base)) === CLIENTS, `${CLIENTS} present`);
      const rssWith = (await server.rss()) ?? 0;
      const started = Date.now();
      const freedMs = await waitUntil(async () => {
        const stats = await fetchStats(server.base);
        return stats.connections === 0 && stats.subscriptions === 0 && (await presentMembers(server.base)) === 0;
      }, 'every half-open socket freed', 4 * HEARTBEAT_MS + 5000);
      await waitUntil(() => clients.every((client) => client.ended), 'every TCP connection ended by the server', 5000);
      const pings = clients.reduce((sum, client) => sum + client.frames.filter((frame) => frame.opcode === 0x9).length, 0);
      recordResult({
        scenario: 'Half-open clients (never answer pings)',
        passed: freedMs <= 2 * HEARTBEAT_MS + 1000,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: freedMs,
        memoryMiB: Math.round(rssWith / 2 ** 20),
        notes: `${CLIENTS} sockets, heartbeat ${HEARTBEAT_MS} ms: connections, subscriptions and presence entries at 0 after ${Date.now() - started} ms (bound 2 × heartbeat); ${pings} pings went unanswered`,
      });
      expect(freedMs).toBeLessThanOrEqual(2 * HEARTBEAT_MS + 1000);
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      for (const client of clients) client.destroy();
      await server.stop();
    }
  });
});
