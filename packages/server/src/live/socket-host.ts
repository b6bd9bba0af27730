/**
 * What the live layer needs of one WebSocket, whatever runs it: Node with `ws`
 * (`ws-socket-host.ts`), or another runtime's own socket (Deno's, Bun's, a Worker's
 * `WebSocketPair`), or an in-memory pair in tests. `connection.ts` speaks only to this, so the
 * live protocol runs wherever a host can offer these few calls.
 *
 * The host calls back through a {@link SocketListener} (frames in, pong, close, error).
 *
 * @example
 * const host: SocketHost = {
 *   get open() { return socket.readyState === WebSocket.OPEN; },
 *   get bufferedAmount() { return socket.bufferedAmount; },
 *   send: (text) => socket.send(text),
 *   close: (code, reason) => socket.close(code, reason),
 *   ping: () => listener.pong(), // a runtime that keeps its own keep-alive and offers no ping
 *   terminate: () => socket.close(),
 * };
 */
export interface SocketHost {
  /** Whether frames may be sent (the handshake is done and no close was started). */
  readonly open: boolean;
  /** Bytes handed to `send` and not yet written to the network: the slow-consumer bound reads it. */
  readonly bufferedAmount: number;
  /** Sends one text frame. */
  send(text: string): void;
  /** Starts the closing handshake (RFC 6455 §7.1.2); does nothing once the socket is closing or closed. */
  close(code: number, reason: string): void;
  /**
   * Sends a ping; the listener's `pong` is called when it is answered. A connection whose ping
   * went unanswered by the next heartbeat is terminated. A host whose runtime offers no ping
   * (and keeps the connection alive its own way) calls `pong` at once.
   */
  ping(): void;
  /** Drops the connection at once, without a closing handshake. */
  terminate(): void;
}

/** How a host hands what arrives on its socket to the live layer. */
export interface SocketListener {
  /** A frame: text as a string, binary as bytes (refused with an error event). */
  message(data: string | Uint8Array): void;
  /** A ping was answered. */
  pong(): void;
  /** The socket closed (either side, or terminated); called once, after the fact: never from inside the host's own `close` or `terminate`. */
  close(): void;
  /** A transport error (reported; the close follows). */
  error(error: unknown): void;
}
