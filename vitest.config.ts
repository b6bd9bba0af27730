import { defineConfig } from 'vitest/config';
import { sourceResolve } from './test/source-conditions.js';

export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['packages/*/test/**/*.test.{ts,tsx}', 'apps/*/test/**/*.test.ts', 'examples/*/test/**/*.test.ts'],
    // Run on its own right after (vitest.convergence.config.ts): its clients race real timers, which a saturated machine skews.
    exclude: ['**/node_modules/**', 'packages/client/test/offline-convergence.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
