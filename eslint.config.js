// The lint (`npm run lint`, in CI before the tests). Only rules that guard a decision of this
// repository, each explained in docs/architecture.md ("Lint rules"); formatting is not linted.
import comments from '@eslint-community/eslint-plugin-eslint-comments';
import tseslint from 'typescript-eslint';
import syncline from './lint/workspace-boundaries.js';

/** `no-restricted-imports` for a package's sources: the Syncline packages it must not import, and why. */
function layer(files, forbidden, message, extra = []) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }, ...extra] }],
    },
  };
}

const noNode = { group: ['node:*'], message: 'Browsers import this package too: no Node built-ins.' };

export default tseslint.config(
  {
    // Build output and generated files; the starter template and the consumer project are
    // separate projects (their own tsconfig), checked by `test:starter` and `test:consumer`.
    ignores: ['**/node_modules/**', '**/dist/**', 'dist-packages/**', 'coverage/**', 'test-results/**', '**/results/**', '**/*.d.ts', 'packages/create-syncline/template/**', 'consumer/**'],
  },
  {
    linterOptions: { reportUnusedDisableDirectives: 'error' },
  },
  {
    files: ['**/*.{ts,tsx,mts,js,mjs}'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { '@typescript-eslint': tseslint.plugin, '@eslint-community/eslint-comments': comments, syncline },
    rules: {
      // Every exception says why: `// eslint-disable-next-line rule -- reason`.
      '@eslint-community/eslint-comments/require-description': ['error', { ignore: [] }],
      '@eslint-community/eslint-comments/no-unlimited-disable': 'error',
      'syncline/workspace-boundaries': 'error',
      // An options object instead of a long positional list: arguments of one type are easy to swap, and a call names what it passes.
      '@typescript-eslint/max-params': ['error', { max: 4 }],
    },
  },
  {
    files: ['**/*.{ts,tsx,mts}'],
    rules: {
      // A switch over a union without `default` names every member, so adding one (a connection
      // state, a message kind) shows every place to update. A `default` is a deliberate catch-all
      // (`switch (typeof value)` with a fallback), so it counts as exhaustive.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // With `verbatimModuleSyntax` a type import must say so; `import type { X }` also drops the
      // module import, where `import { type X }` would keep a side-effect import of the module.
      '@typescript-eslint/consistent-type-imports': ['error', { prefer: 'type-imports', fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    // A test's request helper reads as a request line, `call(server, user, 'PATCH', uri, body)`:
    // one more positional parameter than in the sources.
    files: ['**/test/**'],
    rules: { '@typescript-eslint/max-params': ['error', { max: 5 }] },
  },
  {
    // The scripts and config files are plain JavaScript outside every tsconfig: no type information.
    files: ['**/*.{js,mjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { parserOptions: { projectService: false, project: null } },
  },
  layer(['packages/protocol/src/**'], ['@syncline/*'], 'protocol is imported by every side: it imports no other Syncline package.', [noNode]),
  layer(['packages/schema/src/**'], ['@syncline/*', '!@syncline/protocol'], 'schema imports only protocol.', [noNode]),
  layer(['packages/server/src/**'], ['@syncline/client', '@syncline/client/*', '@syncline/react', '@syncline/conformance', '@syncline/conformance/*'], 'The server imports protocol and schema, never a client or the conformance suite.'),
  layer(['packages/client/src/**'], ['@syncline/server', '@syncline/server/*', '@syncline/react', '@syncline/conformance', '@syncline/conformance/*'], 'The client imports protocol and schema, never the server.'),
  layer(['packages/react/src/**'], ['@syncline/server', '@syncline/server/*', '@syncline/conformance', '@syncline/conformance/*'], 'The React bindings import the client, protocol and schema, never the server.'),
  layer(['packages/conformance/src/**'], ['@syncline/server', '@syncline/server/*', '@syncline/client', '@syncline/client/*', '@syncline/react'], 'The conformance suite tests any server over the wire: it imports protocol and schema only.'),
);
