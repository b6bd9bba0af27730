// The matrix must be able to fail: run against resources whose todos read rule is subtly
// wrong, or against a server whose presence asks a weaker question than GET, it has to
// find a violation: a deliberately wrong rule that the fuzzed matrix must catch.
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createSyncline } from '../../src/index.js';
import type * as PresenceAccessModule from '../../src/presence/presence-access.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { MATRIX_SEED, Violation, matrixProperty, sqliteServers } from './support/matrix.js';
import { sharingResources, userFromHeader, type RulesVariant } from './support/sharing-resources.js';

/** Switched on by the presence cases below: presence then authorizes as it once did, or forgets to follow what its grant rests on. */
const flawedPresence = vi.hoisted(() => ({ flaw: undefined as 'get-alone' | 'never-revoked' | undefined }));

vi.mock('../../src/presence/presence-access.js', async (importOriginal) => {
  const real = await importOriginal<typeof PresenceAccessModule>();
  const authorizePresence: typeof real.authorizePresence = async (access, info, context) => {
    if (flawedPresence.flaw === undefined || !info.collection) return real.authorizePresence(access, info, context);
    if (flawedPresence.flaw === 'never-revoked') {
      // Right at the time of asking, but not told when the list it rests on changes.
      const grant = await real.authorizePresence(access, info, context);
      return grant.granted ? { granted: true } : grant;
    }
    // The old, wrong question: may the caller GET the collection at all? (The read rule then
    // only filters it to nothing, so everyone may.)
    const outcome = await access.executor.execute({ method: 'GET', uri: `${info.target}${info.target.includes('?') ? '&' : '?'}limit=1`, headers: {}, body: undefined, context });
    return outcome.status < 300 ? { granted: true } : { granted: false, refusal: outcome };
  };
  return { ...real, authorizePresence };
});

async function expectCaught(variant: RulesVariant, label: string): Promise<void> {
  const fresh = sqliteServers(() =>
    createSyncline({ resources: sharingResources(variant).resources, storage: createSqliteStorage({ filename: ':memory:' }), context: userFromHeader, onError: () => {} }),
  );
  // No shrinking: the point is only that some run fails, and that it fails as a Violation.
  const result = await fc.check(matrixProperty(fresh, 30), { seed: MATRIX_SEED, numRuns: 100, endOnFailure: true });
  expect(result.failed, `the matrix passed ${result.numRuns} runs against ${label} (seed ${MATRIX_SEED})`).toBe(true);
  expect(result.errorInstance).toBeInstanceOf(Violation);
  console.log(`${label}: caught after ${result.numRuns} run(s) (seed ${MATRIX_SEED}): ${String((result.errorInstance as Error).message).slice(0, 300)}`);
}

describe.each<{ variant: RulesVariant; why: string }>([
  { variant: 'todos-owner-only', why: "members of a list do not see its todos (the rule forgets membership)" },
  { variant: 'todos-unguarded', why: 'todos have no read rule, so anyone signed in reads any todo' },
])('the matrix catches a wrong rule: $variant', ({ variant, why }) => {
  it(`finds a violation: ${why}`, async () => {
    await expectCaught(variant, variant);
  }, 90_000);
});

describe.each<{ flaw: 'get-alone' | 'never-revoked'; why: string }>([
  { flaw: 'get-alone', why: "a collection's presence is granted to whoever may GET the collection, read rule or not" },
  { flaw: 'never-revoked', why: "a member taken off a list keeps hearing (and being in) the presence of its todos" },
])('the matrix catches a wrong presence authorization: $flaw', ({ flaw, why }) => {
  it(`finds a violation: ${why}`, async () => {
    flawedPresence.flaw = flaw;
    try {
      await expectCaught('correct', `presence ${flaw}`);
    } finally {
      flawedPresence.flaw = undefined;
    }
  }, 90_000);
});
