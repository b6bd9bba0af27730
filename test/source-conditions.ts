import { defaultServerConditions } from 'vite';

/**
 * Inside this repository, `@syncline/*` resolve to their TypeScript sources, not to `dist/`:
 * every package's `exports` map puts this condition first, published consumers never set it,
 * and the tests, `tsc` (`customConditions`) and `tsx` (`--conditions`) do. No build step
 * before a test run, and a test always runs the code beside it.
 */
export const SOURCE_CONDITION = '@syncline/source';

/**
 * The `resolve` part of a Vitest config that follows {@link SOURCE_CONDITION}. Every test runs in
 * Node, the DOM-emulating ones (happy-dom) too, so both environments resolve as Node does: with
 * `browser` they would get `ws`'s browser stub and no server.
 */
export const sourceResolve = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] } },
};
