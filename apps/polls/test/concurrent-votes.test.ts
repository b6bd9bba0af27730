import { createClient, type LiveView, type SynclineClient } from '@syncline/client';
import { createPasswordAuth, createSyncline, type Syncline } from '@syncline/server';
import { createPostgresStorage } from '@syncline/server/postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { dropSchemas, postgresReachable, POSTGRES_URL, uniqueSchema } from '../../../packages/server/test/support/postgres.js';
import { polls, resources, type PollRecord } from '../src/resources.js';
import { countsOf, createPoll, FAST_SCRYPT, signUp, startTestApp, storedTally, voteOverHttp, type Account } from './polls-support.js';

const USERS = 200;
const CHOICES = ['1', '2', '3', '4'];

/** A running server with the polls resources and the password sign-in. */
interface Server {
  readonly base: string;
  readonly syncline: Syncline;
  close(): Promise<void>;
}

/** The demo itself (`npm start`'s app) on in-memory SQLite. */
async function demoOnSqlite(): Promise<Server> {
  const { app, base } = await startTestApp();
  return { base, syncline: app.syncline, close: () => app.close() };
}

/** Syncline with the polls resources on PostgreSQL (a schema of its own), where writers really run in parallel. */
async function pollsOnPostgres(): Promise<Server> {
  const schema = uniqueSchema('polls_votes');
  const syncline = await createSyncline({
    resources,
    auth: createPasswordAuth({ scrypt: FAST_SCRYPT, maxSignUpsPerAddress: 1000 }),
    storage: createPostgresStorage({ connectionString: POSTGRES_URL, schema }),
    onError: () => {},
  });
  const { port } = await syncline.listen(0, '127.0.0.1');
  return {
    base: `http://127.0.0.1:${port}`,
    syncline,
    close: async () => {
      await syncline.close();
      await dropSchemas([schema]);
    },
  };
}

let base = '';
let server: Server | undefined;
const clients: SynclineClient[] = [];

/** A client of the account over one transport; closed after the tests. */
function clientOf(account: Account, transport: 'socket' | 'sse'): SynclineClient {
  const client = createClient({ url: base, transport, token: () => account.token, onError: () => {} });
  clients.push(client);
  return client;
}

/** Resolves with the view's value once `done` holds (checked now and on every change); rejects after a deadline. */
function once<T>(view: LiveView<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const value = view.getSnapshot();
      if (!done(value)) return;
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`the live view did not settle: ${JSON.stringify(view.getSnapshot())}`));
    }, timeoutMs);
    const stop = view.subscribe(check);
    check();
  });
}

/** Signs up `count` users, a batch at a time (each sign-up and sign-in hashes a password). */
async function signUpMany(prefix: string, count: number): Promise<Account[]> {
  const accounts: Account[] = [];
  for (let start = 0; start < count; start += 25) {
    const batch = Array.from({ length: Math.min(25, count - start) }, (_, i) => signUp(base, `${prefix}-${String(start + i).padStart(3, '0')}`));
    accounts.push(...(await Promise.all(batch)));
  }
  return accounts;
}

afterEach(async () => {
  for (const client of clients.splice(0)) client.close();
  await server?.close();
  server = undefined;
});

const backends = [
  { name: 'the demo on SQLite', start: demoOnSqlite, skip: false },
  { name: 'PostgreSQL', start: pollsOnPostgres, skip: !(await postgresReachable()) },
];

describe.each(backends)('votes under concurrency, on $name', ({ start, skip }) => {
  it.skipIf(skip)('200 users voting at once over the socket and HTTP, some twice: the counts are exact, in the poll, the database and every live view', { timeout: 120_000 }, async () => {
    server = await start();
    base = server.base;
    const [owner, ...watchers] = await Promise.all(['owner', 'watcher-1', 'watcher-2', 'watcher-3'].map((name) => signUp(base, name)));
    const poll = await createPoll(base, owner!.auth, 'Which day for the meeting?', ['Monday', 'Tuesday', 'Wednesday', 'Thursday']);
    // Several subscribers, two on the socket and one on an event stream, all live before the first vote.
    const views = watchers.map((watcher, i) => clientOf(watcher, i === 2 ? 'sse' : 'socket').resource(polls).live(poll.id));
    await Promise.all(views.map((view) => view.ready));

    const voters = await signUpMany('voter', USERS);
    // The first half votes over the socket (one client each, connected before the votes), the other half over HTTP.
    const socketApis = voters.slice(0, USERS / 2).map((voter) => clientOf(voter, 'socket').resource(polls));
    await Promise.all(socketApis.map((api) => api.get(poll.id)));

    // Each user's votes in order: every tenth moves their vote to another answer, every tenth from 5 repeats it.
    const plans = voters.map((_, i) => {
      const first = CHOICES[i % CHOICES.length]!;
      if (i % 10 === 0) return [first, CHOICES[(i + 1) % CHOICES.length]!];
      if (i % 10 === 5) return [first, first];
      return [first];
    });
    const expected = Object.fromEntries(CHOICES.map((choice) => [choice, 0]));
    for (const plan of plans) expected[plan.at(-1)!]! += 1;

    const vote = async (i: number, choice: string): Promise<PollRecord> => {
      const api = socketApis[i];
      if (api !== undefined) return api.action('vote', poll.id, { choice });
      const response = await voteOverHttp(base, voters[i]!.auth, poll.id, choice);
      if (response.status !== 200) throw new Error(`vote of ${voters[i]!.username}: ${response.status} ${await response.text()}`);
      return (await response.json()) as PollRecord;
    };
    // Everyone at once; a user's second vote follows their first's answer (so their last choice is known).
    await Promise.all(
      plans.map(async (plan, i) => {
        for (const choice of plan) await vote(i, choice);
      }),
    );

    const finalResponse = await fetch(`${base}/polls/${poll.id}`, { headers: owner!.auth });
    const final = (await finalResponse.json()) as PollRecord;
    expect(countsOf(final)).toEqual(expected);
    expect(Object.values(countsOf(final)).reduce((sum, n) => sum + n, 0)).toBe(USERS);
    // The database's own tally: one `votes` record per user, naming their last choice.
    expect(await storedTally(server.syncline, poll.id)).toEqual(expected);
    // Every subscriber converges to the same record.
    for (const view of views) {
      const seen = await once(view, (value) => value !== undefined && value.version === final.version);
      expect(countsOf(seen!)).toEqual(expected);
    }
  });
});
