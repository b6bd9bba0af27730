import { loadConfig } from '@syncline/server';
import { createManualClock } from '@syncline/server/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTodoApp, type TodoApp } from '../src/create-todo-app.js';
import { FAST_SCRYPT, FormBrowser, signUp, type Account } from './session-support.js';

// Who may change a list: only its owner renames, shares and deletes it; a member may leave it;
// a list is shared with accounts only, and at a bounded rate per user. Over JSON (HTTP and
// the socket's pipeline alike) and the no-JavaScript forms.

interface List {
  id: string;
  version: number;
  title: string;
  owner: string;
  members: string[];
}

const SHARE_LIMIT = 5;
const WINDOW_MS = 60_000;
const clock = createManualClock();
let app: TodoApp;
let base: string;
beforeAll(async () => {
  app = await createTodoApp({
    config: loadConfig({ DATABASE_URL: 'sqlite::memory:' }),
    auth: { scrypt: FAST_SCRYPT, maxSignUpsPerAddress: 1000 },
    sharing: { maxNewMembers: SHARE_LIMIT, windowMs: WINDOW_MS },
    clock,
    onError: () => {},
  });
  base = `http://127.0.0.1:${(await app.listen(0, '127.0.0.1')).port}`;
});
afterAll(() => app?.close());

