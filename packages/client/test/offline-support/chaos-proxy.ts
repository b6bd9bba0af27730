import { listenProxy } from './proxy-server.js';
import { createFrameReader } from './socket-frames.js';

/** A write as the proxy sees it go by: `PATCH /notes/0193…`, over HTTP or in a socket frame. */
export interface SeenWrite {
  readonly method: string;
  readonly resource: string;
  readonly transport: 'http' | 'socket';
  /** Its `Idempotency-Key`, when it has one. */
  readonly key: string | undefined;
}

export interface ChaosProxyOptions {
  readonly targetPort: number;
  /**
   * Asked for every write (POST, PUT, PATCH, DELETE, except `POST /_reconcile`) on its way to
   * the server: true lets the server run it, then drops the connection as the answer comes
   * back, so the client never learns that it was applied.
   */
  readonly loseAnswer?: (write: SeenWrite) => boolean;
}

/**
 * A TCP proxy between one client and the server that the client is not told about: it can
 * cut the network (every connection dropped, new ones refused) and restore it, and lose
 * the answers of writes the server has run, over HTTP/1.1 and over the WebSocket.
 *
 * @example
 * await using proxy = await startChaosProxy({ targetPort, loseAnswer: () => random.chance(0.2) });
 * proxy.cut();
 * proxy.restore();
 * proxy.stats().lostAnswers;
 */
export interface ChaosProxy extends AsyncDisposable {
  readonly port: number;
  cut(): void;
  restore(): void;
  isCut(): boolean;
  stats(): { readonly writes: number; readonly lostAnswers: number; readonly lostSocketAnswers: number; readonly cuts: number };
}

const WRITE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/1\.[01]\r\n/;

export async function startChaosProxy(options: ChaosProxyOptions): Promise<ChaosProxy> {
  let down = false;
  const counts = { writes: 0, lostAnswers: 0, lostSocketAnswers: 0, cuts: 0 };
  const isWrite = (method: string, resource: string): boolean => WRITE_METHODS.has(method) && !resource.startsWith('/_reconcile');
  const decide = (write: SeenWrite): boolean => {
    counts.writes++;
    return options.loseAnswer?.(write) ?? false;
  };

  const proxy = await listenProxy(options.targetPort, () => down, (client, upstream, end) => {
    // HTTP: the answer to the request in flight is lost. Socket: the answer to these request ids is lost.
    let loseNextAnswer = false;
    const losing = new Set<string>();
    let socket: { readonly up: ReturnType<typeof createFrameReader>; readonly down: ReturnType<typeof createFrameReader>; headerDone: boolean } | undefined;
    client.on('data', (chunk: Buffer) => {
      if (socket === undefined) {
        const head = chunk.toString('latin1', 0, Math.min(chunk.length, 4096));
        const line = REQUEST_LINE.exec(head);
        if (line?.[1] === 'GET' && /\r\nupgrade:\s*websocket/i.test(head)) socket = { up: createFrameReader(), down: createFrameReader(), headerDone: false };
        else if (line?.[1] !== undefined && line[2] !== undefined && isWrite(line[1], line[2])) {
          const key = /\r\nidempotency-key:[ \t]*([^\r\n]*)/i.exec(head)?.[1]?.trim().replace(/^"(.*)"$/, '$1');
          loseNextAnswer = decide({ method: line[1], resource: line[2], transport: 'http', key });
        }
      } else {
        for (const text of socket.up.push(chunk)) {
          const frame = parse(text);
          if (frame && typeof frame['method'] === 'string' && typeof frame['resource'] === 'string' && isWrite(frame['method'], frame['resource'])) {
            const headers = frame['headers'];
            const key = headers !== null && typeof headers === 'object' && 'idempotency-key' in headers ? String(headers['idempotency-key']) : undefined;
            if (decide({ method: frame['method'], resource: frame['resource'], transport: 'socket', key })) losing.add(String(frame['id']));
          }
        }
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (socket === undefined) {
        if (loseNextAnswer) {
          counts.lostAnswers++;
          return end();
        }
        return void client.write(chunk);
      }
      let frames = chunk;
      if (!socket.headerDone) {
        const split = chunk.indexOf('\r\n\r\n');
        if (split < 0) return void client.write(chunk);
        socket.headerDone = true;
        frames = chunk.subarray(split + 4);
      }
      const answered = socket.down.push(frames).some((text) => {
        const frame = parse(text);
        return frame !== undefined && 'status' in frame && losing.has(String(frame['id']));
      });
      if (answered) {
        counts.lostAnswers++;
        counts.lostSocketAnswers++;
        return end();
      }
      client.write(chunk);
    });
  });
  return {
    port: proxy.port,
    cut() {
      if (!down) counts.cuts++;
      down = true;
      proxy.dropAll();
    },
    restore() {
      down = false;
    },
    isCut: () => down,
    stats: () => ({ ...counts }),
    [Symbol.asyncDispose]: () => proxy.close(),
  };
}

function parse(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
