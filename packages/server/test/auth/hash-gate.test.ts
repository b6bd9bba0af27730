import { describe, expect, it } from 'vitest';
import { createHashGate } from '../../src/auth/hash-gate.js';

/** A hash the test finishes by hand, recording when it started. */
function controlledHash(log: string[], name: string) {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { run: () => (log.push(`start ${name}`), done.then(() => name)), finish };
}

describe('the bound on concurrent password hashing', () => {
  it('sign-ups never take the last slot: a sign-in starts at once while sign-ups queue', async () => {
    const gate = createHashGate({ concurrency: 2, maxQueued: 10 });
    const log: string[] = [];
    const signUps = Array.from({ length: 4 }, (_, i) => controlledHash(log, `up${i}`));
    const pending = signUps.map((hash) => gate.run('sign-up', 'a', hash.run));
    await Promise.resolve();
    expect(log).toEqual(['start up0']);
    expect(gate.load).toEqual({ running: 1, queued: { 'sign-in': 0, 'sign-up': 3 } });
    const signIn = controlledHash(log, 'in');
    const signedIn = gate.run('sign-in', 'b', signIn.run);
    expect(log).toEqual(['start up0', 'start in']);
    signIn.finish();
    expect(await signedIn).toBe('in');
    for (const hash of signUps) hash.finish();
    expect(await Promise.all(pending)).toEqual(['up0', 'up1', 'up2', 'up3']);
    expect(gate.load.running).toBe(0);
  });

  it('waiting sign-ins go before waiting sign-ups when a slot frees', async () => {
    const gate = createHashGate({ concurrency: 2, maxQueued: 10 });
    const log: string[] = [];
    const up0 = controlledHash(log, 'up0');
    const in0 = controlledHash(log, 'in0');
    const up1 = controlledHash(log, 'up1');
    const in1 = controlledHash(log, 'in1');
    const all = [gate.run('sign-up', 'a', up0.run), gate.run('sign-in', 'a', in0.run), gate.run('sign-up', 'a', up1.run), gate.run('sign-in', 'a', in1.run)];
    expect(log).toEqual(['start up0', 'start in0']);
    up0.finish();
    await all[0];
    // up1 waited longer, but in1 is a sign-in.
    expect(log).toEqual(['start up0', 'start in0', 'start in1']);
    in0.finish();
    await all[1];
    expect(log.at(-1)).toBe('start up1');
    in1.finish();
    up1.finish();
    await Promise.all(all);
  });

  it('waiting hashes take turns by address: one address’s queue delays another’s request by one hash, not by its whole queue', async () => {
    const gate = createHashGate({ concurrency: 1, maxQueued: 10 });
    const log: string[] = [];
    const flood = Array.from({ length: 5 }, (_, i) => controlledHash(log, `attacker${i}`));
    const flooding = flood.map((hash) => gate.run('sign-in', '203.0.113.7', hash.run));
    const victim = controlledHash(log, 'victim');
    const victimDone = gate.run('sign-in', '192.0.2.1', victim.run);
    flood[0]!.finish();
    await flooding[0];
    expect(log).toEqual(['start attacker0', 'start victim']);
    victim.finish();
    expect(await victimDone).toBe('victim');
    for (const hash of flood) hash.finish();
    await Promise.all(flooding);
  });

  it('beyond the queue, a request is answered 503 unavailable with Retry-After at once, and its hash never runs', async () => {
    const gate = createHashGate({ concurrency: 1, maxQueued: 1 });
    const log: string[] = [];
    const first = controlledHash(log, 'a');
    const second = controlledHash(log, 'b');
    const running = gate.run('sign-up', 'a', first.run);
    const queued = gate.run('sign-up', 'a', second.run);
    const refused = gate.run('sign-up', 'b', controlledHash(log, 'c').run);
    await expect(refused).rejects.toMatchObject({ code: 'unavailable', status: 503, headers: { 'retry-after': '1' } });
    first.finish();
    second.finish();
    expect(await Promise.all([running, queued])).toEqual(['a', 'b']);
    expect(log).toEqual(['start a', 'start b']);
  });
});
