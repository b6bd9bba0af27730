import { show } from './check.js';
import type { CaseContext } from './case-runner.js';
import { ConformanceFailure } from './conformance-failure.js';

/** One dispatched server-sent event. */
export interface StreamEvent {
  /** The `event:` field; `message` when none was given. */
  readonly event: string;
  /** The data lines (the stream's frames put one JSON object on each, §10). */
  readonly lines: readonly string[];
  /** The block's own `id:`, when it had one. */
  readonly id?: string;
}

/**
 * An event-stream reader (§10) over `fetch`, following the WHATWG parsing rules: fields per
 * line, `data` lines collected, a blank line dispatches, comments skipped. `status` and
 * `headers` are the response's; a refused stream's body is in `text`.
 */
export class EventStreamProbe {
  readonly events: StreamEvent[] = [];
  text = '';
  private pending = '';
  private block: { event: string; lines: string[]; id?: string } = { event: '', lines: [] };
  private wake: Array<() => void> = [];
  private ended = false;

  private constructor(
    readonly status: number,
    readonly headers: Readonly<Record<string, string>>,
    private readonly abort: AbortController,
    private readonly context: CaseContext,
  ) {}

  /** Opens `uri` with `Accept: text/event-stream`; resolves once the headers arrived. */
  static async open(context: CaseContext, uri: string, headers: Record<string, string> = {}): Promise<EventStreamProbe> {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), context.waitMs);
    let response: Response;
    try {
      response = await fetch(context.baseUrl + uri, { headers: { accept: 'text/event-stream', ...headers }, signal: abort.signal });
    } catch (error) {
      throw new ConformanceFailure('error', `GET ${uri} (event stream) got no answer: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      clearTimeout(timer);
    }
    const answerHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => (answerHeaders[name.toLowerCase()] = value));
    const probe = new EventStreamProbe(response.status, answerHeaders, abort, context);
    context.defer(() => abort.abort());
    if (response.body) void probe.read(response.body);
    else probe.ended = true;
    return probe;
  }

  /** Waits until `count` events have been dispatched, and returns them all. */
  async eventsFor(count: number): Promise<StreamEvent[]> {
    const deadline = Date.now() + this.context.waitMs;
    while (this.events.length < count) {
      const left = deadline - Date.now();
      if (left <= 0 || this.ended) {
        const state = this.ended ? 'the stream ended' : `${this.context.waitMs} ms passed`;
        throw new ConformanceFailure('timeout', `waited for ${count} event(s) on the stream, but ${state}; got ${show(this.events)}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => (clearTimeout(timer), resolve()));
      });
    }
    return this.events;
  }

  /** Waits for the end of a refused stream's body (a problem), and returns it as text. */
  async body(): Promise<string> {
    await this.eventsFor(Number.POSITIVE_INFINITY).catch(() => undefined);
    return this.text;
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    const reader = body.getReader();
    try {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) this.feed(decoder.decode(chunk.value, { stream: true }));
    } catch {
      // Aborted by the case, or cut by the server: `ended` tells the waiting case.
    }
    this.ended = true;
    this.notify();
  }

  private feed(chunk: string): void {
    this.text += chunk;
    this.pending += chunk;
    for (let end = this.pending.search(/\r\n|\r|\n/); end >= 0; end = this.pending.search(/\r\n|\r|\n/)) {
      const line = this.pending.slice(0, end);
      this.pending = this.pending.slice(this.pending.startsWith('\r\n', end) ? end + 2 : end + 1);
      this.line(line);
    }
    this.notify();
  }

  private line(line: string): void {
    if (line === '') {
      if (this.block.lines.length > 0) this.events.push({ event: this.block.event || 'message', lines: this.block.lines, ...(this.block.id === undefined ? {} : { id: this.block.id }) });
      this.block = { event: '', lines: [] };
      return;
    }
    if (line.startsWith(':')) return;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') this.block.event = value;
    else if (field === 'data') this.block.lines.push(value);
    else if (field === 'id') this.block.id = value;
  }

  private notify(): void {
    const waiting = this.wake;
    this.wake = [];
    for (const wake of waiting) wake();
  }
}
