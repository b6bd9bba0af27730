import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The file path of a module beside `baseUrl` (an `import.meta.url`), with the caller's own extension:
 * `.ts` when the demo runs from its sources (tests, `tsx`), `.js` when it runs compiled from `dist/`
 * (`npm start`). For entry points handed to a bundler.
 *
 * @example
 * const entry = siblingModule(import.meta.url, './browser/polls-page'); // …/src/browser/polls-page.ts or …/dist/browser/polls-page.js
 */
export function siblingModule(baseUrl: string, relativePath: string): string {
  return fileURLToPath(new URL(`${relativePath}${extname(new URL(baseUrl).pathname)}`, baseUrl));
}
