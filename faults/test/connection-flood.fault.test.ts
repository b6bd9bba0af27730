import { SUBPROTOCOL } from '@syncline/protocol';
import { uuidv7 } from '@syncline/schema';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { freePort, waitUntil } from '../src/free-port.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { fetchStats, quantile } from '../src/server-stats.js';

// Scenario 6: one address opens connections as fast as it can, far past
// SYNCLINE_MAX_CONNECTIONS_PER_ADDRESS (200 here). The limit must hold (every upgrade past it
// answers 429), and a client from another address (127.0.0.2, the same loopback) must still
// connect, subscribe and receive a change, while HTTP keeps answering.
const LIMIT = 200;
const FLOOD = 1000;

/** Opens a socket; resolves with it, or with the HTTP status that refused the upgrade. */
function attempt(port: number, localAddress?: string): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, [SUBPROTOCOL], localAddress ? { localAddress } : {});
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('error', () => resolve(-1));
  });
}

describe('connection flood from one address', () => {
  it('the per-address limit holds and other clients are still served', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: 'sqlite::memory:', PORT: String(await freePort()), SYNCLINE_MAX_CONNECTIONS_PER_ADDRESS: String(LIMIT) });
    const opened: WebSocket[] = [];
    try {
      const httpLatencies: number[] = [];
      let flooding = true;
      const prober = (async () => {
        while (flooding) {
          const started = Date.now();
          const response = await fetch(`${server.base}/entries?limit=1`);
          await response.arrayBuffer();
          if (response.status === 200) httpLatencies.push(Date.now() - started);
        }
      })();
      const flood = Promise.all(Array.from({ length: FLOOD }, () => attempt(server.port)));

      // Another address while the flood is under way: connect, subscribe, see a write.
      const started = Date.now();
      const outsider = await attempt(server.port, '127.0.0.2');
      if (typeof outsider === 'number') throw new Error(`the other address was refused with ${outsider}`);
      opened.push(outsider);
      const frames: Array<Record<string, unknown>> = [];
      outsider.on('message', (data) => frames.push(JSON.parse(data.toString()) as Record<string, unknown>));
      outsider.send(JSON.stringify({ id: 's', method: 'SUBSCRIBE', resource: '/entries' }));
      await waitUntil(() => frames.some((frame) => frame['id'] === 's'), 'the subscription answered');
      const id = uuidv7();
      await fetch(`${server.base}/entries/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writer: 'outsider', n: 1 }) });
      await waitUntil(() => frames.some((frame) => frame['event'] === 'change' && frame['resource'] === `/entries/${id}`), 'the change reached the other address');
      const servedMs = Date.now() - started;
      const results = await flood;
      for (const result of results) if (typeof result !== 'number') opened.push(result);
      const refused = results.filter((result) => result === 429).length;
      const other = results.filter((result) => typeof result === 'number' && result !== 429);
      flooding = false;
      await prober;
      const stats = await fetchStats(server.base);
      const rss = await server.rss();
      recordResult({
        scenario: 'Connection flood from one address',
        passed: opened.length === LIMIT + 1 && refused === FLOOD - LIMIT,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: servedMs,
        memoryMiB: rss === undefined ? null : Math.round(rss / 2 ** 20),
        notes: `${FLOOD} upgrades at once, limit ${LIMIT} per address: ${opened.length - 1} accepted, ${refused} answered 429, ${other.length} other; another address, during the flood, connected, subscribed and got a change in ${servedMs} ms; HTTP p99 ${quantile(httpLatencies, 0.99)} ms over ${httpLatencies.length} GETs during the flood`,
      });
      expect(opened.length - 1).toBe(LIMIT);
      expect(refused).toBe(FLOOD - LIMIT);
      expect(other).toEqual([]);
      expect(stats.connections).toBe(LIMIT + 1);
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      for (const socket of opened) socket.terminate();
      await server.stop();
    }
  });
});
