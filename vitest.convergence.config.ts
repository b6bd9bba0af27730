import { defineConfig } from 'vitest/config';
import { sourceResolve } from './test/source-conditions.js';

// The offline client's randomized convergence test (SYNCLINE_SEED replays a seed), run by
// `npm test` after the rest, alone: its clients go offline and online on real timers, and
// sharing two cores with the whole suite skews those timings into false alarms.
export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['packages/client/test/offline-convergence.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
