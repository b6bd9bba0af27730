import { expect } from 'vitest';
import { describeMountedApp } from '../../../test/mounted-app-suite.js';
import { createFastifyApp } from '../src/app.js';
import { messages } from '../src/resources.js';

describeMountedApp({
  framework: 'Fastify',
  create: () => createFastifyApp({ filename: ':memory:' }),
  messages,
  expectOwnNotFound: async (missing) => expect(await missing.json()).toMatchObject({ statusCode: 404, message: 'Route GET:/no-such-page not found' }),
});
