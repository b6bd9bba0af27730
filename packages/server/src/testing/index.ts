/**
 * `@syncline/server/testing`: suites that adapters run to show they keep the contract.
 * Imports Vitest, so load it from tests only.
 *
 * @example
 * import { runBackplaneConformance, runStorageConformance } from '@syncline/server/testing';
 * runStorageConformance('my storage', async () => createMyStorage());
 * runBackplaneConformance('my backplane', async () => [createMyBackplane(), createMyBackplane()]);
 */
export { runStorageConformance, type StorageConformanceOptions } from './storage-conformance.js';
export { runBackplaneConformance, type MakeBackplanes } from './backplane-conformance.js';
