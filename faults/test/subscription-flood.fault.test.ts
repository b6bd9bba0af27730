import { describe, expect, it } from 'vitest';
import { AnswerSocket, seedEntries, timedGet } from '../src/abuse-clients.js';
import { freePort, waitUntil } from '../src/free-port.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { fetchStats, quantile } from '../src/server-stats.js';

// Scenario: one address (127.0.0.1) opens connections and subscribes with URIs as long as the
// server allows (2,048 bytes, the default) until it is refused, and tries 8 KB ones besides. At the
// defaults its share is 8 MiB of URIs (4,096 such subscriptions), whatever the number of its
// connections. Meanwhile a user at another address (127.0.0.2) times GETs and SUBSCRIBEs.
// Bounds (docs/reliability.md): victim p99 under 1,000 ms for both (the same probe before the attack
// is recorded beside it), server memory growth under 192 MiB.
const CONNECTIONS = 40;
const PER_CONNECTION = 150;
const URI_BYTES = 2048;
const LONG_TRIES = 100;
const SHARE = Math.floor((8 * 1024 * 1024) / URI_BYTES);
const P99_BOUND_MS = 1000;
const MEMORY_BOUND_MIB = 192;

/** A valid collection URI of exactly `bytes` bytes, distinct per `tag`. */
const uriOf = (tag: string, bytes: number): string => {
  const head = `/entries?writer=${tag}-`;
  return head + 'x'.repeat(bytes - head.length);
};

describe('subscription flood from one address', () => {
  it('the address and URI bounds hold, memory stays bounded, and another user is served', async () => {
    const server = await ServerProcess.start({ DATABASE_URL: 'sqlite::memory:', PORT: String(await freePort()) });
    const sockets: AnswerSocket[] = [];
    try {
      await seedEntries(server.base, 50);
      const victim = await AnswerSocket.open(server.port, '127.0.0.2');
      sockets.push(victim);
      const rssBefore = (await server.rss()) ?? 0;

      let attacking = true;
      let getMs: number[] = [];
      let subscribeMs: number[] = [];
      const probe = async (rounds: number): Promise<void> => {
        for (let round = 0; attacking && round < rounds; round++) {
          const get = await timedGet(server.port, '/entries?limit=20', '127.0.0.2');
          if (get.status === 200) getMs.push(get.ms);
          const started = performance.now();
          const answer = await victim.ask({ method: 'SUBSCRIBE', resource: '/entries?writer=seed' });
          if (answer.status === 200) subscribeMs.push(performance.now() - started);
          await victim.ask({ method: 'UNSUBSCRIBE', resource: '/entries', headers: { 'syncline-subscription': answer.id } });
        }
      };
      await probe(30);
      const baseline = { get: Math.round(quantile(getMs, 0.99)), subscribe: Math.round(quantile(subscribeMs, 0.99)) };
      getMs = [];
      subscribeMs = [];
      const probing = probe(5000);

      const statuses = new Map<number, number>();
      const count = (status: number): void => void statuses.set(status, (statuses.get(status) ?? 0) + 1);
      const started = Date.now();
      const attackers = await Promise.all(Array.from({ length: CONNECTIONS }, () => AnswerSocket.open(server.port, '127.0.0.1')));
      sockets.push(...attackers);
      // Each connection subscribes one request at a time (under its in-flight and message bounds), all connections at once.
      await Promise.all(attackers.map(async (socket, c) => {
        for (let i = 0; i < PER_CONNECTION; i++) count((await socket.ask({ method: 'SUBSCRIBE', resource: uriOf(`${c}-${i}`, URI_BYTES) })).status);
      }));
      let tooLong = 0;
      for (let i = 0; i < LONG_TRIES; i++) {
        if ((await attackers[0]!.ask({ method: 'SUBSCRIBE', resource: uriOf(`long-${i}`, 8192) })).status === 414) tooLong++;
      }
      const attackMs = Date.now() - started;
      const rssAfter = (await server.rss()) ?? 0;
      // The victim's probe subscribes and unsubscribes in turn: stop it first, so the count is the attacker's alone.
      attacking = false;
      await probing;
      const held = (await fetchStats(server.base)).subscriptions;

      // Closing the attacker's connections frees its whole share.
      for (const socket of attackers) socket.close();
      const freedMs = await waitUntil(async () => (await fetchStats(server.base)).subscriptions === 0, 'every attacker subscription freed');
      const growthMiB = Math.round((rssAfter - rssBefore) / 2 ** 20);
      const accepted = statuses.get(200) ?? 0;
      const refused = statuses.get(429) ?? 0;
      const figures = {
        getP50: Math.round(quantile(getMs, 0.5)),
        getP99: Math.round(quantile(getMs, 0.99)),
        subscribeP50: Math.round(quantile(subscribeMs, 0.5)),
        subscribeP99: Math.round(quantile(subscribeMs, 0.99)),
      };
      recordResult({
        scenario: 'Subscription flood from one address',
        passed: accepted === SHARE && tooLong === LONG_TRIES && figures.getP99 < P99_BOUND_MS && figures.subscribeP99 < P99_BOUND_MS && growthMiB < MEMORY_BOUND_MIB,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: freedMs,
        memoryMiB: rssAfter === 0 ? null : Math.round(rssAfter / 2 ** 20),
        notes: `${CONNECTIONS} connections × ${PER_CONNECTION} SUBSCRIBEs of ${URI_BYTES}-byte URIs in ${attackMs} ms: ${accepted} held (the address's 8 MiB), ${refused} answered 429, ${tooLong}/${LONG_TRIES} 8 KB URIs answered 414; memory +${growthMiB} MiB; another address: GET p50 ${figures.getP50} / p99 ${figures.getP99} ms (${getMs.length}), SUBSCRIBE p50 ${figures.subscribeP50} / p99 ${figures.subscribeP99} ms (${subscribeMs.length}; before the attack p99 ${baseline.get} and ${baseline.subscribe} ms); freed ${freedMs} ms after the attacker closed`,
      });
      expect(accepted).toBe(SHARE);
      expect(held).toBe(SHARE);
      expect(refused).toBe(CONNECTIONS * PER_CONNECTION - SHARE);
      expect(tooLong).toBe(LONG_TRIES);
      expect(getMs.length).toBeGreaterThan(10);
      expect(figures.getP99).toBeLessThan(P99_BOUND_MS);
      expect(figures.subscribeP99).toBeLessThan(P99_BOUND_MS);
      expect(growthMiB).toBeLessThan(MEMORY_BOUND_MIB);
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      for (const socket of sockets) socket.close();
      await server.stop();
    }
  });
});
