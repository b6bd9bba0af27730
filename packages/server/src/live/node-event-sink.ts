import type { ServerResponse } from 'node:http';
import type { EventSink } from './event-sink.js';

/** An event stream written to Node's `http` response. */
export function nodeEventSink(res: ServerResponse, reportError: (error: unknown, where: string) => void): EventSink {
  res.on('error', (error) => reportError(error, 'event stream response'));
  return {
    answer(response) {
      if (res.headersSent || res.destroyed) return;
      const body = response.body;
      res.writeHead(response.status, body === undefined ? response.headers : { ...response.headers, 'content-length': String(Buffer.byteLength(body)) });
      res.end(body);
    },
    start(status, headers) {
      res.writeHead(status, headers);
      res.flushHeaders();
    },
    write: (text) => void res.write(text),
    get bufferedBytes() {
      return res.writableLength;
    },
    get closed() {
      return res.destroyed;
    },
    end() {
      if (!res.destroyed && !res.writableEnded) res.end();
    },
    destroy: () => void res.destroy(),
    onClose: (listener) => void res.on('close', listener),
  };
}
