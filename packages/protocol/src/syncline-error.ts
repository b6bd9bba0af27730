import { ERROR_STATUS, isErrorCode, type ErrorCode } from './error-codes.js';
import { PROBLEM_TYPE_PREFIX, type FieldError, type Problem } from './problem.js';

export interface SynclineErrorOptions {
  detail?: string;
  errors?: FieldError[];
  /** Extra response headers, e.g. `allow` on 405 or `retry-after` on 429/503. */
  headers?: Record<string, string>;
  cause?: unknown;
}

const TITLES: Record<ErrorCode, string> = {
  'bad-request': 'Bad request',
  'invalid-json': 'The body is not valid JSON',
  'json-too-deep': 'The JSON is nested too deeply',
  'forbidden-key': 'The JSON contains a forbidden key',
  'invalid-query': 'The query is not valid',
  'invalid-frame': 'The frame is not a valid message',
  'unauthenticated': 'Authentication required',
  'forbidden': 'Forbidden',
  'not-found': 'Not found',
  'method-not-allowed': 'Method not allowed',
  'not-acceptable': 'No acceptable representation',
  'conflict': 'Conflict',
  'already-exists': 'The resource already exists',
  'idempotency-key-in-flight': 'A request with this idempotency key is still being processed',
  'precondition-failed': 'Precondition failed',
  'payload-too-large': 'Payload too large',
  'uri-too-long': 'The URI is too long',
  'unsupported-media-type': 'Unsupported media type',
  'misdirected-request': 'Misdirected request',
  'validation-failed': 'Validation failed',
  'read-only-field': 'A read-only field was written',
  'invalid-reference': 'A reference points to no record',
  'invalid-patch': 'The patch cannot be applied',
  'idempotency-key-reused': 'The idempotency key was used for another request',
  'precondition-required': 'Precondition required',
  'rate-limited': 'Too many requests',
  'internal': 'Internal server error',
  'invalid-definition': 'The resource definitions are not valid',
  'driver-missing': 'A database or backplane driver is not installed',
  'unavailable': 'Service unavailable',
};

/**
 * The one error type of Syncline, on both sides of the wire.
 *
 * @example
 * throw new SynclineError('precondition-failed', { detail: 'The record has changed.' });
 */
export class SynclineError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly detail: string | undefined;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, options: SynclineErrorOptions = {}) {
    super(options.detail ?? TITLES[code], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SynclineError';
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.detail = options.detail;
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }

  /** The RFC 9457 body for this error. */
  toProblem(instance?: string): Problem {
    const problem: Problem = {
      type: PROBLEM_TYPE_PREFIX + this.code,
      title: TITLES[this.code],
      status: this.status,
      code: this.code,
    };
    if (this.detail !== undefined) problem.detail = this.detail;
    if (instance !== undefined) problem.instance = instance;
    if (this.errors !== undefined) problem.errors = this.errors;
    return problem;
  }

  /** Rebuilds the error a peer sent as a problem body (the client's side of the wire). */
  static fromProblem(problem: Problem): SynclineError {
    const code: ErrorCode = isErrorCode(problem.code) ? problem.code : 'internal';
    const options: SynclineErrorOptions = {};
    if (problem.detail !== undefined) options.detail = problem.detail;
    if (problem.errors !== undefined) options.errors = problem.errors;
    return new SynclineError(code, options);
  }
}

export function isSynclineError(error: unknown): error is SynclineError {
  return error instanceof SynclineError;
}
