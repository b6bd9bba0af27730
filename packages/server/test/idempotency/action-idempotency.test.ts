import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { createPollsSyncline } from '../actions/action-fixtures.js';
import { request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

const as = (user: string): Record<string, string> => ({ 'x-user': user });

describe('Idempotency-Key on custom actions', () => {
  it('a vote retried with the same key counts once, over HTTP and then over the socket', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await using app = await createPollsSyncline({ storage });
    const poll = (await request(app, 'POST', '/polls/create', { headers: as('ana'), body: { question: 'Colour?', choices: ['Red', 'Blue'] } })).body;
    const vote = { headers: { ...as('bob'), 'idempotency-key': 'vote-1' }, body: { choice: 'c1' } };
    const first = await request(app, 'POST', `/polls/${poll.id}/vote`, vote);
    const retry = await request(app, 'POST', `/polls/${poll.id}/vote`, vote);
    expect(first.status).toBe(200);
    expect(retry).toMatchObject({ status: 200, body: first.body, headers: { etag: first.headers['etag'], 'idempotency-replayed': 'true' } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port, { headers: as('bob') });
    const overSocket = await client.request('POST', `/polls/${poll.id}/vote`, { headers: { 'idempotency-key': 'vote-1' }, body: { choice: 'c1' } });
    expect(overSocket).toMatchObject({ status: 200, body: first.body, headers: { 'idempotency-replayed': 'true' } });
    const now = await request(app, 'GET', `/polls/${poll.id}`, { headers: as('bob') });
    expect(now.body.choices.map((choice: { votes: number }) => choice.votes)).toEqual([1, 0]);
    expect(now.body.version).toBe(first.body.version);
    const votes = (await storage.changesSince(0, 100)).filter((change) => change.resource === 'votes');
    expect(votes).toHaveLength(1);
  });

  it('the same key on another action input is 422; a refused action saves nothing', async () => {
    await using app = await createPollsSyncline();
    const poll = (await request(app, 'POST', '/polls/create', { headers: as('ana'), body: { question: 'Colour?', choices: ['Red', 'Blue'] } })).body;
    const headers = { ...as('bob'), 'idempotency-key': 'k' };
    expect((await request(app, 'POST', `/polls/${poll.id}/vote`, { headers, body: { choice: 'nope' } })).status).toBe(422);
    expect((await request(app, 'POST', `/polls/${poll.id}/vote`, { headers, body: { choice: 'c2' } })).status).toBe(200);
    const reused = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers, body: { choice: 'c1' } });
    expect(reused.status).toBe(422);
    expect(reused.body.type).toMatch(/idempotency-key-reused$/);
  });
});
