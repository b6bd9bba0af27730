// ESLint rule `syncline/workspace-boundaries`: code reaches another workspace (a package, an app,
// an example, bench, faults) only through that workspace's public surface.
//
// - A relative import must stay inside the importing workspace: `../../server/src/index.js` from
//   packages/client is refused (import `@syncline/server` instead). One exception: test code (a
//   workspace's `test/` folder, the root `test/` harness and the root config files) may import
//   another workspace's test code, because fixtures are shared between tests and never published.
//   Test code never reaches into another workspace's `src/`.
// - `@syncline/<name>/<subpath>` must be an entry of that package's `exports` map:
//   `@syncline/server/sqlite` is, `@syncline/server/src/storage/sqlite/index.js` is not.
//
// The layering between packages (protocol imports no other Syncline package, schema only
// protocol, ...) is `no-restricted-imports`, set per package in eslint.config.js.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The workspace a repository-relative path (with `/`) belongs to: `packages/server`, `bench`, `test`, or `.` for the rest (root files, scripts, this folder). */
function workspaceOf(path) {
  const parts = path.split('/');
  if (['packages', 'apps', 'examples'].includes(parts[0]) && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (['bench', 'faults', 'consumer', 'test'].includes(parts[0]) && parts.length > 1) return parts[0];
  return '.';
}

/** Test code: inside a workspace's `test/` folder, the root `test/` harness, or a root-level file (the Vitest configs). */
function isTestCode(path) {
  const workspace = workspaceOf(path);
  if (workspace === 'test' || !path.includes('/')) return true;
  return workspace !== '.' && path.startsWith(`${workspace}/test/`);
}

/** `@syncline/<name>` → its `exports` keys (`.`, `./sqlite`, ...), read once from the workspaces' manifests. */
function readExports() {
  const found = new Map();
  for (const folder of ['packages', 'apps', 'examples']) {
    for (const entry of readdirSync(join(root, folder), { withFileTypes: true })) {
      if (!entry.isDirectory()) continue;
      let manifest;
      try {
        manifest = JSON.parse(readFileSync(join(root, folder, entry.name, 'package.json'), 'utf8'));
      } catch {
        continue; // a folder without a manifest (an example run from the repository)
      }
      if (typeof manifest.name !== 'string') continue;
      const { exports } = manifest;
      const keys = exports === undefined ? [] : typeof exports === 'string' || !Object.keys(exports).some((key) => key.startsWith('.')) ? ['.'] : Object.keys(exports);
      found.set(manifest.name, keys);
    }
  }
  return found;
}

let exportsByName;

/** Whether `subpath` (`./sqlite`) is an entry of `keys`, allowing `*` patterns (`./locales/*`). */
function isExported(keys, subpath) {
  return keys.some((key) => {
    if (!key.includes('*')) return key === subpath;
    const [before, after] = key.split('*');
    return subpath.startsWith(before) && subpath.endsWith(after) && subpath.length >= before.length + after.length;
  });
}

/** @type {import('eslint').Rule.RuleModule} */
export const workspaceBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: "Import another workspace only through its public surface (its package name and `exports`)." },
    schema: [],
    messages: {
      relative: "'{{specifier}}' reaches into {{target}} from {{workspace}}: import it through its package name and `exports`.",
      testIntoSource: "'{{specifier}}' reaches into {{target}}'s sources from test code: import it through its package name and `exports`.",
      notExported: "'{{specifier}}' is not a public entry of {{name}} (its `exports` are {{entries}}).",
    },
  },
  create(context) {
    const file = relative(root, context.filename).split(sep).join('/');
    if (file.startsWith('..')) return {};
    const workspace = workspaceOf(file);

    function check(node) {
      if (!node || node.type !== 'Literal' || typeof node.value !== 'string') return;
      const specifier = node.value;
      if (specifier.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), specifier)).split(sep).join('/');
        const targetWorkspace = workspaceOf(target);
        if (targetWorkspace === workspace) return;
        if (isTestCode(file) && isTestCode(target)) return;
        const messageId = isTestCode(file) && target.startsWith(`${targetWorkspace}/src/`) ? 'testIntoSource' : 'relative';
        context.report({ node, messageId, data: { specifier, target: targetWorkspace, workspace } });
        return;
      }
      const match = /^(@syncline\/[^/]+)(\/.*)?$/.exec(specifier);
      if (!match) return;
      exportsByName ??= readExports();
      const [, name, rest] = match;
      const keys = exportsByName.get(name);
      if (keys === undefined) return; // not a workspace package: resolution reports it
      if (isExported(keys, rest === undefined ? '.' : `.${rest}`)) return;
      context.report({ node, messageId: 'notExported', data: { specifier, name, entries: keys.join(', ') || 'none' } });
    }

    return {
      ImportDeclaration: (node) => check(node.source),
      ExportNamedDeclaration: (node) => check(node.source),
      ExportAllDeclaration: (node) => check(node.source),
      ImportExpression: (node) => check(node.source),
      TSImportType: (node) => check(node.argument?.type === 'TSLiteralType' ? node.argument.literal : node.argument),
      TSExternalModuleReference: (node) => check(node.expression),
    };
  },
};

export default { rules: { 'workspace-boundaries': workspaceBoundaries } };