const json = (path: string, account: Account, init: { method?: string; body?: unknown } = {}) =>
  fetch(base + path, {
    method: init.method ?? 'GET',
    headers: {
      ...account.auth,
      ...(init.body === undefined ? {} : { 'content-type': init.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }),
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
const readList = async (id: string, account: Account): Promise<List> => (await (await json(`/lists/${id}`, account)).json()) as List;
const createList = async (owner: Account, body: Record<string, unknown>): Promise<List> => {
  const response = await json('/lists', owner, { method: 'POST', body });
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json()) as List;
};
/** A browser without JavaScript, signed in as an account made by {@link signUp}. */
async function browserOf(account: Account): Promise<FormBrowser> {
  const browser = new FormBrowser(base);
  const [name, value] = account.cookie.split('=');
  browser.cookies.set(name ?? '', value ?? '');
  return browser;
}
let users = 0;
/** A fresh account (names unique across tests: they share one app, and the rate limit is per user). */
const someone = (prefix: string): Promise<Account> => signUp(base, `${prefix}${++users}`);

describe('only the owner renames a list', () => {
  it('refuses a member’s rename over JSON (PATCH and PUT) with 403 naming the title; the member still writes todos', async () => {
    const owner = await someone('own');
    const member = await someone('mem');
    const list = await createList(owner, { title: 'Groceries', members: [member.username] });

    const patched = await json(`/lists/${list.id}`, member, { method: 'PATCH', body: { title: 'Click here to win' } });
    expect(patched.status).toBe(403);
    expect(((await patched.json()) as { errors: { path: string[] }[] }).errors.map((error) => error.path)).toEqual([['title']]);
    const put = await json(`/lists/${list.id}`, member, { method: 'PUT', body: { title: 'Click here to win', members: [member.username] } });
    expect(put.status).toBe(403);
    expect((await readList(list.id, owner)).title).toBe('Groceries');

    // Todos stay the members' to add, edit, complete and delete.
    const todo = await json('/todos', member, { method: 'POST', body: { title: 'Milk', list: list.id } });
    expect(todo.status).toBe(201);
    const { id } = (await todo.json()) as { id: string };
    expect((await json(`/todos/${id}`, member, { method: 'PATCH', body: { title: 'Oat milk', done: true } })).status).toBe(200);
    expect((await json(`/todos/${id}`, member, { method: 'DELETE' })).status).toBe(204);
    // The owner renames.
    expect((await json(`/lists/${list.id}`, owner, { method: 'PATCH', body: { title: 'Weekly groceries' } })).status).toBe(200);
  });

  it('answers a member’s rename form with a clear refusal (403, the page with its message), not a 500', async () => {
    const owner = await someone('own');
    const member = await someone('mem');
    const list = await createList(owner, { title: 'Trip', members: [member.username] });
    const browser = await browserOf(member);
    await browser.get(`/lists/${list.id}`);
    const [refused] = await browser.post(`/lists/${list.id}`, { _method: 'PATCH', title: 'Free prizes', version: String(list.version) });
    expect(refused?.status).toBe(403);
    expect(browser.page).toContain('Only the owner of this list may do that.');
    expect(browser.page).toContain('<h1>Trip</h1>');
    expect((await readList(list.id, owner)).title).toBe('Trip');
  });
});

describe('a member leaves a list', () => {
  it('takes themselves out of members over JSON, and nothing else: adding, removing others or clearing is 403 naming members', async () => {
    const owner = await someone('own');
    const [ana, bob, cy] = await Promise.all([someone('mem'), someone('mem'), someone('mem')]);
    const list = await createList(owner, { title: 'Club', members: [ana.username, bob.username] });
    for (const members of [[ana.username, bob.username, cy.username], [ana.username], [], [bob.username, ana.username]]) {
      const refused = await json(`/lists/${list.id}`, ana, { method: 'PATCH', body: { members } });
      expect(refused.status, JSON.stringify(members)).toBe(403);
      expect(((await refused.json()) as { errors: { path: string[] }[] }).errors.map((error) => error.path)).toEqual([['members']]);
    }
    const left = await json(`/lists/${list.id}`, ana, { method: 'PATCH', body: { members: [bob.username] } });
    expect(left.status).toBe(200);
    expect((await json(`/lists/${list.id}`, ana)).status).toBe(404);
    expect(await readList(list.id, owner)).toMatchObject({ members: [bob.username], title: 'Club' });
  });

  it('offers members a “Leave list” form that works without JavaScript: home, and the list gone from it', async () => {
    const owner = await someone('own');
    const member = await someone('mem');
    const list = await createList(owner, { title: 'Book club', members: [member.username] });
    const browser = await browserOf(member);
    await browser.get(`/lists/${list.id}`);
    expect(browser.page).toContain('Leave list');
    const hops = await browser.post(`/lists/${list.id}`, { _method: 'PATCH', leave: '1', version: String(list.version) });
    expect(hops.map((response) => response.status)).toEqual([303, 200]);
    expect(hops[0]?.headers.get('location')).toBe('/');
    expect(browser.page).not.toContain('Book club');
    expect((await readList(list.id, owner)).members).toEqual([]);
    // The owner has no such form: they share and delete instead.
    const ownerBrowser = await browserOf(owner);
    await ownerBrowser.get(`/lists/${list.id}`);
    expect(ownerBrowser.page).not.toContain('Leave list');
  });
});

describe('lists are shared with accounts only', () => {
  it('refuses a name that is no account with 422 naming members and the name, on create and on update; nothing is shared', async () => {
    const owner = await someone('own');
    const member = await someone('mem');
    const created = await json('/lists', owner, { method: 'POST', body: { title: 'Phish', members: ['not-signed-up-yet'] } });
    expect(created.status).toBe(422);
    const problem = (await created.json()) as { code: string; errors: { path: string[]; message: string }[] };
    expect(problem.code).toBe('validation-failed');
    expect(problem.errors).toEqual([{ path: ['members'], message: 'There is no user "not-signed-up-yet".' }]);

    const list = await createList(owner, { title: 'Real' });
    const patched = await json(`/lists/${list.id}`, owner, { method: 'PATCH', body: { members: [member.username, 'nobody-yet'] } });
    expect(patched.status).toBe(422);
    expect(((await patched.json()) as { errors: { message: string }[] }).errors.map((error) => error.message)).toEqual(['There is no user "nobody-yet".']);
    expect((await readList(list.id, owner)).members).toEqual([]);
    // Someone who signs up with that name later finds nothing shared with them.
    const late = await signUp(base, 'nobody-yet');
    expect(((await (await json('/lists', late)).json()) as { items: unknown[] }).items).toEqual([]);
  });
});

describe('sharing is rate-limited per user', () => {
  it(`refuses more than ${SHARE_LIMIT} new members a window with 429 rate-limited and Retry-After, writing nothing; others are not limited; the window passes`, async () => {
    const spammer = await someone('spam');
    const victim = await someone('vic');
    const others = await Promise.all(Array.from({ length: SHARE_LIMIT }, () => someone('x')));
    // Four lists shared with the victim, and one member more on the fourth: five new members in all.
    const lists: List[] = [];
    for (let i = 0; i < SHARE_LIMIT - 1; i++) lists.push(await createList(spammer, { title: `Prize ${i}`, members: [victim.username] }));
    expect((await json(`/lists/${lists[0]!.id}`, spammer, { method: 'PATCH', body: { members: [victim.username, others[0]!.username] } })).status).toBe(200);

    await clock.advance(10_000);
    const refused = await json('/lists', spammer, { method: 'POST', body: { title: 'Prize again', members: [victim.username] } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe(String((WINDOW_MS - 10_000) / 1000));
    expect(((await refused.json()) as { code: string }).code).toBe('rate-limited');
    const patch = await json(`/lists/${lists[1]!.id}`, spammer, { method: 'PATCH', body: { members: [victim.username, others[1]!.username] } });
    expect(patch.status).toBe(429);
    const victimLists = ((await (await json('/lists', victim)).json()) as { items: List[] }).items;
    expect(victimLists.map((list) => list.title).sort()).toEqual(['Prize 0', 'Prize 1', 'Prize 2', 'Prize 3']);
    // Lists without new members, and removing members, are not sharing.
    expect((await json('/lists', spammer, { method: 'POST', body: { title: 'Mine alone' } })).status).toBe(201);
    expect((await json(`/lists/${lists[0]!.id}`, spammer, { method: 'PATCH', body: { members: [victim.username] } })).status).toBe(200);
    // Another user shares freely meanwhile.
    const other = others[2]!;
    expect((await json('/lists', other, { method: 'POST', body: { title: 'Tea', members: [victim.username] } })).status).toBe(201);
    // The form shows the refusal too.
    const browser = await browserOf(spammer);
    await browser.get(`/lists/${lists[2]!.id}`);
    const [formRefused] = await browser.post(`/lists/${lists[2]!.id}`, { _method: 'PATCH', 'add-member': others[3]!.username });
    expect(formRefused?.status).toBe(429);
    expect(browser.page).toContain(`at most ${SHARE_LIMIT} new members`);

    await clock.advance(WINDOW_MS);
    expect((await json(`/lists/${lists[1]!.id}`, spammer, { method: 'PATCH', body: { members: [victim.username, others[1]!.username] } })).status).toBe(200);
  });
});

describe('accounts in the app cannot be deleted', () => {
  it('refuses DELETE /users/<me> (JSON and a form post); the owner keeps their lists and the name stays taken', async () => {
    const owner = await someone('own');
    const list = await createList(owner, { title: 'Kept' });
    expect((await json(`/users/${owner.username}`, owner, { method: 'DELETE' })).status).toBe(403);
    const browser = await browserOf(owner);
    await browser.get('/');
    const [form] = await browser.post(`/users/${owner.username}`, { _method: 'DELETE' });
    expect(form?.status).toBeGreaterThanOrEqual(400);
    expect(form?.status).toBeLessThan(500);
    expect((await json('/session', owner)).status).toBe(200);
    expect(await readList(list.id, owner)).toMatchObject({ owner: owner.username, title: 'Kept' });
    await expect(signUp(base, owner.username)).rejects.toThrow(/409/);
  });
});
