// The fuzzed authorization matrix (issue 7): random users share lists and write todos over
// HTTP and WebSocket while every user keeps live subscriptions open on real sockets; after
// every step each response, each pushed event and each subscription's content is checked
// against a model of who may see what (support/matrix.ts). A failure prints the seed and
// the shrunk command sequence; replay with SYNCLINE_AUTHZ_SEED=<seed>.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSyncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { MATRIX_SEED, matrixProperty, matrixStats } from './support/matrix.js';
import { sharingResources, userFromHeader } from './support/sharing-resources.js';

/** The runs were not vacuous: events of every kind were pushed, and every kind of refusal was met. */
function expectExercised(): void {
  const { events, statuses } = matrixStats;
  for (const op of ['collection enter', 'collection update', 'collection leave']) expect(events[op], op).toBeGreaterThan(0);
  for (const status of ['POST 201', 'POST 422', 'PATCH 200', 'PATCH 403', 'PATCH 404', 'GET 200', 'SUBSCRIBE 200', 'SUBSCRIBE 404']) expect(statuses[status], status).toBeGreaterThan(0);
}

describe('authorization matrix on SQLite (one server)', () => {
  it('every response and pushed event is one the user may see, no hidden field leaves, subscriptions hold what the rule allows', async () => {
    const syncline = await createSyncline({
      resources: sharingResources('correct').resources,
      storage: createSqliteStorage({ filename: ':memory:' }),
      context: userFromHeader,
      onError: () => {},
    });
    try {
      const { port } = await syncline.listen(0, '127.0.0.1');
      const servers = { writer: syncline, reader: syncline, writerPort: port, readerPort: port };
      await fc.assert(matrixProperty(servers, 40), { seed: MATRIX_SEED, numRuns: 150, verbose: 1 });
      expectExercised();
    } finally {
      await syncline.close();
    }
  }, 60_000);
});
