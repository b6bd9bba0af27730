/**
 * `@syncline/server/testing`: suites that adapters run to show they keep the contract, and
 * the manual clock tests move time with.
 * Imports Vitest, so load it from tests only.
 *
 * @example
 * import { runBackplaneConformance, runStorageConformance } from '@syncline/server/testing';
 * runStorageConformance('my storage', async () => createMyStorage());
 * runBackplaneConformance('my backplane', async () => [createMyBackplane(), createMyBackplane()]);
 * const clock = createManualClock(); // createSyncline({ …, clock }), then `await clock.advance(ms)`
 */
export { runStorageConformance, type StorageConformanceOptions } from './storage-conformance.js';
export { runBackplaneConformance, type MakeBackplanes } from './backplane-conformance.js';
export { createManualClock, type ManualClock } from './manual-clock.js';
