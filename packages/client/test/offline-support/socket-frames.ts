/**
 * Reads the text frames of one direction of a WebSocket connection (RFC 6455 §5.2) from the
 * bytes a proxy forwards, without changing them: masked (client to server) or not. Binary,
 * control and compressed frames are skipped; so is a message split into fragments (the
 * Syncline peers send each message in one frame).
 *
 * @example
 * const frames = createFrameReader();
 * for (const text of frames.push(chunk)) console.log(JSON.parse(text));
 */
export interface FrameReader {
  /** Adds bytes; answers the text of every frame they complete. */
  push(chunk: Buffer): string[];
}

export function createFrameReader(): FrameReader {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const texts: string[] = [];
      for (;;) {
        const frame = readFrame(pending);
        if (frame === undefined) break;
        pending = pending.subarray(frame.size);
        if (frame.text !== undefined) texts.push(frame.text);
      }
      return texts;
    },
  };
}

function readFrame(bytes: Buffer): { size: number; text?: string } | undefined {
  if (bytes.length < 2) return undefined;
  const first = bytes[0] ?? 0;
  const second = bytes[1] ?? 0;
  let length = second & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (bytes.length < 4) return undefined;
    length = bytes.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (bytes.length < 10) return undefined;
    length = Number(bytes.readBigUInt64BE(2));
    offset = 10;
  }
  const masked = (second & 0x80) !== 0;
  const mask = masked ? bytes.subarray(offset, offset + 4) : undefined;
  if (masked) offset += 4;
  if (bytes.length < offset + length) return undefined;
  const size = offset + length;
  const opcode = first & 0x0f;
  const whole = (first & 0x80) !== 0;
  const compressed = (first & 0x40) !== 0;
  if (opcode !== 1 || !whole || compressed) return { size };
  const payload = Buffer.from(bytes.subarray(offset, size));
  if (mask !== undefined) for (let index = 0; index < payload.length; index++) payload[index] = (payload[index] ?? 0) ^ (mask[index % 4] ?? 0);
  return { size, text: payload.toString('utf8') };
}
