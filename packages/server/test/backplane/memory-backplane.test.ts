import { createMemoryBackplane, createMemoryBus } from '../../src/index.js';
import { runBackplaneConformance } from '../../src/testing/index.js';

runBackplaneConformance('in-process', async () => {
  const bus = createMemoryBus();
  return [createMemoryBackplane(bus), createMemoryBackplane(bus)];
});
