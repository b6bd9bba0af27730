import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { parseStreamEvent, type ChangeEvent } from '@syncline/protocol';

/** One dispatched server-sent event, or a comment, as the WHATWG parser sees it. */
export interface SseEvent {
  readonly type: 'event' | 'comment';
  /** `message` when the server named none. */
  readonly event: string;
  /** The data lines joined with "\n". */
  readonly data: string;
  /** The stream's last event ID once this event was dispatched (as an EventSource would send it on reconnect). */
  readonly lastEventId: string;
  /** Whether this block set an `id:` itself. */
  readonly hasId: boolean;
  /** The comment's text for comments. */
  readonly comment?: string;
}

/**
 * A small server-sent events reader for tests, following the WHATWG parsing rules (fields,
 * `data` joined by line breaks, `id` kept across events, blocks without data only move the
 * last event ID). Reads a Node `http` response so tests can also pause it (slow consumer).
 */
export class SseClient implements AsyncDisposable {
  readonly events: SseEvent[] = [];
  lastEventId = '';
  private buffer = '';
  private data: string[] = [];
  private eventType = '';
  private idInBlock = false;
  private waiters: Array<() => void> = [];
  readonly ended: Promise<void>;

  private constructor(readonly request: ClientRequest, readonly response: IncomingMessage, initialLastEventId: string) {
    this.lastEventId = initialLastEventId;
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.feed(chunk));
    this.ended = new Promise((resolve) => {
      response.on('close', () => resolve());
      response.on('error', () => resolve());
    });
    void this.ended.then(() => this.wake());
  }

  /** Opens a stream; resolves once the response's headers arrived (status and headers are on `response`). */
  static open(port: number, path: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path, headers: { accept: 'text/event-stream', ...headers } }, (res) => resolve(new SseClient(req, res, headers['last-event-id'] ?? '')));
      req.on('error', reject);
      req.end();
    });
  }

  /** Reads a whole non-stream answer (problem+json) as JSON. */
  async json(): Promise<any> {
    await this.ended;
    return JSON.parse(this.buffer);
  }

  get status(): number {
    return this.response.statusCode ?? 0;
  }

  /** The dispatched events (not comments) of one type. */
  named(event: string): SseEvent[] {
    return this.events.filter((e) => e.type === 'event' && e.event === event);
  }

  /** Every data line of `change` events (several subscriptions may share one event), parsed with the protocol's schema. */
  changes(subscription?: string | number): any[] {
    return this.named('change')
      .flatMap((e) => (parseStreamEvent('change', e.data)?.data ?? []) as ChangeEvent[])
      .filter((frame) => subscription === undefined || frame.subscription === subscription);
  }

  /** The data of every answer event of one type (`snapshot`, `resumed`, `reset`, `error`), parsed with the protocol's schema. */
  answers(type: 'snapshot' | 'resumed' | 'reset' | 'error'): any[] {
    return this.named(type).map((e) => parseStreamEvent(type, e.data)?.data);
  }

  /** Waits until `test` holds over what was received. */
  async until(test: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`SSE: no ${what} within ${timeoutMs} ms; got ${JSON.stringify(this.events.slice(-6))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Waits for `count` change frames (of one subscription, or all). */
  async changesFor(count: number, subscription?: string | number, timeoutMs = 5000): Promise<any[]> {
    await this.until(() => this.changes(subscription).length >= count, timeoutMs, `${count} changes`);
    return this.changes(subscription);
  }

  close(): void {
    this.request.destroy();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.close();
    await this.ended;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }

  private feed(chunk: string): void {
    if (!(this.response.headers['content-type'] ?? '').startsWith('text/event-stream')) {
      this.buffer += chunk;
      return;
    }
    this.buffer += chunk;
    for (;;) {
      const match = /\r\n|\r|\n/.exec(this.buffer);
      if (!match) break;
      const line = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      this.line(line);
    }
    this.wake();
  }

  private line(line: string): void {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) {
      this.events.push({ type: 'comment', event: '', data: '', lastEventId: this.lastEventId, hasId: false, comment: line.slice(1).trim() });
      return;
    }
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\u0000')) {
      this.lastEventId = value;
      this.idInBlock = true;
    }
  }

  private dispatch(): void {
    const hasId = this.idInBlock;
    this.idInBlock = false;
    if (this.data.length === 0) {
      this.eventType = '';
      if (hasId) this.events.push({ type: 'comment', event: '', data: '', lastEventId: this.lastEventId, hasId, comment: 'id' });
      return;
    }
    this.events.push({ type: 'event', event: this.eventType || 'message', data: this.data.join('\n'), lastEventId: this.lastEventId, hasId });
    this.data = [];
    this.eventType = '';
  }
}
