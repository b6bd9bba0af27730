import { ERROR_STATUS, isErrorCode, SUBPROTOCOL } from '@syncline/protocol';
import WebSocket from 'ws';
import type { FuzzFrame } from './frame-fuzz.js';

/** Close codes a client may get for bad input (protocol §9); anything else is a violation. */
const DOCUMENTED_CLOSES = new Set([1002, 1007, 1009, 4400, 4429]);

type Frame = Record<string, unknown>;

/**
 * Why a frame from the server is not a documented answer, or undefined when it is.
 *
 * @example
 * undocumented({ id: 1, status: 400, body: { code: 'invalid-json' } }); // undefined
 */
export function undocumented(frame: Frame): string | undefined {
  if (typeof frame['status'] === 'number') {
    const status = frame['status'];
    if (status < 400) return undefined;
    const code = (frame['body'] as Frame | undefined)?.['code'];
    if (!isErrorCode(code)) return `response ${status} without a documented code: ${JSON.stringify(frame).slice(0, 200)}`;
    if (ERROR_STATUS[code] !== status) return `response ${status} with code ${code} (documented as ${ERROR_STATUS[code]})`;
    if (status === 500) return `500 internal: ${JSON.stringify(frame).slice(0, 200)}`;
    return undefined;
  }
  if (frame['event'] === 'error') {
    const code = (frame['body'] as Frame | undefined)?.['code'];
    return isErrorCode(code) ? undefined : `error event without a documented code: ${JSON.stringify(frame).slice(0, 200)}`;
  }
  if (frame['event'] === 'change' || frame['event'] === 'hello' || frame['event'] === 'heartbeat' || frame['event'] === 'presence') return undefined;
  return `unknown frame: ${JSON.stringify(frame).slice(0, 200)}`;
}

/**
 * A socket that sends one fuzz frame at a time and then a valid GET (the sentinel), and
 * collects everything the server answered up to the sentinel's answer, or the close. It opens
 * a new connection after a close, as a client would.
 *
 * @example
 * const socket = new FuzzSocket(port); const problems = await socket.roundTrip(frame);
 */
export class FuzzSocket {
  private socket: WebSocket | undefined;
  private frames: Frame[] = [];
  private closeCode: number | undefined;
  private wake: (() => void) | undefined;
  private sentinel = 0;
  /** How many connections the server closed, by code. */
  readonly closes: Record<string, number> = {};
  answered = 0;

  constructor(private readonly port: number) {}

  private async open(): Promise<WebSocket> {
    if (this.socket?.readyState === WebSocket.OPEN) return this.socket;
    const socket = new WebSocket(`ws://127.0.0.1:${this.port}/live`, [SUBPROTOCOL]);
    socket.on('message', (data, isBinary) => {
      if (isBinary) this.frames.push({ event: 'binary from server' });
      else this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake?.();
    });
    socket.on('close', (code) => {
      this.closeCode = code;
      this.wake?.();
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    this.socket = socket;
    this.closeCode = undefined;
    return socket;
  }

  /** Sends the frame and the sentinel; the problems found in what came back (empty when all was documented). */
  async roundTrip(frame: FuzzFrame): Promise<string[]> {
    const socket = await this.open();
    this.frames = [];
    const id = `sentinel-${++this.sentinel}`;
    if (frame.kind === 'text') socket.send(frame.data);
    else socket.send(Buffer.from(frame.data), { binary: frame.kind === 'binary' });
    socket.send(JSON.stringify({ id, method: 'GET', resource: '/entries?limit=1' }));
    const deadline = Date.now() + 10_000;
    while (!this.frames.some((answer) => answer['id'] === id) && this.closeCode === undefined) {
      if (Date.now() > deadline) return [`no answer to the sentinel within 10 s after ${JSON.stringify(frame).slice(0, 200)}`];
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 200);
      });
    }
    this.answered += this.frames.length;
    const problems = this.frames.map(undocumented).filter((problem): problem is string => problem !== undefined);
    if (this.closeCode !== undefined) {
      this.closes[this.closeCode] = (this.closes[this.closeCode] ?? 0) + 1;
      if (!DOCUMENTED_CLOSES.has(this.closeCode)) problems.push(`closed with ${this.closeCode} after ${JSON.stringify(frame).slice(0, 200)}`);
      this.socket = undefined;
    }
    return problems;
  }

  close(): void {
    this.socket?.close();
  }
}
