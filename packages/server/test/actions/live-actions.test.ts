import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresStorage } from '../../src/storage/postgres/index.js';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';
import { dropSchemas, POSTGRES_URL, postgresReachable, uniqueSchema } from '../support/postgres.js';
import { createPollsSyncline } from './action-fixtures.js';

const as = (user: string): Record<string, string> => ({ 'x-user': user });
const votesOf = (body: { choices: Array<{ votes: number }> }): number[] => body.choices.map((choice) => choice.votes);

describe('custom actions on the socket, and their fan-out', () => {
  it("a subscriber receives the changes of an action's writes, whether it was sent over HTTP or the socket", async () => {
    await using app = await createPollsSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using watcher = await LiveClient.connect(port, { headers: as('ana') });
    await using voter = await LiveClient.connect(port, { headers: as('bob') });
    const created = await voter.request('POST', '/polls/create', { body: { question: 'Lunch?', choices: ['Soup', 'Salad'] } });
    expect(created.status).toBe(200);
    const poll = created.body as { id: string };
    expect((await watcher.request('SUBSCRIBE', `/polls/${poll.id}`, { id: 'poll' })).status).toBe(200);
    expect((await watcher.request('SUBSCRIBE', `/votes?poll=${poll.id}`, { id: 'votes' })).status).toBe(200);

    const overHttp = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('cid'), body: { choice: 'c1' } });
    expect(overHttp.status).toBe(200);
    const overSocket = await voter.request('POST', `/polls/${poll.id}/vote`, { body: { choice: 'c2' } });
    expect(overSocket).toMatchObject({ status: 200, headers: { etag: `"${overSocket.body.version}"` } });
    expect(votesOf(overSocket.body)).toEqual([1, 1]);

    const pollEvents = await watcher.eventsFor('poll', 2);
    expect(pollEvents.map((event) => [event['op'], votesOf(event['body'])])).toEqual([
      ['update', [1, 0]],
      ['update', [1, 1]],
    ]);
    expect(pollEvents[1]?.['etag']).toBe(overSocket.headers.etag);
    const voteEvents = await watcher.eventsFor('votes', 2);
    expect(voteEvents.map((event) => [event['op'], event['body'].user, event['body'].choice])).toEqual([
      ['enter', 'cid', 'c1'],
      ['enter', 'bob', 'c2'],
    ]);
  });

  it('a failed action publishes nothing; the socket answers its errors as HTTP does', async () => {
    await using app = await createPollsSyncline();
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port, { headers: as('ana') });
    const poll = (await client.request('POST', '/polls/create', { body: { question: 'Tea?', choices: ['Yes', 'No'] } })).body as { id: string };
    await client.request('SUBSCRIBE', `/polls/${poll.id}`, { id: 'poll' });
    await client.request('SUBSCRIBE', '/votes', { id: 'votes' });
    expect(await client.request('POST', `/polls/${poll.id}/explode`)).toMatchObject({ status: 409, body: { code: 'conflict' } });
    expect(await client.request('POST', `/polls/${poll.id}/vote`, { body: { choice: 1 } })).toMatchObject({ status: 422, body: { errors: [{ path: ['choice'] }] } });
    expect(await client.request('GET', `/polls/${poll.id}/vote`)).toMatchObject({ status: 405, headers: { allow: 'POST, OPTIONS' } });
    await client.request('POST', `/polls/${poll.id}/close`);
    const [first] = await client.eventsFor('poll', 1);
    expect(first?.['body'].closed).toBe(true);
    await app.flush();
    expect(client.events('poll')).toHaveLength(1);
    expect(client.events('votes')).toHaveLength(0);
  });
});

const schemas: string[] = [];
afterAll(() => dropSchemas(schemas));

describe.runIf(await postgresReachable())('custom actions under concurrency (PostgreSQL)', () => {
  it('forty concurrent votes on one poll are all counted, one vote per user', async () => {
    const schema = uniqueSchema('syncline_actions');
    schemas.push(schema);
    const storage = createPostgresStorage({ connectionString: POSTGRES_URL, schema });
    await using app = await createPollsSyncline({ storage });
    const poll = (await request(app, 'POST', '/polls/create', { headers: as('ana'), body: { question: 'Q', choices: ['A', 'B'] } })).body as { id: string };
    const users = Array.from({ length: 40 }, (_, index) => `user${index}`);
    const answers = await Promise.all(users.map((user, index) => request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as(user), body: { choice: index % 4 === 0 ? 'c2' : 'c1' } })));
    expect(answers.map((answer) => answer.status)).toEqual(users.map(() => 200));
    const final = await request(app, 'GET', `/polls/${poll.id}`, { headers: as('ana') });
    expect(votesOf(final.body)).toEqual([30, 10]);
    expect((await request(app, 'GET', `/votes?poll=${poll.id}&limit=100`)).body.items).toHaveLength(40);
  });
});
