import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe } from 'vitest';
import { createMemoryBackplane, createMemoryBus } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { clusterCases, type ClusterServerFactory } from '../support/cluster-cases.js';
import { createTestSyncline } from '../support/fixtures.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** Servers in this process over one in-memory bus and one SQLite file. */
function memoryCluster(): ClusterServerFactory {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-cluster-'));
  dirs.push(dir);
  const filename = join(dir, 'cluster.db');
  const bus = createMemoryBus();
  return (options = {}) => {
    const backplane = createMemoryBackplane(bus);
    return createTestSyncline({
      storage: createSqliteStorage({ filename }),
      backplane: options.wrap ? options.wrap(backplane) : backplane,
      // A poll this slow never runs during a test: what heals a gap here is the gap fill.
      limits: { feedPollMs: 600_000 },
    });
  };
}

describe('several servers in one process behave as one (in-process backplane)', () => {
  clusterCases(memoryCluster);
});
