// Runs Syncline's Fetch entry on whichever runtime runs this file (Node, Deno, Bun), with no
// port: a write, a read, and an event stream read from its ReadableStream, then cancelled.
// Prints one line per check and exits non-zero on the first that fails.
//   node --conditions=@syncline/source --import tsx scripts/fetch-runtime-smoke.ts
//   deno run -A --unstable-sloppy-imports --conditions=@syncline/source scripts/fetch-runtime-smoke.ts
//   bun --conditions=@syncline/source scripts/fetch-runtime-smoke.ts
import { defineResource } from '@syncline/schema';
import { createSyncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';
import { z } from 'zod';
import { check, streamText } from './runtime-smoke-support.js';


const notes = defineResource({ name: 'notes', schema: z.object({ text: z.string() }) });
const syncline = await createSyncline({ resources: [notes], storage: createSqliteStorage({ filename: ':memory:' }), onError: () => {} });
const origin = 'http://localhost';
const created = await syncline.fetch(new Request(`${origin}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"hello"}' }));
check('POST answers 201', created.status === 201, String(created.status));
const note = (await created.json()) as { id: string };
const read = await syncline.fetch(new Request(`${origin}/notes/${note.id}`));
check('GET answers the record', read.status === 200 && ((await read.json()) as { text: string }).text === 'hello');

const stream = await syncline.fetch(new Request(`${origin}/notes`, { headers: { accept: 'text/event-stream' } }));
check('an event stream starts', stream.status === 200 && stream.headers.get('content-type') === 'text/event-stream');
const events = streamText(stream.body!);
await events.until('event: snapshot');
check('the snapshot arrives', true);
await syncline.fetch(new Request(`${origin}/notes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"text":"second"}' }));
await syncline.flush();
await events.until('"second"');
check('a change arrives on the stream', events.text().includes('event: change'));
await events.cancel();
check('cancelling frees the stream on the server', syncline.stats().streams === 0);
await syncline.close();
check('closes', true);
