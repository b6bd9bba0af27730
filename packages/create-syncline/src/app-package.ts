/**
 * The third-party packages the app uses, at the ranges this repository builds and tests
 * Syncline with (a test keeps them equal to the repository's own).
 */
export const THIRD_PARTY_DEPENDENCIES = { zod: '^4.1.0' } as const;
export const THIRD_PARTY_DEV_DEPENDENCIES = { '@types/node': '^20.19.0', esbuild: '^0.28.0', typescript: '~5.9.3' } as const;

/** The Syncline packages the app imports; their version is create-syncline's own, so a packed set matches. */
export const SYNCLINE_PACKAGES = ['@syncline/client', '@syncline/schema', '@syncline/server'] as const;

export interface AppPackageOptions {
  readonly name: string;
  /** create-syncline's version: the version of every `@syncline/*` dependency. */
  readonly version: string;
  /**
   * `file:` specs of local tarballs by package name (`--packages`): they replace the
   * registry for the app's `@syncline/*` dependencies and, as `overrides`, for theirs.
   */
  readonly localPackages?: Readonly<Record<string, string>>;
}

/**
 * The new app's `package.json`: `npm start` builds (tsc, then esbuild for the page's script)
 * and runs the compiled server; `npm test` builds and runs the compiled tests with `node --test`.
 *
 * @example
 * appPackageJson({ name: 'my-app', version: '0.1.0' }).dependencies['@syncline/server']; // '0.1.0'
 */
export function appPackageJson({ name, version, localPackages }: AppPackageOptions) {
  const syncline = Object.fromEntries(SYNCLINE_PACKAGES.map((pkg) => [pkg, localPackages?.[pkg] ?? version]));
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    engines: { node: '>=20.19' },
    scripts: {
      build: 'tsc -p tsconfig.json && esbuild src/browser/main.ts --bundle --format=esm --platform=browser --target=es2022 --minify --outfile=dist/public/app.js --log-level=warning',
      start: 'npm run build && node dist/server.js',
      test: 'npm run build && node --test dist/*.test.js',
    },
    dependencies: sortKeys({ ...syncline, ...THIRD_PARTY_DEPENDENCIES }),
    devDependencies: { ...THIRD_PARTY_DEV_DEPENDENCIES },
    // The install scripts npm may run: better-sqlite3 fetches or compiles its binary, esbuild checks its own.
    allowScripts: { 'better-sqlite3': true, esbuild: true },
    ...(localPackages === undefined ? {} : { overrides: sortKeys(localPackages) }),
  };
}

function sortKeys(record: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
