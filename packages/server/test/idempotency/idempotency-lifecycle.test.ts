import { parseIdempotencyKey } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadConfig } from '../../src/index.js';
import { createIdempotency } from '../../src/pipeline/idempotency.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { keyedServer, manualClock } from './idempotency-support.js';

describe('idempotency keys: settings, sweep and key syntax', () => {
  it('keys last 24 hours and a reconcile holds 1000 entries by default; both have variables', () => {
    expect(DEFAULT_LIMITS.idempotencyTtlMs).toBe(86_400_000);
    expect(DEFAULT_LIMITS.maxReconcileEntries).toBe(1000);
    const { limits } = loadConfig({ SYNCLINE_IDEMPOTENCY_TTL_MS: '60000', SYNCLINE_RECONCILE_MAX_ENTRIES: '50' });
    expect([limits.idempotencyTtlMs, limits.maxReconcileEntries]).toEqual([60_000, 50]);
    expect(() => loadConfig({ SYNCLINE_IDEMPOTENCY_TTL_MS: '0' })).toThrow(/SYNCLINE_IDEMPOTENCY_TTL_MS/);
  });

  it('the sweep is scheduled at a tenth of the TTL and stops when the server closes', async () => {
    const clock = manualClock();
    const scheduled: number[] = [];
    const counting = { ...clock, every: (ms: number, tick: () => void) => (scheduled.push(ms), clock.every(ms, tick)) };
    const { app } = await keyedServer({ clock: counting, ttlMs: 60_000 });
    expect(scheduled).toEqual([6_000]);
    expect(clock.pending()).toBe(1);
    await app.close();
    expect(clock.pending()).toBe(0);
  });

  it('a failing sweep is reported, not thrown', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    const clock = manualClock();
    const reported: string[] = [];
    const idempotency = createIdempotency({ storage, ttlMs: 1000, clock, reportError: (_error, where) => reported.push(where) });
    clock.tick(); // not migrated: the outcomes table does not exist
    await expect.poll(() => reported).toEqual(['idempotency key sweep']);
    idempotency.close();
    await storage.close();
  });

  it('a key is 1 to 255 visible ASCII characters, bare or quoted', () => {
    expect(parseIdempotencyKey('abc-123')).toBe('abc-123');
    expect(parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey(' k ')).toBe('k');
    for (const bad of ['', '""', '"', 'a b', 'a\u0000', 'ü', 'x'.repeat(256), '"a"b"', 'a, b']) expect(parseIdempotencyKey(bad), JSON.stringify(bad)).toBeUndefined();
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
  });
});
