import { describe, expect, it } from 'vitest';
import { createSignedInSyncline } from '../support/signed-in.js';
import { byStatus, postFrom } from './auth-requests.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

describe('sign-up cannot be used to exhaust the server', () => {
  it('an address gets 5 sign-ups in 10 minutes, then 429 with Retry-After; other addresses still sign up, and it may again when the window ends', async () => {
    const clock = createManualClock();
    await using syncline = await createSignedInSyncline({}, { clock });
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await postFrom(syncline, '203.0.113.7', '/users', `user-${i}`, 'correct horse'));
    expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201, 201, 201, 429, 429]);
    expect(answers[5]?.body.code).toBe('rate-limited');
    expect(Number(answers[5]?.headers['retry-after'])).toBe(600);
    // A taken name counts too: it cannot be used to probe names for free.
    expect((await postFrom(syncline, '192.0.2.1', '/users', 'user-0', 'correct horse')).status).toBe(409);
    expect((await postFrom(syncline, '192.0.2.1', '/users', 'ana', 'correct horse')).status).toBe(201);
    await clock.advance(10 * 60_000);
    expect((await postFrom(syncline, '203.0.113.7', '/users', 'user-7', 'correct horse')).status).toBe(201);
  });

  it('a sign-up with an unacceptable name or password is refused before it is counted', async () => {
    await using syncline = await createSignedInSyncline({ maxSignUpsPerAddress: 1 });
    const huge = 'a'.repeat(1024 * 1024);
    for (const [username, password] of [[huge, 'correct horse'], ['ana', huge], ['a', 'correct horse']] as const) {
      expect((await postFrom(syncline, '203.0.113.7', '/users', username, password)).status).toBe(422);
    }
    expect((await postFrom(syncline, '203.0.113.7', '/users', 'ana', 'correct horse')).status).toBe(201);
  });

  it('parallel sign-ups past the hashing bound and its queue are answered 503 with Retry-After, without running their hash', async () => {
    await using syncline = await createSignedInSyncline({ maxSignUpsPerAddress: 1000, hashConcurrency: 2, maxQueuedHashes: 2 });
    const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => postFrom(syncline, '203.0.113.7', '/users', `user-${i}`, 'correct horse')));
    const counts = byStatus(answers);
    // At most one sign-up hashes at a time (the other slot is kept for sign-ins) and two wait.
    expect(counts[201]).toBeGreaterThanOrEqual(3);
    expect(counts[503]).toBeGreaterThan(0);
    expect((counts[201] ?? 0) + (counts[503] ?? 0)).toBe(24);
    const refused = answers.find((answer) => answer.status === 503);
    expect(refused?.body.code).toBe('unavailable');
    expect(refused?.headers['retry-after']).toBe('1');
    // Exactly those answered 201 exist.
    const users = await syncline.execute({ method: 'GET', uri: '/users?limit=100', headers: {}, body: undefined, context: { transport: 'internal' } });
    const created = (users.body as { items: Array<{ id: string }> }).items.map((user) => user.id).sort();
    expect(created).toEqual(answers.flatMap((answer, i) => (answer.status === 201 ? [`user-${i}`] : [])).sort());
  });
});

describe('sign-in input is checked before anything is recorded', () => {
  it('a 1 MiB username or password is refused 422 at once, naming the field', async () => {
    await using syncline = await createSignedInSyncline();
    const huge = 'a'.repeat(1024 * 1024 - 100);
    const name = await postFrom(syncline, '203.0.113.7', '/session', huge, 'wrong password');
    expect(name.status).toBe(422);
    expect(name.body.errors.map((error: { path: string[] }) => error.path[0])).toEqual(['username']);
    const password = await postFrom(syncline, '203.0.113.7', '/session', 'ana', huge);
    expect(password.status).toBe(422);
    expect(password.body.errors.map((error: { path: string[] }) => error.path[0])).toEqual(['password']);
  });

  it('refused input does not count as a failed sign-in', async () => {
    await using syncline = await createSignedInSyncline({ maxFailures: 2, maxFailuresPerAddress: 2 });
    expect((await postFrom(syncline, '203.0.113.7', '/users', 'ana', 'correct horse')).status).toBe(201);
    for (let i = 0; i < 10; i++) expect((await postFrom(syncline, '203.0.113.7', '/session', `x${'y'.repeat(40)}${i}`, 'wrong password')).status).toBe(422);
    expect((await postFrom(syncline, '203.0.113.7', '/session', 'ana', 'correct horse')).status).toBe(201);
  });
});
