import { describe, expect, it } from 'vitest';
import type { PasswordAuthOptions } from '../../src/index.js';
import { createSignedInSyncline } from '../support/signed-in.js';
import { byStatus, postFrom } from './auth-requests.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

const OWNER = '198.51.100.20';
const ATTACKER = '203.0.113.7';
const RIGHT = 'correct horse';

async function serverWithAna(options: PasswordAuthOptions = {}) {
  const clock = createManualClock();
  const syncline = await createSignedInSyncline(options, { clock });
  expect((await postFrom(syncline, OWNER, '/users', 'ana', RIGHT)).status).toBe(201);
  // The server's own timers (heartbeat, sweeps, the feed's poll): a held sign-in adds one.
  const idle = clock.pending;
  return { syncline, clock, held: () => clock.pending - idle };
}

describe('sign-in lockout cannot be turned against the owner', () => {
  it('a stranger hammering a username from another address does not lock its owner out', async () => {
    const { syncline } = await serverWithAna();
    await using _ = syncline;
    const guesses = [];
    for (let i = 0; i < 30; i++) guesses.push(await postFrom(syncline, ATTACKER, '/session', 'ana', `guess ${i}`));
    expect(byStatus(guesses)).toEqual({ 401: 5, 429: 25 });
    expect(Number(guesses.at(-1)?.headers['retry-after'])).toBeGreaterThan(0);
    const owner = await postFrom(syncline, OWNER, '/session', 'ana', RIGHT);
    expect(owner.status).toBe(201);
    expect(owner.body.user.id).toBe('ana');
  });

  it('parallel guesses are counted before they are checked: 20 at once from one address get 5 answers 401, the rest 429', async () => {
    const { syncline } = await serverWithAna();
    await using _ = syncline;
    const guesses = await Promise.all(Array.from({ length: 20 }, (_, i) => postFrom(syncline, ATTACKER, '/session', 'ana', `guess ${i}`)));
    expect(byStatus(guesses)).toEqual({ 401: 5, 429: 15 });
  });

  it('one address is refused after 20 failures over any usernames, and again allowed when the window ends on the clock', async () => {
    const { syncline, clock } = await serverWithAna({ maxFailuresPerAddress: 20 });
    await using _ = syncline;
    const names = Array.from({ length: 21 }, (_, i) => `name-${i}`);
    const answers = [];
    for (const name of names) answers.push(await postFrom(syncline, ATTACKER, '/session', name, 'wrong password'));
    expect(byStatus(answers)).toEqual({ 401: 20, 429: 1 });
    expect((await postFrom(syncline, OWNER, '/session', 'ana', RIGHT)).status).toBe(201);
    await clock.advance(15 * 60_000);
    expect((await postFrom(syncline, ATTACKER, '/session', 'name-0', 'wrong password')).status).toBe(401);
  });

  it('IPv6 addresses count by /64, and an IPv4-mapped address as its IPv4 one', async () => {
    const { syncline } = await serverWithAna();
    await using _ = syncline;
    const sameNetwork = ['2001:db8:1:2::1', '2001:db8:1:2::2', '2001:db8:1:2:ffff::3', '2001:0db8:0001:0002::4', '2001:db8:1:2:aaaa:bbbb:cccc:dddd'];
    for (const address of sameNetwork) expect((await postFrom(syncline, address, '/session', 'ana', 'wrong password')).status).toBe(401);
    expect((await postFrom(syncline, '2001:db8:1:2::99', '/session', 'ana', RIGHT)).status).toBe(429);
    expect((await postFrom(syncline, '2001:db8:1:3::1', '/session', 'ana', RIGHT)).status).toBe(201);
    for (let i = 0; i < 5; i++) await postFrom(syncline, '::ffff:192.0.2.1', '/session', 'ana', 'wrong password');
    expect((await postFrom(syncline, '192.0.2.1', '/session', 'ana', RIGHT)).status).toBe(429);
  });

  it('a username guessed at from many addresses is slowed to one check per interval, never refused; its owner’s address is not slowed', async () => {
    const { syncline, clock, held: waiting } = await serverWithAna({ slowAfterFailures: 3, slowIntervalMs: 10_000 });
    await using _ = syncline;
    // The owner signed in from here before: a known address for ana.
    expect((await postFrom(syncline, OWNER, '/session', 'ana', RIGHT)).status).toBe(201);
    for (let i = 1; i <= 4; i++) expect((await postFrom(syncline, `203.0.113.${i}`, '/session', 'ana', 'wrong password')).status).toBe(401);

    // Past 3 failures: the next check waits for ana's next turn, 10 s after the last one.
    let answered: number | undefined;
    const held = postFrom(syncline, '203.0.113.5', '/session', 'ana', 'wrong password').then((answer) => (answered = answer.status));
    await expect.poll(waiting).toBe(1);
    expect((await postFrom(syncline, OWNER, '/session', 'ana', RIGHT)).status).toBe(201);
    expect(answered).toBeUndefined();
    // A second one from the address already waiting is refused, so the queue holds one per address.
    expect((await postFrom(syncline, '203.0.113.5', '/session', 'ana', 'wrong password')).status).toBe(429);
    await clock.advance(10_000);
    await held;
    expect(answered).toBe(401);

    // The owner from a new address is slowed too, but gets in.
    const travelling = postFrom(syncline, '192.0.2.44', '/session', 'ana', RIGHT);
    await expect.poll(waiting).toBe(1);
    await clock.advance(10_000);
    expect((await travelling).status).toBe(201);
  });

  it('the right password from a pair that failed too often is refused until the window ends', async () => {
    const { syncline, clock } = await serverWithAna({ maxFailures: 3 });
    await using _ = syncline;
    for (let i = 0; i < 3; i++) expect((await postFrom(syncline, OWNER, '/session', 'ana', `guess ${i}`)).status).toBe(401);
    const limited = await postFrom(syncline, OWNER, '/session', 'ana', RIGHT);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBe(15 * 60);
    await clock.advance(15 * 60_000);
    expect((await postFrom(syncline, OWNER, '/session', 'ana', RIGHT)).status).toBe(201);
  });
});
