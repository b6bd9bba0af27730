/** How the matrix talks to the servers: a socket request, an HTTP request, or the first answer of an event stream. */
import type { Syncline } from '../../../src/index.js';
import { SseClient } from '../../support/sse-client.js';
import { checkNoSecret } from './matrix-checks.js';
import type { ReadVia, Via } from './matrix-commands.js';
import type { Answer, Session } from './matrix-observations.js';

/** Two servers over one database and one backplane (or one server twice): subscribers use `reader`, writes go to `writer`. */
export interface MatrixServers {
  readonly writer: Syncline;
  readonly reader: Syncline;
  readonly writerPort: number;
  readonly readerPort: number;
}

/** Who sends a request of the matrix, and how: the user's session, over its socket or HTTP. */
export interface Sender {
  readonly servers: MatrixServers;
  readonly session: Session;
  readonly via: Via;
}

/** A request on the user's writer socket, or over HTTP (GETs to the reader, the rest to the writer). */
export async function call({ servers, session, via }: Sender, method: string, uri: string, body?: unknown): Promise<Answer> {
  if (via === 'ws') {
    const frame = await session.writer.request(method, uri, body === undefined ? {} : { body });
    return { status: frame['status'] as number, body: frame['body'] };
  }
  return httpCall(method === 'GET' ? servers.reader : servers.writer, session.name, method, uri, body);
}

export async function httpCall(server: Syncline, user: string, method: string, uri: string, body?: unknown): Promise<Answer> {
  const headers: Record<string, string> = { 'x-user': user, accept: 'application/json' };
  let bytes: Uint8Array | undefined;
  if (body !== undefined) {
    bytes = new TextEncoder().encode(JSON.stringify(body));
    headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  }
  const response = await server.handle({ method, url: uri, headers, ...(bytes ? { body: bytes } : {}) });
  const raw = response.body ?? '';
  checkNoSecret(`HTTP ${method} ${uri}`, raw);
  return { status: response.status, body: raw === '' ? undefined : JSON.parse(raw) };
}

/**
 * Opens an event stream of `uri` as `user` (the URI itself with `Accept: text/event-stream`,
 * or `/live/events?subscribe=<uri>`) and answers its first answer as a GET's: the problem
 * before the stream, or the `snapshot` event's status and body. The stream is then closed.
 */
export async function streamRead(port: number, user: string, via: Exclude<ReadVia, Via>, uri: string): Promise<Answer> {
  const path = via === 'sse' ? uri : `/live/events?subscribe=${encodeURIComponent(uri)}`;
  await using stream = await SseClient.open(port, path, { 'x-user': user });
  if (stream.status !== 200) {
    const body = await stream.json();
    checkNoSecret(`event stream ${path}`, JSON.stringify(body));
    return { status: stream.status, body };
  }
  await stream.until(() => stream.named('snapshot').length > 0, 5000, `the snapshot of ${path}`);
  const data = (stream.named('snapshot')[0] as { data: string }).data;
  checkNoSecret(`event stream ${path}`, data);
  const snapshot = JSON.parse(data) as { status: number; body: unknown };
  return { status: snapshot.status, body: snapshot.body };
}
