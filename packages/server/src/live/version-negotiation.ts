import { CLOSE_CODES, PROTOCOL_RANGE, speaksMajor, SUBPROTOCOL, subprotocolMajor } from '@syncline/protocol';
import type { SocketHost, SocketListener } from './socket-host.js';

/**
 * What a handshake's `Sec-WebSocket-Protocol` says about the version (docs/protocol.md §1):
 * `supported` when it offers `syncline.<major>` of a major this server speaks, or offers none
 * (a program that does not say: it gets the current version); `unsupported` when it offers only
 * other majors; `not-syncline` when it offers subprotocols but no `syncline.<major>` at all.
 *
 * @example
 * negotiateVersion('syncline.2'); // 'unsupported' (this server speaks 1.x)
 */
export function negotiateVersion(offered: string | undefined): 'supported' | 'unsupported' | 'not-syncline' {
  if (offered === undefined) return 'supported';
  const majors = offered.split(',').flatMap((protocol) => subprotocolMajor(protocol) ?? []);
  if (majors.length === 0) return 'not-syncline';
  return majors.some((major) => speaksMajor(PROTOCOL_RANGE, major)) ? 'supported' : 'unsupported';
}

/**
 * The subprotocol the server selects: `syncline.1` when offered; else the first
 * `syncline.<major>` offered, for a handshake that is only accepted to be closed with 4406 (a
 * browser fails a handshake whose offered subprotocols are all declined, and would see 1006).
 */
export function selectSubprotocol(offered: Set<string>): string | false {
  if (offered.has(SUBPROTOCOL)) return SUBPROTOCOL;
  for (const protocol of offered) if (subprotocolMajor(protocol) !== undefined) return protocol;
  return false;
}

/** Closes a socket whose client speaks another major, naming the versions this server speaks; its listener only reports errors. */
export function refuseVersion(socket: SocketHost, reportError: (error: unknown, where: string) => void): SocketListener {
  socket.close(CLOSE_CODES.protocolNotSupported, `supported: ${PROTOCOL_RANGE.min}-${PROTOCOL_RANGE.max}`);
  return { message: () => {}, pong: () => {}, close: () => {}, error: (error) => reportError(error, 'websocket') };
}
