import { describe, expect, it } from 'vitest';
import { AnswerSocket, probeEntries, seedEntries } from '../src/abuse-clients.js';
import { freePort } from '../src/free-port.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { victimLatency } from '../src/server-stats.js';

// Scenario: one socket at one address (127.0.0.1) sends `POST /_reconcile` with 1,000 entries as
// fast as it gets answers, for 6 s: one request the same URI 1,000 times, the next 1,000 distinct
// records it may read (each answered with its body). It reconnects when closed with 4429. Another
// user (127.0.0.2) times `GET /entries?limit=50` meanwhile, after timing it alone.
// Bound (docs/reliability.md): the other user's GET p99 under 250 ms during the flood.
const RECORDS = 1000;
const FLOOD_MS = 6000;
const P99_BOUND_MS = 250;

describe('reconcile flood from one socket', () => {
  it('entries are charged and duplicates collapsed, so another user\'s GET stays quick', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: 'sqlite::memory:', PORT: String(await freePort()) });
    const sockets: AnswerSocket[] = [];
    try {
      const uris = await seedEntries(server.base, RECORDS, 200);
      const probe = (until: () => boolean, rounds: number): Promise<number[]> => probeEntries(server.port, until, rounds);
      const alone = await probe(() => true, 50);

      const statuses = new Map<number, number>();
      let reconnects = 0;
      const deadline = Date.now() + FLOOD_MS;
      const flooding = (): boolean => Date.now() < deadline;
      const same = { entries: Array.from({ length: 1000 }, () => ({ uri: uris[0]!, etag: null })) };
      const distinct = { entries: uris.map((uri) => ({ uri, etag: null })) };
      const attack = (async () => {
        let socket = await AnswerSocket.open(server.port, '127.0.0.1');
        sockets.push(socket);
        for (let i = 0; flooding() && i < 100_000; i++) {
          const answer = await socket.ask({ method: 'POST', resource: '/_reconcile', body: i % 2 === 0 ? same : distinct });
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (!socket.open) {
            reconnects++;
            socket = await AnswerSocket.open(server.port, '127.0.0.1');
            sockets.push(socket);
          }
        }
      })();
      const during = await probe(flooding, 100_000);
      await attack;

      const figures = victimLatency(alone, during);
      const answered = statuses.get(200) ?? 0;
      const refused = statuses.get(429) ?? 0;
      const rss = await server.rss();
      recordResult({
        scenario: 'Reconcile flood from one socket',
        passed: figures.p99 < P99_BOUND_MS && refused > 0,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: null,
        memoryMiB: rss === undefined ? null : Math.round(rss / 2 ** 20),
        notes: `one socket, 1,000-entry reconciles for ${FLOOD_MS / 1000} s (alternately one URI 1,000 times and ${RECORDS} distinct records): ${answered} answered, ${refused} answered 429, ${reconnects} reconnects after 4429; another address's GET /entries?limit=50: alone p50 ${figures.aloneP50} / p99 ${figures.aloneP99} ms, during the flood p50 ${figures.p50} / p99 ${figures.p99} ms (${during.length} GETs)`,
      });
      expect(refused).toBeGreaterThan(0);
      expect(during.length).toBeGreaterThan(20);
      expect(figures.p99).toBeLessThan(P99_BOUND_MS);
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      for (const socket of sockets) socket.close();
      await server.stop();
    }
  });
});
