/**
 * `@syncline/server/testing`: suites that adapters run to show they keep the contract.
 * Imports Vitest, so load it from tests only.
 *
 * @example
 * import { runStorageConformance } from '@syncline/server/testing';
 * runStorageConformance('my storage', async () => createMyStorage());
 */
export { runStorageConformance } from './storage-conformance.js';
