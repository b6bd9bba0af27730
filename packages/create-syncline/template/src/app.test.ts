import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, type LiveView, type SynclineClient } from '@syncline/client';
import { loadConfig } from '@syncline/server';
import { createApp, type App } from './app.js';
import { notes } from './resources.js';

// The app as `npm start` serves it, on a free port and a private in-memory database.
let app: App;
let url: string;
const clients: SynclineClient[] = [];

before(async () => {
  // A cheaper password hash than production's, so signing up takes milliseconds.
  app = await createApp({ config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }), auth: { scrypt: { N: 1024, r: 8, p: 1 } } });
  const { port } = await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${port}`;
});

after(async () => {
  for (const client of clients) client.close();
  await app.close();
});

/** A client signed in as `username`, closed after the tests. */
async function signedIn(username: string, password = 'correct horse'): Promise<SynclineClient> {
  const client = createClient({ url });
  clients.push(client);
  await client.auth.signIn(username, password);
  return client;
}

/** Resolves with the view's rows once `accept` holds for them; rejects after a few seconds. */
function until<T>(view: LiveView<T>, accept: (rows: T) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!accept(view.getSnapshot())) return;
      clearTimeout(timer);
      stop();
      resolve(view.getSnapshot());
    };
    const timer = setTimeout(() => (stop(), reject(new Error(`not seen in time: ${JSON.stringify(view.getSnapshot())}`))), 5000);
    const stop = view.subscribe(check);
    check();
  });
}

test('serves the live page and its script', async () => {
  const page = await fetch(`${url}/`, { headers: { accept: 'text/html' } });
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(await page.text(), /<script type="module" src="\/app.js"><\/script>/);
  const script = await fetch(`${url}/app.js`);
  assert.equal(script.status, 200);
  assert.match(script.headers.get('content-type') ?? '', /javascript/);
  assert.ok((await script.text()).length > 1000, 'the bundled client is served');
});

test('signs up and in; a wrong password and an anonymous read are refused', async () => {
  const signUp = createClient({ url });
  clients.push(signUp);
  const session = await signUp.auth.signUp('ana', 'correct horse');
  assert.equal(session.user.username, 'ana');
  await signUp.resource(notes).create({ text: 'first note' });

  const wrong = createClient({ url });
  clients.push(wrong);
  await assert.rejects(wrong.auth.signIn('ana', 'wrong password'), { code: 'unauthenticated' });
  assert.equal((await fetch(`${url}/notes`)).status, 401);

  const ana = await signedIn('ana');
  const page = await ana.resource(notes).list();
  assert.deepEqual(page.items.map((note) => note.text), ['first note']);
});

test("a user never reads another user's notes", async () => {
  const newcomer = createClient({ url });
  clients.push(newcomer);
  await newcomer.auth.signUp('ben', 'correct horse');
  const ana = await signedIn('ana');
  const ben = await signedIn('ben');
  const secret = await ana.resource(notes).create({ text: "ana's secret" });

  const page = await ben.resource(notes).list();
  assert.ok(!page.items.some((note) => note.id === secret.id), "ben's list leaves out ana's note");
  await assert.rejects(ben.resource(notes).get(secret.id), { code: 'not-found' });
  await assert.rejects(ben.resource(notes).patch(secret.id, { text: 'changed by ben' }), { code: 'not-found' });
  assert.equal((await ana.resource(notes).get(secret.id)).text, "ana's secret");
});

test('a note written in one window shows live in the same user’s other window, and never in another user’s', async () => {
  const anaWindow = await signedIn('ana');
  const anaOtherWindow = await signedIn('ana');
  const ben = await signedIn('ben');
  const anaView = anaWindow.resource(notes).liveQuery({});
  const benView = ben.resource(notes).liveQuery({});
  await Promise.all([anaView.ready, benView.ready]);

  const written = await anaOtherWindow.resource(notes).create({ text: 'live from the other window' });
  const seen = await until(anaView, (rows) => rows.some((note) => note.id === written.id));
  assert.equal(seen.find((note) => note.id === written.id)?.text, 'live from the other window');

  // Changes reach a view in the order written: once ben's own later note is in his view, ana's would have come before it.
  const own = await ben.resource(notes).create({ text: "ben's note" });
  const benRows = await until(benView, (rows) => rows.some((note) => note.id === own.id));
  assert.ok(!benRows.some((note) => note.id === written.id), "ana's note never reaches ben");
  assert.ok(benRows.every((note) => note.owner === ben.auth.user()?.id));
});
