/**
 * Every error Syncline answers has one of these codes, with one HTTP status.
 * The same code and status appear on HTTP (`application/problem+json`) and on the
 * socket (a response with that status and a problem body). docs/errors.md documents each.
 */
export const ERROR_STATUS = {
  'bad-request': 400,
  'invalid-json': 400,
  'json-too-deep': 400,
  'forbidden-key': 400,
  'invalid-query': 400,
  'invalid-frame': 400,
  'unauthenticated': 401,
  'forbidden': 403,
  'not-found': 404,
  'method-not-allowed': 405,
  'not-acceptable': 406,
  'conflict': 409,
  'already-exists': 409,
  'idempotency-key-in-flight': 409,
  'precondition-failed': 412,
  'payload-too-large': 413,
  'uri-too-long': 414,
  'unsupported-media-type': 415,
  'misdirected-request': 421,
  'validation-failed': 422,
  'read-only-field': 422,
  'invalid-reference': 422,
  'invalid-patch': 422,
  'idempotency-key-reused': 422,
  'precondition-required': 428,
  'rate-limited': 429,
  'internal': 500,
  // Never on the wire: `createSyncline` rejects with it when a resource definition names what does not exist.
  'invalid-definition': 500,
  // Never on the wire: creating a storage or backplane whose driver package is not installed, or cannot load on this Node.
  'driver-missing': 500,
  'unavailable': 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Codes a client may retry unchanged (after `Retry-After` when given). */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>(['rate-limited', 'unavailable', 'internal', 'idempotency-key-in-flight']);

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_STATUS, value);
}
