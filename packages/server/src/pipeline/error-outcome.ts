import { PROBLEM_CONTENT_TYPE, SynclineError } from '@syncline/protocol';
import type { Outcome } from '../operation.js';

/**
 * Turns any error into the answer both transports send: a SynclineError keeps its code,
 * status and headers; anything else is reported and answered as a 500 that shows no internals.
 */
export function errorOutcome(error: unknown, instance: string | undefined, report: (error: unknown, where: string) => void): Outcome {
  let known: SynclineError;
  if (error instanceof SynclineError) {
    known = error;
  } else {
    report(error, 'pipeline');
    known = new SynclineError('internal', { detail: 'The server failed to answer; the error was logged.' });
  }
  return {
    status: known.status,
    headers: { ...known.headers, 'content-type': PROBLEM_CONTENT_TYPE },
    body: known.toProblem(instance),
  };
}
