/**
 * The lint's import rules (eslint.config.js, "Lint" in docs/architecture.md) refuse what they
 * promise to, and let through what the repository does. The repository's own config runs on
 * code given as text at paths of the repository; the one rule that needs the type checker
 * (switch-exhaustiveness-check) is left out here, so no TypeScript program is built.
 */
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfig: {
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/switch-exhaustiveness-check': 'off' },
  },
});

/** The rule ids the lint reports for `code` at `path` (relative to the repository). */
async function problems(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return (result?.messages ?? []).map((message) => message.ruleId ?? `fatal: ${message.message}`);
}

describe('the lint', () => {
  it('refuses a relative import into another package, and keeps one inside the package', async () => {
    expect(await problems('packages/client/src/example.ts', "export { createSyncline } from '../../server/src/index.js';\n")).toEqual(['syncline/workspace-boundaries']);
    expect(await problems('apps/polls/src/example.ts', "export { todos } from '../../todo/src/resources.js';\n")).toEqual(['syncline/workspace-boundaries']);
    expect(await problems('packages/client/src/live/example.ts', "export { createClient } from '../client.js';\n")).toEqual([]);
  });

  it('lets test code share another workspace test support, never its sources', async () => {
    expect(await problems('packages/client/test/example.test.ts', "export { createTestSyncline } from '../../server/test/support/fixtures.js';\n")).toEqual([]);
    expect(await problems('packages/client/test/example.test.ts', "export { createSyncline } from '../../server/src/index.js';\n")).toEqual(['syncline/workspace-boundaries']);
  });

  it('takes a package subpath only from its exports', async () => {
    expect(await problems('bench/src/example.ts', "export { createSqliteStorage } from '@syncline/server/sqlite';\n")).toEqual([]);
    expect(await problems('bench/src/example.ts', "export { createSqliteStorage } from '@syncline/server/src/storage/sqlite/index.js';\n")).toEqual(['syncline/workspace-boundaries']);
    expect(await problems('bench/src/example.ts', "export type { Storage } from '@syncline/server/storage';\n")).toEqual(['syncline/workspace-boundaries']);
  });

  it('keeps the layers: protocol imports no Syncline package, schema only protocol', async () => {
    expect(await problems('packages/protocol/src/example.ts', "export type { ResourceDefinition } from '@syncline/schema';\n")).toEqual(['no-restricted-imports']);
    expect(await problems('packages/protocol/src/example.ts', "export { readFileSync } from 'node:fs';\n")).toEqual(['no-restricted-imports']);
    expect(await problems('packages/schema/src/example.ts', "export type { Syncline } from '@syncline/server';\n")).toEqual(['no-restricted-imports']);
    expect(await problems('packages/schema/src/example.ts', "export { SynclineError } from '@syncline/protocol';\n")).toEqual([]);
    expect(await problems('packages/client/src/example.ts', "export type { Syncline } from '@syncline/server';\n")).toEqual(['no-restricted-imports']);
  });

  it('asks for an options object past four parameters, and a reason on every disable comment', async () => {
    const five = 'export function f(a: number, b: number, c: number, d: number, e: number): number {\n  return a + b + c + d + e;\n}\n';
    expect(await problems('packages/client/src/example.ts', five)).toEqual(['@typescript-eslint/max-params']);
    expect(await problems('packages/client/src/example.ts', `// eslint-disable-next-line @typescript-eslint/max-params\n${five}`)).toEqual(['@eslint-community/eslint-comments/require-description']);
    expect(await problems('packages/client/src/example.ts', `// eslint-disable-next-line @typescript-eslint/max-params -- mirrors a five-argument callback\n${five}`)).toEqual([]);
  });

  it('wants type-only imports marked', async () => {
    expect(await problems('packages/client/src/example.ts', "import { SynclineError } from '@syncline/protocol';\nexport type E = SynclineError;\n")).toEqual(['@typescript-eslint/consistent-type-imports']);
  });
});
