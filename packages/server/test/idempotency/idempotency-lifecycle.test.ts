import { parseIdempotencyKey } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, loadConfig } from '../../src/index.js';
import { createIdempotency } from '../../src/pipeline/idempotency.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import type { Storage } from '../../src/storage/storage.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { keyedServer } from './idempotency-support.js';

describe('idempotency keys: settings, sweep and key syntax', () => {
  it('keys last 24 hours and a reconcile holds 1000 entries by default; both have variables', () => {
    expect(DEFAULT_LIMITS.idempotencyTtlMs).toBe(86_400_000);
    expect(DEFAULT_LIMITS.maxReconcileEntries).toBe(1000);
    const { limits } = loadConfig({ SYNCLINE_IDEMPOTENCY_TTL_MS: '60000', SYNCLINE_RECONCILE_MAX_ENTRIES: '50' });
    expect([limits.idempotencyTtlMs, limits.maxReconcileEntries]).toEqual([60_000, 50]);
    expect(() => loadConfig({ SYNCLINE_IDEMPOTENCY_TTL_MS: '0' })).toThrow(/SYNCLINE_IDEMPOTENCY_TTL_MS/);
  });

  it('the sweep runs every tenth of the TTL and stops when the server closes, which leaves no timer behind', async () => {
    const clock = createManualClock();
    const start = clock.now();
    const sqlite = createSqliteStorage({ filename: ':memory:' });
    const sweeps: number[] = [];
    const storage: Storage = Object.assign(Object.create(sqlite) as Storage, {
      trimOutcomes: (now: number) => (sweeps.push(now - start), sqlite.trimOutcomes(now)),
    });
    const { app } = await keyedServer({ clock, storage, ttlMs: 60_000 });
    await clock.advance(5_999);
    expect(sweeps).toEqual([]);
    await clock.advance(1);
    expect(sweeps).toEqual([6_000]);
    await clock.advance(12_000);
    expect(sweeps).toEqual([6_000, 12_000, 18_000]);
    expect(clock.pending).toBeGreaterThan(0);
    await app.close();
    expect(clock.pending).toBe(0);
    await clock.advance(60_000);
    expect(sweeps).toHaveLength(3);
  });

  it('a failing sweep is reported, not thrown', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    const clock = createManualClock();
    const reported: string[] = [];
    const idempotency = createIdempotency({ storage, ttlMs: 1000, clock, reportError: (_error, where) => reported.push(where) });
    await clock.advance(1_000); // the first sweep; not migrated: the outcomes table does not exist
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
