import { expect } from 'vitest';
import { describeMountedApp } from '../../../test/mounted-app-suite.js';
import { createExpressApp } from '../src/app.js';
import { messages } from '../src/resources.js';

describeMountedApp({
  framework: 'Express',
  create: () => createExpressApp({ filename: ':memory:' }),
  messages,
  expectOwnNotFound: async (missing) => expect(await missing.text()).toContain('Cannot GET /no-such-page'),
});
