/**
 * The version of the Syncline wire protocol.
 *
 * It is announced in the WebSocket subprotocol (`syncline.<version>`) and in the
 * `hello` event. History (one line per bump; see docs/protocol.md):
 * - 1: requests/responses over WebSocket, SUBSCRIBE/UNSUBSCRIBE, change events, resume by `last-event-id`.
 */
export const PROTOCOL_VERSION = 1;

/** The WebSocket subprotocol a client offers: `syncline.1`. */
export const SUBPROTOCOL = `syncline.${PROTOCOL_VERSION}`;
