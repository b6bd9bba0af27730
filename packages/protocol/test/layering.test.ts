import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

function importsOf(dir: string): Array<{ file: string; specifier: string }> {
  const found: Array<{ file: string; specifier: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    for (const match of readFileSync(file, 'utf8').matchAll(/^\s*(?:import|export)[^'"]*from\s+'([^']+)'/gm)) {
      found.push({ file: file.slice(root.length), specifier: match[1] as string });
    }
  }
  return found;
}

/** `import('x')` and `require('x')` with a literal specifier: loaded when the code runs, not with the module. */
function dynamicImportsOf(dir: string): Array<{ file: string; specifier: string }> {
  const found: Array<{ file: string; specifier: string }> = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    // Comment lines (JSDoc examples) name imports without making them.
    const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line)).join('\n');
    for (const match of code.matchAll(/\b(?:import|require)\(\s*'([^']+)'\s*\)/g)) {
      found.push({ file: file.slice(root.length), specifier: match[1] as string });
    }
  }
  return found;
}

describe('layers', () => {
  it('protocol imports nothing of Syncline and nothing of Node (both sides import it)', () => {
    const bad = importsOf(join(root, 'packages/protocol/src')).filter(({ specifier }) => specifier.startsWith('@syncline/') || specifier.startsWith('node:'));
    expect(bad).toEqual([]);
  });

  it('schema imports only protocol and zod (it runs in browsers)', () => {
    const bad = importsOf(join(root, 'packages/schema/src')).filter(({ specifier }) => !specifier.startsWith('.') && specifier !== '@syncline/protocol' && specifier !== 'zod');
    expect(bad).toEqual([]);
  });

  it('the server imports no driver at module load; only the driver files import one, when it is first used', () => {
    const drivers = ['better-sqlite3', 'pg', 'ioredis', 'node:sqlite'];
    expect(importsOf(join(root, 'packages/server/src')).filter(({ specifier }) => drivers.includes(specifier))).toEqual([]);
    const dynamic = dynamicImportsOf(join(root, 'packages/server/src')).filter(({ specifier }) => drivers.includes(specifier));
    expect(dynamic.filter(({ file }) => !/-driver\.ts$/.test(file))).toEqual([]);
    expect(dynamic.map(({ specifier }) => specifier).sort()).toEqual(['better-sqlite3', 'ioredis', 'node:sqlite', 'pg']);
  });

  it("the server reaches ws only in its socket host, and the live connection, event streams and Fetch host import nothing of Node", () => {
    const imports = importsOf(join(root, 'packages/server/src'));
    expect(imports.filter(({ specifier }) => specifier === 'ws').map(({ file }) => file)).toEqual(['packages/server/src/live/ws-socket-host.ts']);
    const cores = ['packages/server/src/live/connection.ts', 'packages/server/src/live/event-stream.ts', 'packages/server/src/http/fetch-handler.ts'];
    expect(imports.filter(({ file, specifier }) => cores.includes(file) && (specifier === 'ws' || specifier.startsWith('node:')))).toEqual([]);
  });

  it('the demo resource definitions bundle for a browser, with no server code in them', async () => {
    const result = await build({
      entryPoints: [join(root, 'apps/todo/src/resources.ts')],
      bundle: true,
      platform: 'browser',
      conditions: ['@syncline/source'], // the packages' TypeScript sources, not their build
      format: 'esm',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((input) => input.includes('packages/schema/src/define-resource.ts'))).toBe(true);
    expect(inputs.filter((input) => input.includes('packages/server/') || input.startsWith('node:'))).toEqual([]);
  });
});
