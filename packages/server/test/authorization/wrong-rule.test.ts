// The matrix must be able to fail: run against resources whose todos read rule is subtly
// wrong, it has to find a violation (issue 7: "a deliberately wrong rule that the fuzzed
// matrix must catch").
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSyncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { MATRIX_SEED, Violation, matrixProperty, sqliteServers } from './support/matrix.js';
import { sharingResources, userFromHeader, type RulesVariant } from './support/sharing-resources.js';

describe.each<{ variant: RulesVariant; why: string }>([
  { variant: 'todos-owner-only', why: "members of a list do not see its todos (the rule forgets membership)" },
  { variant: 'todos-unguarded', why: 'todos have no read rule, so anyone signed in reads any todo' },
])('the matrix catches a wrong rule: $variant', ({ variant, why }) => {
  it(`finds a violation: ${why}`, async () => {
    const fresh = sqliteServers(() =>
      createSyncline({ resources: sharingResources(variant).resources, storage: createSqliteStorage({ filename: ':memory:' }), context: userFromHeader, onError: () => {} }),
    );
    // No shrinking: the point is only that some run fails, and that it fails as a Violation.
    const result = await fc.check(matrixProperty(fresh, 30), { seed: MATRIX_SEED, numRuns: 100, endOnFailure: true });
    expect(result.failed, `the matrix passed ${result.numRuns} runs against the wrong rule (seed ${MATRIX_SEED})`).toBe(true);
    expect(result.errorInstance).toBeInstanceOf(Violation);
    console.log(`${variant}: caught after ${result.numRuns} run(s) (seed ${MATRIX_SEED}): ${String((result.errorInstance as Error).message).slice(0, 300)}`);
  }, 90_000);
});
