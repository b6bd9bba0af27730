import { POLLS_BROWSER_ENTRY } from '@syncline/polls-app';
import { SIGN_OUT_ENTRY, writeBrowserBundle } from './bundle.js';

// `npm run build` (after `tsc -b`): bundles the pages' scripts once, into `dist/browser/`,
// so that the compiled server (`npm start`) serves files and runs no bundler.
for (const entry of [undefined, SIGN_OUT_ENTRY, POLLS_BROWSER_ENTRY]) {
  console.log(`bundled ${await writeBrowserBundle(entry)}`);
}
