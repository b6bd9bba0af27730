import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SocketHost, SocketListener } from './socket-host.js';
import type { SocketAdmission, UpgradeRequest } from './socket-server.js';
import { selectSubprotocol } from './version-negotiation.js';

/**
 * The last text frame sent on any socket, encoded once. The fan-out hands the same string to
 * every socket that sees a change, so each socket is given the same bytes (`ws` frames them
 * with a header of its own) instead of encoding the text again.
 */
let sharedText: string | undefined;
let sharedBytes: Buffer = Buffer.alloc(0);
function encoded(text: string): Buffer {
  if (text !== sharedText) {
    sharedText = text;
    sharedBytes = Buffer.from(text, 'utf8');
  }
  return sharedBytes;
}

/** A `ws` socket as a {@link SocketHost}: Node's production host. */
export function wsSocketHost(ws: WebSocket): SocketHost {
  return {
    get open() {
      return ws.readyState === ws.OPEN;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    // `binary: false` sends the bytes as a text frame (they are the UTF-8 of `text`).
    send: (text) => ws.send(encoded(text), { binary: false }),
    close(code, reason) {
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(code, reason);
    },
    ping: () => ws.ping(),
    terminate: () => ws.terminate(),
  };
}

/** Hands a `ws` socket's events to a {@link SocketListener}. */
export function listenToWs(ws: WebSocket, listener: SocketListener): void {
  ws.on('message', (data: Buffer, isBinary: boolean) => listener.message(isBinary ? data : data.toString('utf8')));
  ws.on('pong', () => listener.pong());
  ws.on('error', (error) => listener.error(error));
  ws.on('close', () => listener.close());
}

export interface WsUpgradeOptions {
  /** Frames above this close the socket with 1009 (`ws`'s `maxPayload`). */
  readonly maxFrameBytes: number;
  /** The checks every host makes before the handshake. */
  readonly admit: (request: UpgradeRequest) => Promise<SocketAdmission>;
  readonly reportError: (error: unknown, where: string) => void;
}

export interface WsUpgrade {
  /** Answers one `upgrade` event of Node's `http` server. */
  handle(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Refuses an upgrade with an HTTP answer before any handshake. */
  refuse(socket: Duplex, status: number, reason: string, headers?: Readonly<Record<string, string>>): void;
  close(): Promise<void>;
}

function refuse(socket: Duplex, status: number, reason: string, headers: Readonly<Record<string, string>> = {}): void {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join('');
  socket.end(`HTTP/1.1 ${status} ${reason}\r\n${lines}connection: close\r\ncontent-length: 0\r\n\r\n`);
}

/**
 * Node's WebSocket host: upgrades of an `http` server, handshakes by `ws`. Its defaults are not
 * limits (docs/design-notes.md, "`ws` defaults are not limits"): the frame size is capped
 * (`maxPayload`, close 1009) and compression is off (it costs memory per socket and invites
 * compression-bomb frames).
 */
export function createWsUpgrade(options: WsUpgradeOptions): WsUpgrade {
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxFrameBytes, perMessageDeflate: false, handleProtocols: selectSubprotocol });
  function reportErrors(socket: Duplex): void {
    socket.on('error', (error) => options.reportError(error, 'websocket'));
  }
  // A handshake that fails (or a client that leaves first) gives its place back.
  function cancelOnClose(socket: Duplex, admission: Extract<SocketAdmission, { accepted: true }>): void {
    socket.once('close', () => admission.cancel());
  }
  // Called with the admission only, never in handle()'s scope, so the socket's listeners keep no upgrade request alive.
  function complete(admission: Extract<SocketAdmission, { accepted: true }>): (ws: WebSocket) => void {
    return (ws) => listenToWs(ws, admission.accept(wsSocketHost(ws)));
  }
  return {
    handle(request, socket, head) {
      reportErrors(socket);
      const encrypted = 'encrypted' in request.socket && request.socket.encrypted === true;
      options.admit({ url: request.url ?? '/', headers: request.headers, remoteAddress: request.socket.remoteAddress, secure: encrypted }).then(
        (admission) => {
          if (!admission.accepted) return refuse(socket, admission.status, admission.reason, admission.headers);
          cancelOnClose(socket, admission);
          wss.handleUpgrade(request, socket, head, complete(admission));
        },
        (error: unknown) => {
          options.reportError(error, 'websocket upgrade');
          refuse(socket, 500, 'Internal Server Error');
        },
      );
    },
    refuse,
    close: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}
