import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * Inside this repository, `@syncline/*` resolve to their TypeScript sources, not to `dist/`:
 * every package's `exports` map puts this condition first, published consumers never set it,
 * and the tests, `tsc` (`customConditions`) and `tsx` (`--conditions`) do. No build step
 * before a test run, and a test always runs the code beside it.
 */
export const SOURCE_CONDITION = '@syncline/source';

/** The `resolve` part of a Vitest config that follows {@link SOURCE_CONDITION}, for Node and browser-like environments. */
export const sourceResolve = {
  resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
  ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions], externalConditions: [SOURCE_CONDITION] } },
};
