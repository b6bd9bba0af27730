import { parseStreamEvent, streamPath, type StreamEvent as ProtocolStreamEvent } from '@syncline/protocol';
import { check, checkEqual, recordEtag, show } from '../check.js';
import type { CaseContext, ConformanceCase } from '../case-runner.js';
import { ConformanceFailure } from '../conformance-failure.js';
import { EventStreamProbe, type StreamEvent } from '../event-stream-probe.js';
import { expectProblemBody, jsonBody } from '../http-probe.js';
import { asPage, COLLECTION, createItem, patchItem, titled } from './items.js';

/** An event parsed by the protocol's own reader (`parseStreamEvent`, §10): a type it knows, data of that type's shape. */
function parsedEvent(event: StreamEvent | undefined, what: string): ProtocolStreamEvent {
  if (event === undefined) throw new ConformanceFailure('timeout', `${what}: no event`);
  let parsed: ProtocolStreamEvent | undefined;
  try {
    parsed = parseStreamEvent(event.event, event.lines.join('\n'));
  } catch (error) {
    throw new ConformanceFailure('invalid-message', `${what}: ${error instanceof Error ? error.message : String(error)} ${show(event.lines)}`);
  }
  if (parsed === undefined) throw new ConformanceFailure('mismatch', `${what}: an event of unknown type ${show(event.event)}`);
  return parsed;
}

/** Each event type's data, by type. */
type StreamData = { [E in ProtocolStreamEvent as E['type']]: E['data'] };

/** The data of an event that must be of type `type`. */
function eventOf<T extends keyof StreamData>(event: StreamEvent | undefined, type: T, what: string): StreamData[T] {
  const parsed = parsedEvent(event, what);
  checkEqual(parsed.type, type, `${what}: the event type`);
  return parsed.data as StreamData[T];
}

/** Checks an open stream's headers (§10). */
function expectStream(stream: EventStreamProbe, what: string): void {
  checkEqual(stream.status, 200, `${what}: status`);
  check((stream.headers['content-type'] ?? '').startsWith('text/event-stream'), `${what}: content-type is ${show(stream.headers['content-type'])}`);
  check((stream.headers['cache-control'] ?? '').includes('no-cache'), `${what}: cache-control is ${show(stream.headers['cache-control'])}`);
  checkEqual(stream.headers['x-accel-buffering'], 'no', `${what}: x-accel-buffering`);
}

async function openCollectionStream(context: CaseContext, uri: string, headers: Record<string, string> = {}): Promise<EventStreamProbe> {
  const stream = await EventStreamProbe.open(context, uri, headers);
  expectStream(stream, `GET ${uri} (event stream)`);
  return stream;
}

/** Server-sent event streams (§10). */
export const eventStreamCases: readonly ConformanceCase[] = [
  {
    name: 'a collection URI with Accept: text/event-stream streams a snapshot, then each change with id: <seq>',
    section: '§10',
    group: 'event-stream',
    async run(context) {
      const title = `stream ${context.tag}`;
      const before = await createItem(context, title);
      const uri = titled(title);
      const stream = await openCollectionStream(context, uri);
      const [snapshotEvent] = await stream.eventsFor(1);
      const snapshot = eventOf(snapshotEvent, 'snapshot', 'the first event');
      checkEqual(snapshot.subscription, 0, 'the snapshot\'s subscription (the stream\'s first)');
      checkEqual(snapshot.resource, uri, 'the snapshot\'s resource (the URI as requested)');
      const seq = snapshot.headers['syncline-seq'];
      checkEqual(snapshotEvent?.id, seq, 'the snapshot\'s id: (its syncline-seq)');
      const { items } = asPage(snapshot.body, 'the snapshot\'s body');
      checkEqual(JSON.stringify(items.map((item) => item.id)), JSON.stringify([before.id]), 'the snapshot\'s ids');
      const changed = await patchItem(context, before.id, { done: true });
      const events = await stream.eventsFor(2);
      const [change] = eventOf(events[1], 'change', 'the second event');
      checkEqual(change?.subscription, 0, 'the change\'s subscription');
      checkEqual(change?.op, 'update', 'op');
      checkEqual(change?.seq, changed.version, 'seq');
      checkEqual(change?.etag, recordEtag(changed.version), 'etag');
      checkEqual(events[1]?.id, String(changed.version), 'the change\'s id:');
    },
  },
  {
    name: '/live/events resumes from Last-Event-ID: resumed, then the missed change',
    section: '§10, §6.2',
    group: 'event-stream',
    async run(context) {
      const title = `resume-stream ${context.tag}`;
      const item = await createItem(context, title);
      const uri = titled(title);
      const changed = await patchItem(context, item.id, { done: true });
      const path = streamPath(context.livePath, [uri]);
      const stream = await openCollectionStream(context, path, { 'last-event-id': String(item.version) });
      const events = await stream.eventsFor(2);
      const resumed = eventOf(events[0], 'resumed', 'the first event');
      checkEqual(resumed.subscription, 0, 'the resumed event\'s subscription');
      checkEqual(resumed.resource, uri, 'the resumed event\'s resource');
      checkEqual(resumed.headers['syncline-seq'], String(item.version), 'syncline-seq');
      check(!('body' in resumed), `the resumed event has a body: ${show(resumed)}`);
      const [change] = eventOf(events[1], 'change', 'the second event');
      checkEqual(change?.seq, changed.version, 'the missed change\'s seq');
      checkEqual(change?.op, 'update', 'the missed change\'s op');
    },
  },
  {
    name: 'a stream that cannot start is answered before it starts, as problem+json (400 invalid-query)',
    section: '§10',
    group: 'event-stream',
    async run(context) {
      const stream = await EventStreamProbe.open(context, `${COLLECTION}?done=maybe`);
      checkEqual(stream.status, 400, 'status');
      check((stream.headers['content-type'] ?? '').startsWith('application/problem+json'), `content-type is ${show(stream.headers['content-type'])}`);
      const text = await stream.body();
      expectProblemBody(jsonBody(text, 'the refused stream'), 400, 'invalid-query', 'the refused stream');
    },
  },
];
