// The conformance adapter of `@syncline/client` (README, "Checking a client"): it performs the
// task the suite names in SYNCLINE_CONFORMANCE_TASK against SYNCLINE_CONFORMANCE_URL and prints
// one JSON object per line on stdout. In this repository it runs on the sources:
//   syncline-conformance --client "node --conditions=@syncline/source --import tsx packages/conformance/adapters/syncline-client.mjs"
import { ConflictError, createClient } from '@syncline/client';
import { conformanceItems } from '@syncline/conformance/fixture';

const url = process.env.SYNCLINE_CONFORMANCE_URL;
const task = process.env.SYNCLINE_CONFORMANCE_TASK;
if (!url || !task) {
  console.error('SYNCLINE_CONFORMANCE_URL and SYNCLINE_CONFORMANCE_TASK are required');
  process.exit(2);
}

// One transport per task: the WebSocket, or event streams for `follow-events`.
const client = createClient({ url, transport: task === 'follow-events' ? 'sse' : 'socket', onError: (error) => console.error(`[client] ${error instanceof Error ? error.message : String(error)}`) });
const items = client.resource(conformanceItems);
const print = (value) => process.stdout.write(`${JSON.stringify(value)}\n`);

if (task === 'follow' || task === 'follow-events') {
  // Every record set the live view holds, as one line, until the suite ends the process.
  const view = items.liveQuery();
  view.subscribe(() => print({ items: view.getSnapshot() }));
  view.ready.then(() => print({ items: view.getSnapshot() }), (error) => console.error(`[client] SUBSCRIBE refused: ${error.message}`));
  client.onStateChange((state) => console.error(`[client] ${state.kind}${state.kind === 'closed' ? `: ${state.reason}` : ''}`));
  process.on('SIGTERM', () => (client.close(), process.exit(0)));
} else if (task === 'patch') {
  const id = (process.env.SYNCLINE_CONFORMANCE_RECORD ?? '').split('/').pop() ?? '';
  try {
    await items.get(id); // the replica now holds the record's ETag: the PATCH carries it as If-Match
    await items.patch(id, { done: true });
    print({ outcome: 'ok' });
  } catch (error) {
    print(error instanceof ConflictError ? { outcome: 'conflict' } : { outcome: 'error', detail: error instanceof Error ? error.message : String(error) });
  }
  client.close();
  process.exit(0);
} else {
  console.error(`unknown task ${task}`);
  process.exit(2);
}
