import { describe, expect, it } from 'vitest';
import type { StoredOutcome } from '../../storage/storage.js';
import { draft, itemsResource, type OpenStorage } from './fixtures.js';

const NOW = 1_700_000_000_000;
const HOUR = 3_600_000;

function outcome(key: string, overrides: Partial<StoredOutcome> = {}): StoredOutcome {
  return {
    key,
    fingerprint: 'f1',
    status: 201,
    headers: { 'content-type': 'application/json', etag: '"1"', location: '/items/a' },
    body: { id: 'a', nested: { list: [1, 'two', null, true] }, text: 'ünïcødé 😀' },
    expiresAt: NOW + HOUR,
    ...overrides,
  };
}

/** Saved outcomes of idempotent writes: saved with the write, found by key, kept until they expire. */
export function outcomeCases(open: OpenStorage): void {
  describe('idempotency outcomes', () => {
    it('an outcome saved in a write is found by its key, whole', async () => {
      const storage = await open();
      expect(await storage.write((tx) => tx.saveOutcome(outcome('["u","k1"]'), NOW))).toBe(true);
      expect(await storage.read((tx) => tx.findOutcome('["u","k1"]'))).toEqual(outcome('["u","k1"]'));
      expect(await storage.read((tx) => tx.findOutcome('["u","k2"]'))).toBeUndefined();
    });

    it('an answer without a body reads back without one', async () => {
      const storage = await open();
      const { body: _body, ...noBody } = outcome('k');
      await storage.write((tx) => tx.saveOutcome({ ...noBody, status: 204, headers: {} }, NOW));
      const found = await storage.read((tx) => tx.findOutcome('k'));
      expect(found).toEqual({ ...noBody, status: 204, headers: {} });
      expect(found && 'body' in found).toBe(false);
    });

    it('a second save under an unexpired key answers false and changes nothing', async () => {
      const storage = await open();
      await storage.write((tx) => tx.saveOutcome(outcome('k'), NOW));
      expect(await storage.write((tx) => tx.saveOutcome(outcome('k', { fingerprint: 'f2', status: 200 }), NOW))).toBe(false);
      expect(await storage.read((tx) => tx.findOutcome('k'))).toEqual(outcome('k'));
    });

    it('a save replaces an outcome that has expired', async () => {
      const storage = await open();
      await storage.write((tx) => tx.saveOutcome(outcome('k', { expiresAt: NOW }), NOW - HOUR));
      const fresh = outcome('k', { fingerprint: 'f2', status: 200, expiresAt: NOW + 2 * HOUR });
      expect(await storage.write((tx) => tx.saveOutcome(fresh, NOW))).toBe(true);
      expect(await storage.read((tx) => tx.findOutcome('k'))).toEqual(fresh);
    });

    it('an outcome rolls back with the write it answers', async () => {
      const storage = await open();
      const failed = storage.write(async (tx) => {
        await tx.apply({ kind: 'create', resource: itemsResource.name, after: draft('r1', { name: 'r1', rank: 1, value: 1, active: true, group: 'a' }) });
        await tx.saveOutcome(outcome('k'), NOW);
        throw new Error('the write fails after saving');
      });
      await expect(failed).rejects.toThrow('the write fails after saving');
      expect(await storage.read((tx) => tx.findOutcome('k'))).toBeUndefined();
      expect(await storage.read((tx) => tx.get(itemsResource.name, 'r1'))).toBeUndefined();
      expect(await storage.read((tx) => tx.head())).toBe(0);
    });

    it('trimOutcomes deletes only the outcomes expired at or before the given time', async () => {
      const storage = await open();
      await storage.write(async (tx) => {
        await tx.saveOutcome(outcome('old', { expiresAt: NOW - 1 }), NOW - HOUR);
        await tx.saveOutcome(outcome('edge', { expiresAt: NOW }), NOW - HOUR);
        await tx.saveOutcome(outcome('new', { expiresAt: NOW + 1 }), NOW - HOUR);
      });
      expect(await storage.trimOutcomes(NOW)).toBe(2);
      expect(await storage.read((tx) => tx.findOutcome('old'))).toBeUndefined();
      expect(await storage.read((tx) => tx.findOutcome('edge'))).toBeUndefined();
      expect((await storage.read((tx) => tx.findOutcome('new')))?.key).toBe('new');
      expect(await storage.trimOutcomes(NOW)).toBe(0);
    });

    it('migrating again keeps saved outcomes', async () => {
      const storage = await open();
      await storage.write((tx) => tx.saveOutcome(outcome('k'), NOW));
      await storage.migrate([itemsResource]);
      expect((await storage.read((tx) => tx.findOutcome('k')))?.fingerprint).toBe('f1');
    });
  });
}
