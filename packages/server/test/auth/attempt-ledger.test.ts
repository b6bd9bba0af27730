import { describe, expect, it } from 'vitest';
import { createAttemptLedger } from '../../src/auth/attempt-ledger.js';
import { createManualClock } from '../../src/testing/manual-clock.js';

describe('the ledger of sign-in and sign-up counts', () => {
  it('keeps at most maxEntries, forgetting the one counted least recently', () => {
    const ledger = createAttemptLedger({ maxEntries: 3, clock: createManualClock() });
    for (const key of ['a', 'b', 'c']) ledger.add(key, 60_000);
    ledger.add('a', 60_000);
    for (const key of ['d', 'e']) ledger.add(key, 60_000);
    expect(ledger.size).toBe(3);
    expect(['a', 'b', 'c', 'd', 'e'].map((key) => ledger.count(key))).toEqual([2, 0, 0, 1, 1]);
  });

  it('10,000 distinct names hold no more entries than the bound', () => {
    const ledger = createAttemptLedger({ maxEntries: 1000, clock: createManualClock() });
    for (let i = 0; i < 10_000; i++) ledger.add(`user name-${i}`, 60_000);
    expect(ledger.size).toBe(1000);
  });

  it('forgets a window when it ends on the clock', async () => {
    const clock = createManualClock();
    const ledger = createAttemptLedger({ maxEntries: 10, clock });
    ledger.add('a', 1000, 3);
    await clock.advance(999);
    expect(ledger.count('a')).toBe(3);
    expect(ledger.remainingMs('a')).toBe(1);
    await clock.advance(1);
    expect(ledger.count('a')).toBe(0);
    expect(ledger.size).toBe(0);
  });
});
