import { z } from 'zod';

/**
 * The version of the Syncline wire protocol, `<major>.<minor>`.
 *
 * A minor version only adds (a message member, a close code, a capability) and keeps every
 * earlier meaning; a client and a server agree when they share the major. The major is the
 * WebSocket subprotocol (`syncline.<major>`); the whole version and the range a server
 * speaks are in its `hello` and at `GET /_syncline`. History (see docs/protocol.md, §13):
 * - 1.0: requests and responses, subscriptions and resume, sign-in, actions, idempotency keys,
 *   reconcile, event streams, presence, close codes, capabilities.
 */
export const PROTOCOL_VERSION = '1.0';

/** The major of {@link PROTOCOL_VERSION}: the versions a client and server agree on share it. */
export const PROTOCOL_MAJOR = 1;

/** The WebSocket subprotocol a client offers: `syncline.1` (the major only: minors share it). */
export const SUBPROTOCOL = `syncline.${PROTOCOL_MAJOR}`;

/** The subprotocol that carries a bearer token (browsers cannot set `Authorization` on a socket); never selected. */
export const BEARER_SUBPROTOCOL_PREFIX = 'syncline.bearer.';

/** A protocol version on the wire: `"1.0"`. */
export const protocolVersionSchema = z.string().regex(/^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/, 'a version is <major>.<minor>');

/**
 * The versions a server speaks, and the one it speaks on this connection.
 *
 * @example
 * { "version": "1.0", "min": "1.0", "max": "1.0" }
 */
export const protocolRangeSchema = z.object({
  /** The version this connection speaks: the server's newest minor of the client's major. */
  version: protocolVersionSchema,
  /** The oldest version the server speaks. */
  min: protocolVersionSchema,
  /** The newest version the server speaks. */
  max: protocolVersionSchema,
});
export type ProtocolRange = z.infer<typeof protocolRangeSchema>;

/** What this package's server speaks: only 1.0 so far. */
export const PROTOCOL_RANGE: ProtocolRange = { version: PROTOCOL_VERSION, min: PROTOCOL_VERSION, max: PROTOCOL_VERSION };

/**
 * The major of a version (`"1.4"` → 1), or undefined when it is not `<major>.<minor>`.
 *
 * @example
 * protocolMajor('2.3'); // 2
 */
export function protocolMajor(version: string): number | undefined {
  return protocolVersionSchema.safeParse(version).success ? Number(version.split('.')[0]) : undefined;
}

/**
 * Whether a peer speaking `major` can talk to one that speaks `range` (minors only add, so the
 * major decides).
 *
 * @example
 * speaksMajor({ version: '1.3', min: '1.0', max: '2.1' }, 2); // true
 */
export function speaksMajor(range: Pick<ProtocolRange, 'min' | 'max'>, major: number): boolean {
  const min = protocolMajor(range.min);
  const max = protocolMajor(range.max);
  return min !== undefined && max !== undefined && min <= major && major <= max;
}

/**
 * The major a WebSocket subprotocol names (`syncline.2` → 2); undefined for any other,
 * the bearer subprotocol included.
 *
 * @example
 * subprotocolMajor('syncline.1'); // 1
 */
export function subprotocolMajor(subprotocol: string): number | undefined {
  const match = /^syncline\.(0|[1-9]\d{0,5})$/.exec(subprotocol.trim());
  return match ? Number(match[1]) : undefined;
}
