import { randomBytes } from 'node:crypto';
import { SUBPROTOCOL } from '@syncline/protocol';

/**
 * One client-to-server WebSocket frame (RFC 6455 §5.2), masked as a client must mask it, built
 * by hand so a scenario can send what no library would (invalid UTF-8 in a text frame) or speak
 * the protocol over a bare TCP socket that never answers pings or never reads.
 *
 * @example
 * socket.write(clientFrame(0x1, Buffer.from('{"id":1,"method":"GET","resource":"/entries"}')));
 */
export function clientFrame(opcode: number, payload: Uint8Array): Buffer {
  const length = payload.length;
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const frame = Buffer.alloc(head + 4 + length);
  frame[0] = 0x80 | opcode;
  if (head === 2) frame[1] = 0x80 | length;
  else if (head === 4) {
    frame[1] = 0x80 | 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 0x80 | 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  const mask = randomBytes(4);
  mask.copy(frame, head);
  for (let i = 0; i < length; i++) frame[head + 4 + i] = (payload[i] ?? 0) ^ (mask[i % 4] ?? 0);
  return frame;
}

/** The HTTP upgrade request for the Syncline subprotocol on `path`. */
export function upgradeRequest(port: number, path = '/live'): string {
  return [
    `GET ${path} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    `Sec-WebSocket-Protocol: ${SUBPROTOCOL}`,
    '',
    '',
  ].join('\r\n');
}
