import type { ConformanceCase } from '../case-runner.js';
import { actionCases } from './action-cases.js';
import { discoveryCases } from './discovery-cases.js';
import { eventStreamCases } from './event-stream-cases.js';
import { httpCases } from './http-cases.js';
import { idempotencyCases } from './idempotency-cases.js';
import { presenceCases } from './presence-cases.js';
import { reconcileCases } from './reconcile-cases.js';
import { signInCases } from './sign-in-cases.js';
import { socketCases } from './socket-cases.js';

/**
 * Every case of the suite: resources over HTTP, then what the capabilities add (§12), the socket,
 * presence and event streams. A case with `needs` is skipped on a server that does not offer it.
 */
export const conformanceCases: readonly ConformanceCase[] = [
  ...httpCases,
  ...discoveryCases,
  ...idempotencyCases,
  ...reconcileCases,
  ...actionCases,
  ...signInCases,
  ...socketCases,
  ...presenceCases,
  ...eventStreamCases,
];
