import { connect, type Socket } from 'node:net';
import { clientFrame, upgradeRequest } from './raw-frames.js';

/** A frame the server sent: its opcode and payload. */
export interface ServerFrame {
  readonly opcode: number;
  readonly payload: Buffer;
}

/**
 * The Syncline protocol over a bare TCP socket, with the WebSocket framing done by hand, for
 * clients no library would be: one that never answers pings (a vanished peer whose connection
 * still looks open) and one that stops reading (a slow consumer).
 *
 * @example
 * const raw = await RawLiveSocket.open(port); raw.sendText('{"id":"s","method":"SUBSCRIBE","resource":"/entries"}'); raw.stopReading();
 */
export class RawLiveSocket {
  readonly frames: ServerFrame[] = [];
  /** The close code the server sent in a close frame, if one arrived. */
  closeCode: number | undefined;
  /** Whether the TCP connection has ended (by either side). */
  ended = false;
  readonly ended$: Promise<void>;
  private buffer: Buffer = Buffer.alloc(0);
  bytesRead = 0;

  private constructor(private readonly socket: Socket) {
    this.ended$ = new Promise((resolve) => socket.once('close', () => {
      this.ended = true;
      resolve();
    }));
    socket.on('error', () => undefined);
  }

  /** Connects and upgrades; resolves once the server answered 101, or rejects with the status line it answered instead. */
  static async open(port: number, options: { localAddress?: string } = {}): Promise<RawLiveSocket> {
    const socket = connect({ port, host: '127.0.0.1', ...(options.localAddress ? { localAddress: options.localAddress } : {}) });
    const raw = new RawLiveSocket(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => socket.write(upgradeRequest(port)));
      socket.once('error', reject);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer): void => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        const status = head.subarray(0, head.indexOf('\r\n')).toString();
        if (!status.includes(' 101 ')) return reject(new Error(status));
        socket.on('data', (data: Buffer) => raw.receive(data));
        raw.receive(head.subarray(end + 4));
        resolve();
      };
      socket.on('data', onData);
      socket.once('close', () => reject(new Error('closed before the upgrade')));
    });
    return raw;
  }

  sendText(text: string): void {
    this.socket.write(clientFrame(0x1, Buffer.from(text)));
  }

  /** Stops reading: the kernel's buffers fill and then the server's. */
  stopReading(): void {
    this.socket.pause();
  }

  startReading(): void {
    this.socket.resume();
  }

  destroy(): void {
    this.socket.destroy();
  }

  /** Parses server frames (unmasked, RFC 6455 §5.2); pings are read and never answered. */
  private receive(data: Buffer): void {
    this.bytesRead += data.length;
    this.buffer = this.buffer.length === 0 ? data : Buffer.concat([this.buffer, data]);
    for (;;) {
      if (this.buffer.length < 2) return;
      const opcode = (this.buffer[0] ?? 0) & 0x0f;
      let length = (this.buffer[1] ?? 0) & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (this.buffer.length < 4) return;
        length = this.buffer.readUInt16BE(2);
        offset = 4;
      } else if (length === 127) {
        if (this.buffer.length < 10) return;
        length = Number(this.buffer.readBigUInt64BE(2));
        offset = 10;
      }
      if (this.buffer.length < offset + length) return;
      const payload = this.buffer.subarray(offset, offset + length);
      this.buffer = this.buffer.subarray(offset + length);
      if (opcode === 0x8 && payload.length >= 2) this.closeCode = payload.readUInt16BE(0);
      this.frames.push({ opcode, payload });
    }
  }
}
