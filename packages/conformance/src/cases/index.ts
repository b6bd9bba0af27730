import type { ConformanceCase } from '../case-runner.js';
import { eventStreamCases } from './event-stream-cases.js';
import { httpCases } from './http-cases.js';
import { socketCases } from './socket-cases.js';

/** Every case of the suite, HTTP first, then the socket, then event streams. */
export const conformanceCases: readonly ConformanceCase[] = [...httpCases, ...socketCases, ...eventStreamCases];
