import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

describe('the client in a browser', () => {
  it('bundles without ws, Node built-ins or server code', async () => {
    const result = await build({
      entryPoints: [fileURLToPath(new URL('../src/index.ts', import.meta.url))],
      bundle: true,
      platform: 'browser',
      conditions: ['@syncline/source'], // the packages' TypeScript sources, not their build
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('packages/client/src/client.ts'))).toBe(true);
    expect(inputs.filter((input) => /node_modules\/ws\/|packages\/server\/|^node:/.test(input))).toEqual([]);
  });
});
