import { describe, expect, it } from 'vitest';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { request } from '../support/fixtures.js';
import { createPollsSyncline } from './action-fixtures.js';

const as = (user: string): Record<string, string> => ({ 'x-user': user });

async function createPoll(app: Parameters<typeof request>[0], owner = 'ana') {
  const created = await request(app, 'POST', '/polls/create', { headers: as(owner), body: { question: 'Colour?', choices: ['Red', 'Blue'] } });
  expect(created.status).toBe(200);
  return created.body as { id: string; version: number; choices: Array<{ id: string; text: string; votes: number }> };
}

describe('custom actions over HTTP', () => {
  it('a collection action creates, a record action answers the target record after it, with its ETag', async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    expect(poll.choices).toEqual([
      { id: 'c1', text: 'Red', votes: 0 },
      { id: 'c2', text: 'Blue', votes: 0 },
    ]);
    const voted = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob'), body: { choice: 'c1' } });
    expect(voted.status).toBe(200);
    expect(voted.body.choices.map((c: { votes: number }) => c.votes)).toEqual([1, 0]);
    expect(voted.headers['etag']).toBe(`"${voted.body.version}"`);
    const moved = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob'), body: { choice: 'c2' } });
    expect(moved.body.choices.map((c: { votes: number }) => c.votes)).toEqual([0, 1]);
    const read = await request(app, 'GET', `/polls/${poll.id}`, { headers: as('bob') });
    expect(read.body).toEqual(moved.body);
    const ballots = await request(app, 'GET', `/votes?poll=${poll.id}`);
    expect(ballots.body.items).toMatchObject([{ id: `${poll.id}:bob`, user: 'bob', choice: 'c2' }]);
  });

  it("the action's writes skip the touched resources' write rules (its allow authorized them)", async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    const patched = await request(app, 'PATCH', `/polls/${poll.id}`, { headers: { ...as('ana'), 'content-type': 'application/merge-patch+json' }, body: { closed: true } });
    expect(patched.status).toBe(403);
    expect((await request(app, 'POST', `/polls/${poll.id}/close`, { headers: as('ana') })).body.closed).toBe(true);
  });

  it('answers a JSON result as the handler returns it', async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    for (const user of ['cid', 'ana']) await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as(user), body: { choice: 'c1' } });
    const voters = await request(app, 'POST', `/polls/${poll.id}/voters`, { headers: as('ana') });
    expect(voters).toMatchObject({ status: 200, body: ['ana', 'cid'] });
    expect(voters.headers['etag']).toBeUndefined();
  });

  it('refuses invalid input with 422 and the field errors', async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    const wrongType = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob'), body: { choice: 5 } });
    expect(wrongType.status).toBe(422);
    expect(wrongType.body).toMatchObject({ code: 'validation-failed', errors: [{ path: ['choice'] }] });
    const notObject = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob'), body: [1] });
    expect(notObject.status).toBe(422);
    const missing = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob') });
    expect(missing.body).toMatchObject({ code: 'validation-failed', errors: [{ path: ['choice'] }] });
    const unknownChoice = await request(app, 'POST', `/polls/${poll.id}/vote`, { headers: as('bob'), body: { choice: 'c9' } });
    expect(unknownChoice.status).toBe(422);
    expect((await request(app, 'GET', `/polls/${poll.id}`, { headers: as('bob') })).body.version).toBe(poll.version);
  });

  it('authorizes: 401 signed out, 404 for a record the caller may not read, 403 when allow refuses', async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    const uri = `/polls/${poll.id}/vote`;
    expect((await request(app, 'POST', uri, { body: { choice: 'c1' } })).status).toBe(401);
    expect((await request(app, 'POST', uri, { headers: as('eve'), body: { choice: 'c1' } })).status).toBe(404);
    expect((await request(app, 'POST', `/polls/${poll.id}/close`, { headers: as('bob') })).status).toBe(403);
    expect((await request(app, 'POST', `/polls/${poll.id}/close`, { headers: as('ana') })).status).toBe(200);
    const late = await request(app, 'POST', uri, { headers: as('bob'), body: { choice: 'c1' } });
    expect(late).toMatchObject({ status: 403, body: { code: 'forbidden' } });
    expect((await request(app, 'POST', '/polls/no-such-poll/vote', { headers: as('bob'), body: { choice: 'c1' } })).status).toBe(404);
  });

  it('a handler that writes twice and then throws leaves no record change and no change-log entry', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await using app = await createPollsSyncline({ storage });
    const poll = await createPoll(app);
    const before = await storage.logBounds();
    const failed = await request(app, 'POST', `/polls/${poll.id}/explode`, { headers: as('ana') });
    expect(failed).toMatchObject({ status: 409, body: { code: 'conflict', detail: 'Refused after writing.' } });
    expect(await storage.logBounds()).toEqual(before);
    expect(await storage.changesSince(before.head, 10)).toEqual([]);
    expect((await request(app, 'GET', `/polls/${poll.id}`, { headers: as('ana') })).body).toEqual(poll);
    expect((await request(app, 'GET', '/votes')).body.items).toEqual([]);
  });

  it("the handler's writes are validated like requests: a bad one refuses the whole action with 422", async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await using app = await createPollsSyncline({ storage });
    const poll = await createPoll(app);
    const head = (await storage.logBounds()).head;
    const blank = await request(app, 'POST', `/polls/${poll.id}/misuse`, { headers: as('ana'), body: { blank: true } });
    expect(blank).toMatchObject({ status: 422, body: { code: 'validation-failed', errors: [{ path: ['question'] }] } });
    const dangling = await request(app, 'POST', `/polls/${poll.id}/misuse`, { headers: as('ana'), body: { blank: false } });
    expect(dangling).toMatchObject({ status: 422, body: { code: 'invalid-reference', errors: [{ path: ['poll'] }] } });
    expect((await storage.logBounds()).head).toBe(head);
    expect((await request(app, 'GET', `/polls/${poll.id}`, { headers: as('ana') })).body.closed).toBe(false);
  });

  it('404 for an unknown action, 405 with Allow for other methods on an action URI', async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    expect((await request(app, 'POST', `/polls/${poll.id}/nope`, { headers: as('ana') })).status).toBe(404);
    expect((await request(app, 'POST', `/votes/${poll.id}/vote`, { headers: as('ana') })).status).toBe(404);
    for (const method of ['GET', 'PUT', 'PATCH', 'DELETE', 'HEAD']) {
      const answer = await request(app, method, `/polls/${poll.id}/vote`, { headers: as('ana') });
      expect(answer.status).toBe(405);
      expect(answer.headers['allow']).toBe('POST, OPTIONS');
    }
    const getCollectionAction = await request(app, 'GET', '/polls/create', { headers: as('ana') });
    expect(getCollectionAction.status).toBe(405);
    const unknownMethod = await request(app, 'PROPFIND', `/polls/${poll.id}/vote`, { headers: as('ana') });
    expect(unknownMethod).toMatchObject({ status: 405, headers: { allow: 'POST, OPTIONS' } });
  });

  it('OPTIONS lists the actions of a record and of the collection', async () => {
    await using app = await createPollsSyncline();
    const poll = await createPoll(app);
    const record = await request(app, 'OPTIONS', `/polls/${poll.id}`);
    expect(record.status).toBe(204);
    expect(record.headers['syncline-actions']).toBe('vote, close, explode, misuse, voters');
    expect((await request(app, 'OPTIONS', '/polls')).headers['syncline-actions']).toBe('create');
    expect((await request(app, 'OPTIONS', '/votes')).headers['syncline-actions']).toBeUndefined();
    expect((await request(app, 'OPTIONS', `/polls/${poll.id}/vote`)).headers).toMatchObject({ allow: 'POST, OPTIONS', 'accept-post': 'application/json' });
  });
});

describe('custom actions under Idempotency-Key', () => {
  it('a retried action with the same key runs once and answers the first answer again', async () => {
    const storage = createSqliteStorage({ filename: ':memory:' });
    await using app = await createPollsSyncline({ storage });
    const poll = await createPoll(app);
    const send = (choice: string) => request(app, 'POST', `/polls/${poll.id}/vote`, { headers: { ...as('bob'), 'idempotency-key': 'vote-1' }, body: { choice } });
    const first = await send('c1');
    const head = (await storage.logBounds()).head;
    const retry = await send('c1');
    expect(retry).toMatchObject({ status: 200, body: first.body, headers: { etag: first.headers['etag'], 'idempotency-replayed': 'true' } });
    expect((await storage.logBounds()).head).toBe(head);
    expect(first.body.choices.map((c: { votes: number }) => c.votes)).toEqual([1, 0]);
    expect((await send('c2')).status).toBe(422);
  });
});
