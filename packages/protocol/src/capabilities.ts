import { z } from 'zod';
import { protocolRangeSchema } from './version.js';

/**
 * What a server offers, named in `hello` and at `GET /_syncline` (docs/protocol.md, §12):
 * - `reconcile`: `POST /_reconcile` (§4.9).
 * - `presence`: `<uri>/presence` and the `presence` event (§11).
 * - `actions`: at least one resource declares custom actions (§4.7).
 * - `idempotency`: `Idempotency-Key` on writes (§4.8).
 * - `event-streams`: subscriptions over server-sent events (§10).
 * - `sign-in`: accounts and `/session` (§4.6).
 */
export const KNOWN_CAPABILITIES = ['reconcile', 'presence', 'actions', 'idempotency', 'event-streams', 'sign-in'] as const;
export type KnownCapability = (typeof KNOWN_CAPABILITIES)[number];

/**
 * Names kept for later minor versions and offered by no 1.0 server (§12): `batch` (several
 * writes in one transaction; 1.0 has no batch message) and `windows` (live views over a window
 * of a collection).
 */
export const RESERVED_CAPABILITIES = ['batch', 'windows'] as const;

/**
 * One capability: a known name, or one a newer server added (a client ignores names it does
 * not know, so servers may add them within a major).
 */
export const capabilitySchema = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a capability is a lower-case name');
/** A known capability, or any other name (`string & {}` keeps the known ones offered by editors). */
export type Capability = KnownCapability | (string & {});

export const capabilitiesSchema = z.array(capabilitySchema).max(256);

/**
 * `GET /_syncline`: what the `hello` frame says, for clients without a socket (event streams,
 * plain HTTP).
 *
 * @example
 * { "protocol": { "version": "1.0", "min": "1.0", "max": "1.0" }, "capabilities": ["reconcile", "presence"], "livePath": "/live", "heartbeatMs": 25000 }
 */
export const discoverySchema = z.object({
  protocol: protocolRangeSchema,
  capabilities: capabilitiesSchema,
  /** The WebSocket path (and the base of `<livePath>/events`). */
  livePath: z.string().startsWith('/'),
  heartbeatMs: z.number().int().positive(),
});
export type Discovery = z.infer<typeof discoverySchema>;

/** Where a server answers {@link Discovery}. */
export const DISCOVERY_PATH = '/_syncline';
