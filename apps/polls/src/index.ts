import { siblingModule } from '@syncline/demo-kit/module-path';

/**
 * The polls app: its resources (for `createSyncline`), its HTTP surface (pages and forms at
 * the resource's URLs, mounted in a site's handler) and its browser script's entry point.
 */
export { polls, votes, voteId, resources } from './resources.js';
export { choicesSchema, moveVote, type Choice } from './poll-choices.js';
export { createPollsHandler, type PollsHandler, type PollsHandlerOptions, type PollsLayoutPage } from './pages/polls-handler.js';
export { POLLS_PATH, POLLS_SCRIPT_PATH, POLLS_STYLESHEET_PATH } from './pages/polls-routes.js';

/**
 * The browser script's entry module, for a bundler (esbuild: `entryPoints: [POLLS_BROWSER_ENTRY]`).
 *
 * @example
 * const script = await bundleBrowserScript(POLLS_BROWSER_ENTRY);
 */
export const POLLS_BROWSER_ENTRY = siblingModule(import.meta.url, './browser/polls-page');
