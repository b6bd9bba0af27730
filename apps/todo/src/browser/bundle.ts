import { fileURLToPath } from 'node:url';

const ENTRY = fileURLToPath(new URL('./app.ts', import.meta.url));
/** The script of the other apps' pages (the polls): signing out there deletes the user's TODO replica too. */
export const SIGN_OUT_ENTRY = fileURLToPath(new URL('./sign-out-page.ts', import.meta.url));

/**
 * Bundles the browser script (`app.ts` with `@syncline/client` and the shared resource
 * definitions, or another entry module: the polls app's) with esbuild, in memory, once per
 * process: `npm start` needs no build step, and the served script always matches the server's sources.
 *
 * @example
 * const script = await bundleBrowserScript(); // JavaScript text
 */
export async function bundleBrowserScript(entry: string = ENTRY): Promise<string> {
  // Loaded on demand: only the process that serves pages needs the bundler.
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const output = result.outputFiles[0];
  if (output === undefined) throw new Error('esbuild produced no output');
  return output.text;
}
