/** One server-sent event as dispatched: its type (`message` when unnamed), its data lines joined by "\n", and the last event ID. */
export interface SseEvent {
  readonly event: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** An incremental parser fed with decoded text in any chunking. */
export interface SseParser {
  feed(text: string): void;
  /** The last event ID seen so far (what an EventSource would send as `Last-Event-ID`). */
  lastEventId(): string;
}

/**
 * Parses `text/event-stream` as the WHATWG HTML standard ("Server-sent events", "Event stream
 * interpretation") does: lines end with CRLF, LF or CR; `:` starts a comment; `data` lines are
 * joined with "\n"; `id` is kept across events; a block without data fires nothing.
 *
 * @example
 * const parser = createSseParser((event) => console.log(event.event, event.data));
 * parser.feed('event: change\ndata: {"seq":4}\n\n');
 */
export function createSseParser(onEvent: (event: SseEvent) => void): SseParser {
  let buffer = '';
  let data: string[] = [];
  let type = '';
  let lastId = '';
  let first = true;

  const line = (text: string): void => {
    if (text === '') {
      if (data.length > 0) onEvent({ event: type || 'message', data: data.join('\n'), lastEventId: lastId });
      data = [];
      type = '';
      return;
    }
    if (text.startsWith(':')) return;
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') type = value;
    else if (field === 'id' && !value.includes('\u0000')) lastId = value;
  };

  return {
    feed(text) {
      buffer += text;
      if (first && buffer.length > 0) {
        if (buffer.charCodeAt(0) === 0xfeff) buffer = buffer.slice(1);
        first = false;
      }
      let start = 0;
      for (let i = 0; i < buffer.length; i++) {
        const char = buffer[i];
        if (char !== '\n' && char !== '\r') continue;
        // A CR at the very end may be the first half of a CRLF: wait for the next chunk.
        if (char === '\r' && i === buffer.length - 1) break;
        line(buffer.slice(start, i));
        if (char === '\r' && buffer[i + 1] === '\n') i++;
        start = i + 1;
      }
      buffer = buffer.slice(start);
    },
    lastEventId: () => lastId,
  };
}
