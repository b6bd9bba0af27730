/**
 * The `Idempotency-Key` request header (IETF draft "The Idempotency-Key HTTP Header
 * Field") and the header that marks a replayed answer. Lower-case, as on the socket.
 */
export const IDEMPOTENCY_HEADERS = {
  /** On POST, PUT, PATCH, DELETE and actions: the client's key for this write, the same on every retry. */
  key: 'idempotency-key',
  /** On an answer: `true` when it is the saved answer of an earlier request with the same key. */
  replayed: 'idempotency-replayed',
} as const;

/** The longest key accepted. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

const KEY = /^[\x21-\x7e]+$/;

/**
 * The key in an `Idempotency-Key` value, or undefined when it is malformed. The draft
 * sends it as a structured-field string (`"8e03978e-…"`); a bare token is taken too. A key
 * is 1 to 255 visible ASCII characters (no spaces, no control characters).
 *
 * @example
 * parseIdempotencyKey('"8e03978e-40d5-43e8-bc93-6894a57f9324"'); // '8e03978e-40d5-43e8-bc93-6894a57f9324'
 * parseIdempotencyKey(''); // undefined
 */
export function parseIdempotencyKey(value: string): string | undefined {
  const trimmed = value.trim();
  const key = trimmed.length >= 2 && trimmed.startsWith('"') && trimmed.endsWith('"') ? trimmed.slice(1, -1) : trimmed;
  if (key.length === 0 || key.length > MAX_IDEMPOTENCY_KEY_LENGTH || !KEY.test(key) || key.includes('"')) return undefined;
  return key;
}
