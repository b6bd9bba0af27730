import type { ClientCase } from './client-case.js';
import { conflictCase } from './conflict-case.js';
import { eventStreamCase } from './event-stream-case.js';
import { badFramesCase, changesCase, resetCase, subscribeCase } from './follow-cases.js';
import { backoffCase, heartbeatCase, resumeCase, unsupportedVersionCase } from './reconnect-cases.js';

/** Every client case, in the order they run (README, "Checking a client"). */
export const clientCases: readonly ClientCase[] = [subscribeCase, changesCase, resumeCase, backoffCase, resetCase, unsupportedVersionCase, heartbeatCase, badFramesCase, conflictCase, eventStreamCase];
