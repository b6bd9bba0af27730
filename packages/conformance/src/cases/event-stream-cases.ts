import { changeEventSchema, resumedStreamEventSchema, snapshotStreamEventSchema } from '@syncline/protocol';
import { check, checkEqual, checkObject, recordEtag, show } from '../check.js';
import type { CaseContext, ConformanceCase } from '../case-runner.js';
import { ConformanceFailure } from '../conformance-failure.js';
import { EventStreamProbe, type StreamEvent } from '../event-stream-probe.js';
import { expectProblemBody } from '../http-probe.js';
import { COLLECTION, createItem, patchItem, titled } from './items.js';

/** The one JSON object on each data line of an event (§10). */
function dataOf(event: StreamEvent | undefined, what: string): Record<string, unknown>[] {
  if (event === undefined) throw new ConformanceFailure('timeout', `${what}: no event`);
  return event.lines.map((line) => {
    try {
      return checkObject(JSON.parse(line), what);
    } catch (error) {
      if (error instanceof ConformanceFailure) throw error;
      throw new ConformanceFailure('invalid-message', `${what}: a data line is not JSON: ${show(line)}`);
    }
  });
}

/** Checks a data line against its protocol schema (§10). */
function parsedAs<T>(schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } }, data: unknown, what: string): T {
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new ConformanceFailure('invalid-message', `${what} is not one: ${show(data)}`);
  return parsed.data;
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
      checkEqual(snapshotEvent?.event, 'snapshot', 'the first event');
      const snapshot = parsedAs(snapshotStreamEventSchema, dataOf(snapshotEvent, 'the snapshot')[0], 'the snapshot');
      checkEqual(snapshot.subscription, 0, 'the snapshot\'s subscription (the stream\'s first)');
      checkEqual(snapshot.resource, uri, 'the snapshot\'s resource (the URI as requested)');
      const seq = snapshot.headers['syncline-seq'];
      checkEqual(snapshotEvent?.id, seq, 'the snapshot\'s id: (its syncline-seq)');
      const items = (snapshot.body as { items?: Array<{ id: string }> } | undefined)?.items;
      checkEqual(JSON.stringify(items?.map((item) => item.id)), JSON.stringify([before.id]), 'the snapshot\'s ids');
      const changed = await patchItem(context, before.id, { done: true });
      const events = await stream.eventsFor(2);
      checkEqual(events[1]?.event, 'change', 'the second event');
      const [data] = dataOf(events[1], 'the change');
      const change = changeEventSchema.safeParse(data);
      if (!change.success) throw new ConformanceFailure('invalid-message', `the change is not a change event: ${show(data)}`);
      checkEqual(change.data.subscription, 0, 'the change\'s subscription');
      checkEqual(change.data.op, 'update', 'op');
      checkEqual(change.data.seq, changed.version, 'seq');
      checkEqual(change.data.etag, recordEtag(changed.version), 'etag');
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
      const path = `${context.livePath}/events?subscribe=${encodeURIComponent(uri)}`;
      const stream = await openCollectionStream(context, path, { 'last-event-id': String(item.version) });
      const events = await stream.eventsFor(2);
      checkEqual(events[0]?.event, 'resumed', 'the first event');
      const [raw] = dataOf(events[0], 'the resumed event');
      const resumed = parsedAs(resumedStreamEventSchema, raw, 'the resumed event');
      checkEqual(resumed.subscription, 0, 'the resumed event\'s subscription');
      checkEqual(resumed.resource, uri, 'the resumed event\'s resource');
      checkEqual(resumed.headers['syncline-seq'], String(item.version), 'syncline-seq');
      check(raw?.['body'] === undefined, `the resumed event has a body: ${show(raw)}`);
      checkEqual(events[1]?.event, 'change', 'the second event');
      const [change] = dataOf(events[1], 'the missed change');
      checkEqual(change?.['seq'], changed.version, 'the missed change\'s seq');
      checkEqual(change?.['op'], 'update', 'the missed change\'s op');
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
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ConformanceFailure('invalid-message', `the refusal is not JSON: ${show(text)}`);
      }
      expectProblemBody(body, 400, 'invalid-query', 'the refused stream');
    },
  },
];
