import { checkEqual } from '../check.js';
import { ConformanceFailure } from '../conformance-failure.js';
import { awaitHolding, awaitSubscribed, holding, type ClientCase } from './client-case.js';
import { recordId, ScriptedFeed, scriptedRecord } from './scripted-records.js';

const FOLLOW_LIMIT_MS = 40_000;

/** Two records at positions 1 and 2: where every follow case starts. */
function twoRecords(): ScriptedFeed {
  return new ScriptedFeed([scriptedRecord(0, 1), scriptedRecord(1, 2)], 2);
}

export const subscribeCase: ClientCase = {
  id: 'subscribe',
  name: 'the client offers syncline.1, sends valid requests with unique ids, and shows the SUBSCRIBE snapshot',
  section: '§1, §2.1, §3, §6.1',
  task: 'follow',
  limitMs: FOLLOW_LIMIT_MS,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    const connection = await awaitSubscribed(context);
    const subscribe = connection.subscribes[0];
    checkEqual(subscribe?.lastEventId, undefined, 'the first SUBSCRIBE of a fresh client carries no last-event-id');
    await awaitHolding(context, holding(scriptedRecord(0, 1), scriptedRecord(1, 2)), 'the snapshot of the SUBSCRIBE answer');
  },
};

export const changesCase: ClientCase = {
  id: 'changes',
  name: 'the client applies enter, update and leave events in seq order to what it holds',
  section: '§2.5, §6.1, §7',
  task: 'follow',
  limitMs: FOLLOW_LIMIT_MS,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    await awaitSubscribed(context);
    await awaitHolding(context, holding(scriptedRecord(0, 1), scriptedRecord(1, 2)), 'the snapshot');
    // Positions follow the records' versions: enter at 3, update at 4, leave at 5.
    context.server.publish('enter', recordId(2), scriptedRecord(2, 3));
    context.server.publish('update', recordId(0), scriptedRecord(0, 4, true));
    context.server.publish('leave', recordId(1), null);
    await awaitHolding(context, holding(scriptedRecord(0, 4), scriptedRecord(2, 3)), 'the records after enter (seq 3), update (seq 4) and leave (seq 5)');
  },
};

export const resetCase: ClientCase = {
  id: 'reset',
  name: 'on syncline-resume: reset the client discards what it held and takes the fresh snapshot',
  section: '§6.2',
  task: 'follow',
  limitMs: FOLLOW_LIMIT_MS,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    const first = await awaitSubscribed(context);
    await awaitHolding(context, holding(scriptedRecord(0, 1), scriptedRecord(1, 2)), 'the snapshot');
    // The log is trimmed past the client's position while it is away: the record it held is gone.
    context.server.feed.replace([scriptedRecord(1, 7), scriptedRecord(2, 8)], 8);
    context.server.resumePolicy = 'reset';
    first.socket.terminate();
    await awaitSubscribed(context, first.index + 1);
    await awaitHolding(context, holding(scriptedRecord(1, 7), scriptedRecord(2, 8)), 'the fresh snapshot of the reset answer, and nothing else');
  },
};

export const badFramesCase: ClientCase = {
  id: 'bad-frames',
  name: 'an error event, a frame that is not JSON, a binary frame and an unknown message do not stop the client',
  section: '§1, §2.6',
  task: 'follow',
  limitMs: FOLLOW_LIMIT_MS,
  setup: () => ({ feed: twoRecords() }),
  async run(context) {
    const connection = await awaitSubscribed(context);
    await awaitHolding(context, holding(scriptedRecord(0, 1), scriptedRecord(1, 2)), 'the snapshot');
    connection.send({ event: 'error', body: { type: 'urn:syncline:error:invalid-frame', title: 'The frame is not a valid message', status: 400, code: 'invalid-frame', detail: 'A scripted error event.' } });
    connection.sendRaw('{"event": "change", "seq": ');
    connection.sendRaw(new Uint8Array([0x7b, 0x7d]));
    connection.sendRaw(JSON.stringify({ event: 'no-such-event', seq: 3 }));
    // A client may drop a socket that sent garbage; it then resumes and gets the change from the log.
    context.server.publish('enter', recordId(2), scriptedRecord(2, 3));
    await awaitHolding(context, holding(scriptedRecord(0, 1), scriptedRecord(1, 2), scriptedRecord(2, 3)), 'the change sent after the bad frames');
    if (context.adapter.exit !== undefined) throw new ConformanceFailure('mismatch', 'the adapter exited after the bad frames');
  },
};
