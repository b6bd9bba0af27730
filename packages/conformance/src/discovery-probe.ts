import { discoverySchema, DISCOVERY_PATH } from '@syncline/protocol';
import { jsonBody } from './http-probe.js';

/**
 * What the server says it offers at `GET /_syncline` (§12), parsed with `discoverySchema`; or
 * `undefined` when it gives no such document (then every case runs, and the discovery case
 * fails on its own).
 *
 * @example
 * const capabilities = await discoverCapabilities('http://127.0.0.1:3000', 5_000); // ['reconcile', 'presence', …]
 */
export async function discoverCapabilities(baseUrl: string, waitMs: number): Promise<readonly string[] | undefined> {
  try {
    const response = await fetch(baseUrl.replace(/\/+$/, '') + DISCOVERY_PATH, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(waitMs) });
    if (response.status !== 200) return undefined;
    const document = discoverySchema.safeParse(jsonBody(await response.text(), `GET ${DISCOVERY_PATH}`));
    return document.success ? document.data.capabilities : undefined;
  } catch {
    return undefined;
  }
}
