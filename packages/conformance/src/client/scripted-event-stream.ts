import type { IncomingMessage, ServerResponse } from 'node:http';
import { HEADERS, type ResetStreamEvent, type ResumedStreamEvent, type SnapshotStreamEvent } from '@syncline/protocol';
import { show } from '../check.js';
import { collectionAnswer } from './scripted-answers.js';
import { changeEvent, COLLECTION_URI, type LoggedChange, type ScriptedFeed } from './scripted-records.js';

/** The one subscription of a single-URI stream is named `0` (§10). */
const SUBSCRIPTION = 0;

/**
 * Whether a request opens an event stream of the collection (§10): `GET /conformance-items` with
 * `Accept: text/event-stream`, or `<live path>/events?subscribe=%2Fconformance-items`.
 */
export function opensCollectionStream(request: IncomingMessage, livePath: string): boolean {
  if (request.method !== 'GET' || !(request.headers.accept ?? '').includes('text/event-stream')) return false;
  const url = new URL(request.url ?? '/', 'http://scripted');
  if (url.pathname === COLLECTION_URI && url.search === '') return true;
  return url.pathname === `${livePath}/events` && url.searchParams.getAll('subscribe').join() === COLLECTION_URI;
}

/**
 * One event stream the client opened: it writes the snapshot, or `resumed` and the missed
 * changes for a `Last-Event-ID` (`reset` and a fresh snapshot when the log does not reach back),
 * then each change with `id: <seq>`.
 */
export class ScriptedEventStream {
  readonly openedAt = Date.now();
  readonly lastEventId: string | undefined;
  closedAt: number | undefined;

  constructor(
    request: IncomingMessage,
    private readonly response: ServerResponse,
    feed: ScriptedFeed,
    violation: (reason: string) => void,
  ) {
    const header = request.headers[HEADERS.lastEventId];
    this.lastEventId = typeof header === 'string' ? header : undefined;
    response.on('close', () => (this.closedAt = Date.now()));
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' });
    const resource = COLLECTION_URI;
    if (this.lastEventId !== undefined && !/^\d+$/.test(this.lastEventId)) violation(`Last-Event-ID must be a non-negative integer (§10, §6.2), got ${show(this.lastEventId)}`);
    const missed = this.lastEventId === undefined ? undefined : feed.since(Number(this.lastEventId));
    if (this.lastEventId !== undefined && missed !== undefined) {
      const resumed: ResumedStreamEvent = { subscription: SUBSCRIPTION, resource, status: 200, headers: { [HEADERS.resume]: 'resumed', [HEADERS.seq]: this.lastEventId } };
      this.write('resumed', resumed);
      for (const change of missed) this.publish(change);
      return;
    }
    if (this.lastEventId !== undefined) {
      const reset: ResetStreamEvent = { subscription: SUBSCRIPTION, resource };
      this.write('reset', reset);
    }
    const answer = collectionAnswer(feed);
    const headers = { ...answer.headers, [HEADERS.seq]: String(feed.head), ...(this.lastEventId === undefined ? {} : { [HEADERS.resume]: 'reset' }) };
    const snapshot: SnapshotStreamEvent = { subscription: SUBSCRIPTION, resource, status: 200, headers, body: answer.body };
    this.write('snapshot', snapshot, feed.head);
  }

  get open(): boolean {
    return this.closedAt === undefined;
  }

  publish(change: LoggedChange): void {
    this.write('change', changeEvent(SUBSCRIPTION, change), change.seq);
  }

  /** Ends the stream, as a proxy or a restarting server would: the client reconnects and resumes. */
  end(): void {
    this.response.end();
  }

  private write(type: string, data: unknown, id?: number): void {
    if (!this.open) return;
    this.response.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }
}
