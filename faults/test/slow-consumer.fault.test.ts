import { uuidv7 } from '@syncline/schema';
import { SUBPROTOCOL } from '@syncline/protocol';
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { freePort, waitUntil } from '../src/free-port.js';
import { RawLiveSocket } from '../src/raw-live-socket.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { fetchStats, quantile } from '../src/server-stats.js';

// Scenario 4: a client that subscribes and then stops reading. The server may hold at most
// SYNCLINE_MAX_BUFFERED_BYTES for it (set to 256 KiB here) before closing it with 4008; the
// other subscribers' delivery latency (write sent → event received) is measured without it and
// with it, over the same writes of 32 KiB entries.
const MAX_BUFFERED = 256 * 1024;
const TEXT = 'x'.repeat(32 * 1024);

/** A subscriber that notes when each record's first event arrived. */
async function latencySubscriber(port: number, arrivals: Map<string, number>): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${port}/live`, [SUBPROTOCOL]);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  const answered = new Promise<void>((resolve) => {
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { id?: string; event?: string; resource?: string };
      if (frame.id === 's') resolve();
      if (frame.event === 'change' && frame.resource && !arrivals.has(frame.resource)) arrivals.set(frame.resource, Date.now());
    });
  });
  socket.send(JSON.stringify({ id: 's', method: 'SUBSCRIBE', resource: '/entries?limit=1' }));
  await answered;
  return socket;
}

describe('slow consumer', () => {
  it('a client that stops reading is closed at the bound; the others keep their latency', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: 'sqlite::memory:', PORT: String(await freePort()), SYNCLINE_MAX_BUFFERED_BYTES: String(MAX_BUFFERED) });
    const arrivals = Array.from({ length: 5 }, () => new Map<string, number>());
    const sockets = await Promise.all(arrivals.map((map) => latencySubscriber(server.port, map)));
    try {
      /** Writes sequentially; each write's latency to every subscriber (ms), until `until` says stop. */
      const writePhase = async (count: number, until: () => Promise<boolean>): Promise<{ latencies: number[]; writes: number }> => {
        const sent = new Map<string, number>();
        let writes = 0;
        for (; writes < count; writes++) {
          const id = uuidv7();
          sent.set(`/entries/${id}`, Date.now());
          const response = await fetch(`${server.base}/entries/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ writer: 'slow', n: writes, text: TEXT }) });
          expect(response.status).toBe(201);
          if (writes % 10 === 9 && (await until())) break;
        }
        const expected = sent.size;
        await waitUntil(() => arrivals.every((map) => [...sent.keys()].every((uri) => map.has(uri))), `all ${expected} events delivered`);
        const latencies = arrivals.flatMap((map) => [...sent].map(([uri, started]) => (map.get(uri) ?? started) - started));
        return { latencies, writes: writes + 1 };
      };
      await writePhase(30, async () => false); // warm-up, not measured
      const baseline = await writePhase(150, async () => false);
      const rssBefore = (await server.rss()) ?? 0;
      const slow = await RawLiveSocket.open(server.port);
      slow.sendText(JSON.stringify({ id: 's', method: 'SUBSCRIBE', resource: '/entries?limit=1' }));
      await waitUntil(() => slow.frames.length >= 2, 'the slow subscriber subscribed');
      slow.stopReading();
      let peakRss = rssBefore;
      const loaded = await writePhase(1500, async () => {
        peakRss = Math.max(peakRss, (await server.rss()) ?? 0);
        return (await fetchStats(server.base)).slowConsumers >= 1;
      });
      const stats = await fetchStats(server.base);
      slow.startReading();
      await Promise.race([slow.ended$, waitUntil(() => slow.closeCode !== undefined, 'the close frame', 10_000).catch(() => undefined)]);
      slow.destroy();
      const freedMs = await waitUntil(async () => (await fetchStats(server.base)).connections === 5, 'the slow socket freed', 10_000);
      const p99Without = quantile(baseline.latencies, 0.99);
      const p99With = quantile(loaded.latencies, 0.99);
      const growthMiB = (peakRss - rssBefore) / 2 ** 20;
      recordResult({
        scenario: 'Slow consumer (stops reading) beside 5 subscribers',
        passed: stats.slowConsumers === 1 && slow.closeCode === 4008,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: null,
        memoryMiB: Math.round(peakRss / 2 ** 20),
        notes: `bound 256 KiB, 32 KiB events: closed with ${slow.closeCode ?? 'no close frame'} after ${loaded.writes} writes (${(slow.bytesRead / 2 ** 20).toFixed(1)} MiB reached it); server memory +${growthMiB.toFixed(1)} MiB while it stalled; others' p99 ${p99Without} ms without it, ${p99With} ms with it`,
      });
      expect(stats.slowConsumers).toBe(1);
      expect(freedMs).toBeLessThan(10_000);
      expect(slow.closeCode).toBe(4008);
      expect(growthMiB).toBeLessThan(64);
      // Loose on purpose (a shared machine's noise): the stalled client must not hold the others back.
      expect(p99With).toBeLessThan(Math.max(4 * p99Without, 1000));
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      for (const socket of sockets) socket.close();
      await server.stop();
    }
  });
});
