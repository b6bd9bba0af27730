// Hand-written cases next to the fuzzed matrix: a record subscription whose record is
// unshared, and writes that name hidden fields.
import { afterEach, describe, expect, it } from 'vitest';
import { createSyncline, type Syncline } from '../../src/index.js';
import { createSqliteStorage } from '../../src/storage/sqlite/index.js';
import { LiveClient } from '../support/live-client.js';
import { SECRET_MARK, sharingResources, userFromHeader } from './support/sharing-resources.js';

const open: Syncline[] = [];
afterEach(async () => {
  for (const syncline of open.splice(0)) await syncline.close();
});

async function server(): Promise<Syncline> {
  const syncline = await createSyncline({ resources: sharingResources().resources, storage: createSqliteStorage({ filename: ':memory:' }), context: userFromHeader, onError: () => {} });
  open.push(syncline);
  return syncline;
}

async function call(syncline: Syncline, user: string, method: string, url: string, body?: unknown): Promise<{ status: number; body: any; raw: string }> {
  const headers: Record<string, string> = { 'x-user': user };
  if (body !== undefined) headers['content-type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const response = await syncline.handle({ method, url, headers, ...(body === undefined ? {} : { body: new TextEncoder().encode(JSON.stringify(body)) }) });
  const raw = response.body ?? '';
  return { status: response.status, body: raw === '' ? undefined : JSON.parse(raw), raw };
}

describe('a record subscription whose record is unshared', () => {
  it('gets leave, then nothing about the record while it keeps changing, and enter when shared again', async () => {
    const syncline = await server();
    const { port } = await syncline.listen(0, '127.0.0.1');
    const list = (await call(syncline, 'ann', 'POST', '/lists', { title: 'Groceries' })).body;
    expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: ['bob'] })).status).toBe(200);
    const todo = (await call(syncline, 'ann', 'POST', '/todos', { title: 'Milk', list: list.id })).body;
    await using bob = await LiveClient.connect(port, { headers: { 'x-user': 'bob' } });
    expect((await bob.request('SUBSCRIBE', `/lists/${list.id}`, { id: 'list' }))['status']).toBe(200);
    expect((await bob.request('SUBSCRIBE', `/todos/${todo.id}`, { id: 'todo' }))['status']).toBe(200);

    expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: [] })).status).toBe(200);
    // It keeps changing while bob may not see it.
    expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { title: 'Secret plans' })).status).toBe(200);
    expect((await call(syncline, 'ann', 'PATCH', `/todos/${todo.id}`, { title: 'Champagne', done: true })).status).toBe(200);
    await syncline.flush();
    await bob.request('OPTIONS', '/lists'); // answered after any event already sent
    expect(bob.events('list').map((e) => [e['op'], e['body']])).toEqual([['leave', null]]);
    expect(bob.events('todo').map((e) => [e['op'], e['body']])).toEqual([['leave', null]]);
    expect(JSON.stringify(bob.frames)).not.toContain('Secret plans');
    expect(JSON.stringify(bob.frames)).not.toContain('Champagne');
    expect((await call(syncline, 'bob', 'GET', `/todos/${todo.id}`)).status).toBe(404);

    expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: ['bob'] })).status).toBe(200);
    const [, listEnter] = await bob.eventsFor('list', 2);
    const [, todoEnter] = await bob.eventsFor('todo', 2);
    expect(listEnter).toMatchObject({ op: 'enter', body: { title: 'Secret plans', members: ['bob'] } });
    expect(todoEnter).toMatchObject({ op: 'enter', body: { title: 'Champagne', done: true } });
    expect(Object.keys(todoEnter?.['body'] ?? {})).not.toContain('secret');
    expect(JSON.stringify(bob.frames)).not.toContain(SECRET_MARK);
  });
});

describe('writes that name hidden fields', () => {
  it('are refused as unknown fields (422 with the field path), as a name that does not exist is', async () => {
    const syncline = await server();
    const list = (await call(syncline, 'ann', 'POST', '/lists', { title: 'L' })).body;
    const todo = (await call(syncline, 'ann', 'POST', '/todos', { title: 'T', list: list.id })).body;
    for (const patch of [{ secret: 'guess' }, { owner: 'mallory' }, { members: ['mallory'] }]) {
      const answer = await call(syncline, 'ann', 'PATCH', `/todos/${todo.id}`, patch);
      expect(answer.status, JSON.stringify(patch)).toBe(422);
      expect(answer.body.errors).toEqual([{ path: Object.keys(patch), message: 'unknown field' }]);
      expect(answer.raw).not.toContain(SECRET_MARK);
    }
  });

  // A caller can never have read a hidden field, so a write naming it can only be a probe.
  // Refusing only the writes that *change* the value (as for read-only fields) would answer
  // 200 for the right guess and an error for a wrong one: an oracle for the hidden value.
  it('are refused whatever the value, so a write cannot test a guess of a hidden value', async () => {
    const syncline = await server();
    const list = (await call(syncline, 'ann', 'POST', '/lists', { title: 'L' })).body;
    expect((await call(syncline, 'ann', 'PATCH', `/lists/${list.id}`, { members: ['bob'] })).status).toBe(200);
    const todo = (await call(syncline, 'ann', 'POST', '/todos', { title: 'T', list: list.id })).body;
    const wrong = await call(syncline, 'bob', 'PATCH', `/todos/${todo.id}`, { secret: `${SECRET_MARK}-bob` });
    const right = await call(syncline, 'bob', 'PATCH', `/todos/${todo.id}`, { secret: `${SECRET_MARK}-ann` });
    const owner = await call(syncline, 'bob', 'PATCH', `/todos/${todo.id}`, { owner: 'ann' });
    expect([wrong.status, right.status, owner.status]).toEqual([422, 422, 422]);
    expect(wrong.raw).toBe(right.raw);
  });
});

describe('queries that name hidden fields', () => {
  it('are refused as unknown fields, on HTTP and on SUBSCRIBE, so a filter cannot probe them', async () => {
    const syncline = await server();
    const { port } = await syncline.listen(0, '127.0.0.1');
    await using bob = await LiveClient.connect(port, { headers: { 'x-user': 'bob' } });
    for (const query of ['owner=ann', 'members[contains]=bob', 'secret[gte]=S', 'order=owner', 'order=-secret']) {
      expect((await call(syncline, 'bob', 'GET', `/todos?${query}`)).status, query).toBe(400);
      expect((await bob.request('SUBSCRIBE', `/todos?${query}`))['status'], query).toBe(400);
    }
  });
});
