import { parseArgs } from 'node:util';
import { CreateError } from './create-error.js';

/** What the command line asks for. */
export type CliRequest =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'create'; readonly target: string; readonly packagesDir?: string };

export const USAGE = `Usage: npm create syncline@latest <folder> [-- --packages <dir>]
       create-syncline <folder> [--packages <dir>]

Creates a Syncline app in <folder> (new, or empty): SQLite, password sign-in, a notes resource
with a read rule, a live page and a test. Then: cd <folder> && npm install && npm start

Options:
  --packages <dir>  Take the @syncline/* packages from the tarballs in <dir> (as \`npm pack\` names
                    them) instead of the registry: for testing the starter against a build.
  -h, --help        Show this help.
  -v, --version     Show the version.`;

/**
 * Reads `create-syncline`'s arguments (without `node` and the script).
 *
 * @example
 * parseCliArguments(['my-app']); // { kind: 'create', target: 'my-app' }
 * parseCliArguments(['my-app', '--packages', 'dist-packages']); // { kind: 'create', target: 'my-app', packagesDir: 'dist-packages' }
 */
export function parseCliArguments(argv: readonly string[]): CliRequest {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        packages: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'v' },
      },
    });
  } catch (error) {
    throw new CreateError('usage', (error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help === true) return { kind: 'help' };
  if (values.version === true) return { kind: 'version' };
  const [target, ...extra] = positionals;
  if (target === undefined || target.trim() === '') throw new CreateError('usage', 'Name the folder to create, for example: npm create syncline@latest my-app');
  if (extra.length > 0) throw new CreateError('usage', `One folder at a time; also given: ${extra.join(' ')}`);
  if (values.packages === '') throw new CreateError('usage', '--packages needs a folder of tarballs');
  return values.packages === undefined ? { kind: 'create', target } : { kind: 'create', target, packagesDir: values.packages };
}
