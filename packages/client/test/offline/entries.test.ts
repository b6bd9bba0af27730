import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the offline parts behind the package entries', () => {
  it('@syncline/client/node answers filePersistence; the main entry does not', async () => {
    const node = await import('@syncline/client/node');
    const main: Record<string, unknown> = await import('@syncline/client');
    expect(typeof node.filePersistence).toBe('function');
    expect(main['filePersistence']).toBeUndefined();
    expect(typeof main['indexedDbPersistence']).toBe('function');
    expect(typeof main['memoryPersistence']).toBe('function');
  });

  it('a browser bundle of the main entry holds the IndexedDB adapter and no file adapter', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../../src/index.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      conditions: ['@syncline/source'], // the packages' TypeScript sources, not their build
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.endsWith('offline/indexeddb-persistence.ts'))).toBe(true);
    expect(inputs.some((input) => input.includes('node_modules/idb/'))).toBe(true);
    expect(inputs.filter((input) => input.endsWith('offline/file-persistence.ts') || input.startsWith('node:'))).toEqual([]);
  });
});
