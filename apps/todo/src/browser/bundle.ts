import { readFile, writeFile } from 'node:fs/promises';
import { siblingModule } from '@syncline/demo-kit/module-path';

const ENTRY = siblingModule(import.meta.url, './app');
/** The script of the other apps' pages (the polls): signing out there deletes the user's TODO replica too. */
export const SIGN_OUT_ENTRY = siblingModule(import.meta.url, './sign-out-page');

/**
 * The browser script for an entry module (`app.ts` with `@syncline/client` and the shared resource
 * definitions, or another entry module: the polls app's), as JavaScript text, once per process.
 *
 * Compiled (`npm start` runs `dist/`), the build has already written it beside the entry
 * (`app.bundle.js`, see {@link writeBrowserBundle}) and the server only reads it: no bundler runs
 * in production, nor holds memory there. From the sources (tests, `npm run dev`) esbuild bundles it
 * in memory, so the served script always matches the sources.
 *
 * @example
 * const script = await bundleBrowserScript(); // JavaScript text
 */
export async function bundleBrowserScript(entry: string = ENTRY): Promise<string> {
  try {
    return await readFile(bundlePath(entry), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  return bundle(entry);
}

/** Bundles an entry and writes it beside the entry as `<name>.bundle.js`: the build step of `npm run build`. */
export async function writeBrowserBundle(entry: string = ENTRY): Promise<string> {
  const target = bundlePath(entry);
  await writeFile(target, await bundle(entry));
  return target;
}

function bundlePath(entry: string): string {
  return entry.replace(/\.[cm]?[jt]s$/, '.bundle.js');
}

async function bundle(entry: string): Promise<string> {
  // Loaded on demand: only the process that serves pages needs the bundler.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    // From the sources, the packages' sources too (the `@syncline/source` export condition), never a stale build.
    conditions: entry.endsWith('.ts') ? ['@syncline/source'] : [],
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}
