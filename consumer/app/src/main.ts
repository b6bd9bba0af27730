import { createClient, type SynclineClient } from '@syncline/client';
import { notes } from './resources.js';
import { startServer } from './server.js';

const TIMEOUT_MS = 15_000;
const started = Date.now();
const say = (line: string): void => console.log(`[${String(Date.now() - started).padStart(5)} ms] ${line}`);

const timer = setTimeout(() => {
  say(`FAIL: no live change within ${TIMEOUT_MS} ms`);
  process.exit(1);
}, TIMEOUT_MS);

const server = await startServer();
say(`server listening on ${server.url}`);

const ana: SynclineClient = createClient({ url: server.url });
const ben: SynclineClient = createClient({ url: server.url });
const anaSession = await ana.auth.signUp('ana', 'correct horse battery');
say(`ana signed up and in as ${anaSession.user.username}`);
await ben.auth.signUp('ben', 'staple battery horse');
await ben.auth.signIn('ben', 'staple battery horse');
say(`ben signed up, then signed in as ${ben.auth.user()?.username ?? '(nobody)'}`);

const feed = ana.resource(notes).liveQuery({ order: 'text' });
await feed.ready;
say(`ana subscribed to /notes: ${feed.getSnapshot().length} notes`);

const arrived = new Promise<void>((resolve) => {
  const check = (): void => {
    const texts = feed.getSnapshot().map((note) => `${note.author}: ${note.text}`);
    if (texts.length > 0) {
      say(`ana sees ${JSON.stringify(texts)}`);
      stop();
      resolve();
    }
  };
  const stop = feed.subscribe(check);
});

const hidden = await ben.resource(notes).create({ text: 'ben only', shared: false });
say(`ben created a private note ${hidden.id}`);
const shared = await ben.resource(notes).create({ text: 'hello from ben', shared: true });
say(`ben created a shared note ${shared.id} (version ${shared.version})`);

await arrived;
const seen = feed.getSnapshot();
if (seen.length !== 1 || seen[0]?.id !== shared.id || seen[0].author !== 'ben') {
  say(`FAIL: ana should see exactly ben's shared note, saw ${JSON.stringify(seen)}`);
  process.exit(1);
}
say('ana saw the shared note arrive live, and not the private one');

clearTimeout(timer);
feed.close();
ana.close();
ben.close();
await server.syncline.close();
say('OK');
