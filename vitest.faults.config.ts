import { defineConfig } from 'vitest/config';
import { sourceResolve } from './test/source-conditions.js';

// `npm run test:faults`: the fault scenarios (real processes, private Redis and PostgreSQL),
// one file at a time so their figures are not skewed by each other. Not part of `npm test`.
export default defineConfig({
  ...sourceResolve,
  test: {
    include: ['faults/**/*.fault.test.ts'],
    globalSetup: ['faults/src/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 90_000,
    hookTimeout: 60_000,
  },
});
