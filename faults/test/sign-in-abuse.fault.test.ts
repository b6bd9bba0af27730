import { describe, expect, it } from 'vitest';
import { CredentialsClient, type CredentialsAnswer } from '../src/credentials-client.js';
import { delay, freePort } from '../src/free-port.js';
import { recordResult } from '../src/results.js';
import { ServerProcess } from '../src/server-process.js';
import { quantile } from '../src/server-stats.js';

// Scenario: one address (127.0.0.1) floods sign-ups (24 in flight at once) and wrong
// sign-ins (8 in flight: half guessing the victim's username, half random names) for
// FLOOD_MS or FLOOD_MAX requests, whichever comes first. Meanwhile another user signs in,
// back to back, from another address (127.0.0.2). The per-address sign-up rate is lifted
// (as behind a proxy where every client shares one address), so every sign-up reaches the
// hashing bound: scrypt at its default cost, 2 at once, one slot kept for sign-ins.
// The guesses are paced (20 a second in all): the scenario is about password hashing, and a
// flood of hundreds of cheap requests a second is not bounded per address by Syncline (see
// docs/reliability.md, "What does not hold yet").
// Bound: every sign-in of the victim succeeds, with p99 within VICTIM_P99_BOUND_MS (3 s) on
// two cores shared with other work, where one sign-in alone takes 0.25–0.5 s (one scrypt);
// without the hashing bound, the same flood held it for up to 14 s. The attacker gets only
// documented answers (no 500, no reset), every 429 and 503 with `retry-after`.
const FLOOD_MS = 10_000;
const FLOOD_MAX = 3000;
const SIGN_UPS_IN_FLIGHT = 24;
const GUESSES_IN_FLIGHT = 8;
/** Each guessing lane waits this long between two guesses: 8 lanes, 20 guesses a second in all. */
const GUESS_PAUSE_MS = 400;
const VICTIM_P99_BOUND_MS = 3000;
const PASSWORD = 'correct horse battery';

describe('sign-in and sign-up flood from one address', () => {
  it('another user keeps signing in from another address, within the bound', async () => {
    const server = await ServerProcess.start({
      DATABASE_URL: 'sqlite::memory:',
      PORT: String(await freePort()),
      FAULT_AUTH: '1',
      SYNCLINE_SIGN_UP_MAX_PER_ADDRESS: '1000000',
    });
    const attacker = new CredentialsClient(server.port, '127.0.0.1');
    const victim = new CredentialsClient(server.port, '127.0.0.2');
    try {
      expect((await victim.post('/users', 'victim', PASSWORD)).status).toBe(201);
      const baseline: number[] = [];
      for (let i = 0; i < 10; i++) {
        const answer = await victim.post('/session', 'victim', PASSWORD);
        expect(answer.status).toBe(201);
        baseline.push(answer.ms);
      }

      const attackerAnswers: CredentialsAnswer[] = [];
      const deadline = Date.now() + FLOOD_MS;
      let sent = 0;
      const flooding = (): boolean => Date.now() < deadline && sent < FLOOD_MAX;
      const lane = async (send: (n: number) => Promise<CredentialsAnswer>, pauseMs = 0): Promise<void> => {
        while (flooding()) {
          attackerAnswers.push(await send(sent++));
          if (pauseMs > 0) await delay(pauseMs);
        }
      };
      const flood = Promise.all([
        ...Array.from({ length: SIGN_UPS_IN_FLIGHT }, () => lane((n) => attacker.post('/users', `flood-${n}`, PASSWORD))),
        ...Array.from({ length: GUESSES_IN_FLIGHT }, (_, i) => lane((n) => attacker.post('/session', i % 2 === 0 ? 'victim' : `guess-${n}`, `wrong ${n}`), GUESS_PAUSE_MS)),
      ]);

      const during: CredentialsAnswer[] = [];
      while (flooding()) during.push(await victim.post('/session', 'victim', PASSWORD));
      await flood;

      const byStatus: Record<string, number> = {};
      for (const { status } of attackerAnswers) byStatus[status] = (byStatus[status] ?? 0) + 1;
      const retryAfterMissing = attackerAnswers.filter((a) => (a.status === 429 || a.status === 503) && a.retryAfter === undefined).length;
      const victimMs = during.map((answer) => answer.ms);
      const victimFailed = during.filter((answer) => answer.status !== 201).length;
      const p50 = Math.round(quantile(victimMs, 0.5));
      const p99 = Math.round(quantile(victimMs, 0.99));
      const undocumented = Object.keys(byStatus).filter((status) => !['201', '401', '409', '429', '503'].includes(status));
      const passed = victimFailed === 0 && during.length > 0 && p99 <= VICTIM_P99_BOUND_MS && undocumented.length === 0 && retryAfterMissing === 0;
      const rss = await server.rss();
      recordResult({
        scenario: 'Sign-in and sign-up flood from one address',
        passed,
        acknowledged: null,
        lost: null,
        duplicated: null,
        convergeMs: null,
        memoryMiB: rss === undefined ? null : Math.round(rss / 2 ** 20),
        notes:
          `${attackerAnswers.length} attacker requests in ${FLOOD_MS / 1000} s (${SIGN_UPS_IN_FLIGHT} sign-ups and ${GUESSES_IN_FLIGHT} wrong sign-ins in flight, per-address sign-up rate lifted) answered ${JSON.stringify(byStatus)}, every 429/503 with retry-after: ${retryAfterMissing === 0}; ` +
          `the other address's sign-ins: ${during.length}, ${victimFailed} failed, p50 ${p50} ms, p99 ${p99} ms (bound ${VICTIM_P99_BOUND_MS} ms; alone before the flood p50 ${Math.round(quantile(baseline, 0.5))} ms, p99 ${Math.round(quantile(baseline, 0.99))} ms)`,
      });
      expect(victimFailed).toBe(0);
      expect(during.length).toBeGreaterThan(0);
      expect(p99).toBeLessThanOrEqual(VICTIM_P99_BOUND_MS);
      expect(undocumented).toEqual([]);
      expect(retryAfterMissing).toBe(0);
      expect(byStatus['429']).toBeGreaterThan(0);
      expect(server.unexpectedExits).toEqual([]);
    } finally {
      attacker.close();
      victim.close();
      await server.stop();
    }
  });
});
