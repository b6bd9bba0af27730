import { PROBLEM_CONTENT_TYPE, SynclineError } from '@syncline/protocol';
import type { Outcome } from '../operation.js';

/** Node socket errors that mean the database could not be reached or dropped the connection. */
const CONNECTION_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * SQLSTATE classes and codes (PostgreSQL appendix A) of a database that is away for now:
 * class 08 (connection exception), 57P01–57P03 (admin shutdown, crash shutdown, cannot
 * connect now: a restart), 53300 (too many connections). SQLite's busy codes (another
 * process held the lock past the busy timeout) are just as passing.
 */
function isUnavailableCode(code: string): boolean {
  return CONNECTION_CODES.has(code) || code.startsWith('08') || code.startsWith('57P') || code === '53300' || code.startsWith('SQLITE_BUSY');
}

/** pg's own errors for a lost or unobtainable connection carry no code, only these messages. */
const CONNECTION_MESSAGES = /Connection terminated|connection error and is not queryable|timeout exceeded when trying to connect|Client was closed and is not queryable|Cannot use a pool after calling end/;

/**
 * Whether an error from storage means the database is unreachable for now (a restart, a
 * dropped connection, a full connection slot list) rather than a fault of this request or
 * of the server: such a request may succeed later, unchanged. Looks through `cause` and
 * `AggregateError` (a connect to several addresses).
 *
 * @example
 * isStorageUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })); // true
 */
export function isStorageUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 4) return false;
  const { code, message, cause } = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof code === 'string' && isUnavailableCode(code)) return true;
  if (typeof message === 'string' && CONNECTION_MESSAGES.test(message)) return true;
  if (error instanceof AggregateError && error.errors.some((inner) => isStorageUnavailable(inner, depth + 1))) return true;
  return cause !== undefined && isStorageUnavailable(cause, depth + 1);
}

/**
 * Turns any error into the answer both transports send: a SynclineError keeps its code,
 * status and headers; a database that is away for now is 503 `unavailable` with
 * `retry-after: 1` (the request may be sent again: a write whose connection dropped during
 * its commit may have been applied, so retry writes with a precondition or an idempotency key);
 * anything else is reported and answered as a 500 that shows no internals.
 */
export function errorOutcome(error: unknown, instance: string | undefined, report: (error: unknown, where: string) => void): Outcome {
  let known: SynclineError;
  if (error instanceof SynclineError) {
    known = error;
  } else if (isStorageUnavailable(error)) {
    report(error, 'storage unavailable (answered 503)');
    known = new SynclineError('unavailable', { detail: 'The database cannot be reached right now; try again shortly.', headers: { 'retry-after': '1' } });
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
