import { checkEqual } from '../check.js';
import { awaitHolding, holding, type ClientCase } from './client-case.js';
import { recordId, ScriptedFeed, scriptedRecord } from './scripted-records.js';

export const eventStreamCase: ClientCase = {
  id: 'event-stream',
  name: 'over an event stream, the client shows the snapshot and changes, and after the stream ends reconnects with Last-Event-ID = the last id',
  section: '§10, §6.2',
  task: 'follow-events',
  limitMs: 40_000,
  setup: () => ({ feed: new ScriptedFeed([scriptedRecord(0, 1), scriptedRecord(1, 2)], 2) }),
  async run(context) {
    const { server } = context;
    const first = await server.signal.until(() => server.streams[0], context.startMs, 'the client to open an event stream of /conformance-items (§10)');
    checkEqual(first.lastEventId, undefined, 'the Last-Event-ID of the first stream');
    await awaitHolding(context, holding(scriptedRecord(0, 1), scriptedRecord(1, 2)), 'the snapshot event');
    server.publish('update', recordId(0), scriptedRecord(0, 3));
    await awaitHolding(context, holding(scriptedRecord(0, 3), scriptedRecord(1, 2)), 'the change event with id 3');
    first.end();
    // Written while the stream is down: the resume must bring it.
    server.feed.append('update', recordId(1), scriptedRecord(1, 4));
    const second = await server.signal.until(() => server.streams[1], context.waitMs, 'the client to open the stream again after it ended');
    checkEqual(second.lastEventId, '3', "the reconnection's Last-Event-ID (the id of the last event received)");
    await awaitHolding(context, holding(scriptedRecord(0, 3), scriptedRecord(1, 4)), 'the change missed while the stream was down, after resumed');
  },
};
