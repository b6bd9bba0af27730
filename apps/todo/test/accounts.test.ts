import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoApp } from '../src/create-todo-app.js';
import { FormBrowser, HTML, signUp, startTestApp, type Account } from './session-support.js';

// Users in the TODO app: sign-up, sign-in and sign-out pages that work without JavaScript,
// CSRF tokens and an Origin check on every form, 401 (JSON) or the sign-in page (HTML) for
// anonymous callers, and lists shared with members only.

interface List {
  id: string;
  version: number;
  title: string;
  owner: string;
  members: string[];
}
interface Todo {
  id: string;
  version: number;
  title: string;
  list: string;
}

let app: TodoApp;
let base: string;
beforeAll(async () => {
  ({ app, base } = await startTestApp());
});
afterAll(() => app?.close());

const json = (path: string, account: Account | undefined, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(base + path, {
    method: init.method ?? 'GET',
    headers: {
      ...(account?.auth ?? {}),
      ...(init.body === undefined ? {} : { 'content-type': init.method === 'PATCH' ? 'application/merge-patch+json' : 'application/json' }),
      ...init.headers,
    },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
  });
const create = async <T>(path: string, account: Account, body: unknown): Promise<T> => {
  const response = await json(path, account, { method: 'POST', body });
  expect(response.status).toBe(201);
  return (await response.json()) as T;
};
const items = async <T>(path: string, account: Account): Promise<T[]> => {
  const response = await json(path, account);
  expect(response.status).toBe(200);
  return ((await response.json()) as { items: T[] }).items;
};

/** A browser signed up through the no-JS sign-up form. */
async function browserFor(username: string): Promise<FormBrowser> {
  const browser = new FormBrowser(base);
  await browser.get('/sign-up');
  const [answer] = await browser.post('/users', { username, password: 'correct horse', next: '/' });
  expect(answer?.status).toBe(303);
  return browser;
}

describe('anonymous callers', () => {
  it('get 401 (JSON) on lists and todos, for reads and writes', async () => {
    for (const path of ['/lists', '/todos', '/lists/some-id', '/todos?list=x']) {
      const response = await fetch(base + path, { headers: { accept: 'application/json' } });
      expect(response.status, path).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
    const post = await json('/lists', undefined, { method: 'POST', body: { title: 'Nope' } });
    expect(post.status).toBe(401);
  });

  it('are sent to the sign-in page (303) when a browser asks for a page, and back afterwards', async () => {
    for (const path of ['/', '/lists', '/lists/some-id', '/todos/some-id']) {
      const response = await fetch(base + path, { redirect: 'manual', headers: { accept: HTML } });
      expect(response.status, path).toBe(303);
      expect(response.headers.get('location')).toBe(path === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(path)}`);
    }
    const browser = new FormBrowser(base);
    await signUp(base, 'returner');
    const hops = await browser.get('/lists/some-id');
    expect(hops.at(-1)?.status).toBe(200);
    expect(browser.page).toContain('<h1>Sign in</h1>');
    expect(browser.page).toContain('name="next" value="/lists/some-id"');
    // After signing in, the browser is taken where it was going (a 404 page here: no such list).
    const [signedIn, page] = await browser.post('/session', { username: 'returner', password: 'correct horse', next: '/lists/some-id' });
    expect(signedIn?.status).toBe(303);
    expect(signedIn?.headers.get('location')).toBe('/lists/some-id');
    expect(page?.status).toBe(404);
    expect(browser.page).toContain('Signed in as <strong id="username">returner</strong>');
  });

  it('cannot post forms that write (sent to sign in), and form posts never leak a page', async () => {
    const response = await fetch(`${base}/lists`, { method: 'POST', redirect: 'manual', headers: { accept: HTML, 'content-type': 'application/x-www-form-urlencoded' }, body: 'title=Nope' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toMatch(/^\/sign-in/);
  });
});

describe('sign-up, sign-in and sign-out through the forms, without JavaScript', () => {
  it('signs up (and in), shows the user and a sign-out button, signs out and in again', async () => {
    const browser = new FormBrowser(base);
    await browser.get('/sign-up');
    expect(browser.page).toContain('<form method="post" action="/users"');
    expect(browser.page).not.toContain('/assets/app.js');
    expect(browser.cookies.has('todo_form')).toBe(true);

    const hops = await browser.post('/users', { username: 'Dora', password: 'correct horse', next: '/' });
    expect(hops.map((r) => r.status)).toEqual([303, 200]);
    expect(hops[0]?.headers.get('set-cookie')).toMatch(/^syncline_session=[\w-]+;.*HttpOnly; SameSite=Lax/);
    expect(browser.page).toContain('Signed in as <strong id="username">dora</strong>');
    expect(browser.page).toContain('<button>Sign out</button>');
    const session = browser.cookies.get('syncline_session');
    expect(session).toBeDefined();

    // The cookie authenticates the JSON API too (it is the same session).
    const list = await fetch(`${base}/lists`, { method: 'POST', headers: { cookie: `syncline_session=${session}`, 'content-type': 'application/json' }, body: '{"title":"Dora’s"}' });
    expect(list.status).toBe(201);

    const out = await browser.post('/session', { _method: 'DELETE' });
    expect(out.map((r) => r.status)).toEqual([303, 200]);
    expect(out[0]?.headers.get('location')).toBe('/sign-in');
    // The browser drops the pages it cached (they carry the user's records), with or without JavaScript.
    expect(out[0]?.headers.get('clear-site-data')).toBe('"cache"');
    expect(browser.cookies.has('syncline_session')).toBe(false);
    expect(browser.page).toContain('<h1>Sign in</h1>');
    // The old session is over, on every surface.
    expect((await fetch(`${base}/lists`, { headers: { cookie: `syncline_session=${session}` } })).status).toBe(401);
    expect((await browser.get('/'))[0]?.status).toBe(303);

    const wrong = await browser.post('/session', { username: 'dora', password: 'wrong horse', next: '/' });
    expect(wrong[0]?.status).toBe(401);
    expect(browser.page).toContain('Wrong username or password.');
    expect(browser.page).toContain('value="dora"');
    const again = await browser.post('/session', { username: 'dora', password: 'correct horse', next: '/' });
    expect(again.map((r) => r.status)).toEqual([303, 200]);
    expect(browser.page).toContain('Dora’s');
  });

  it('shows why a sign-up was refused: a taken name (409), an invalid one (422)', async () => {
    await signUp(base, 'taken');
    const browser = new FormBrowser(base);
    await browser.get('/sign-up');
    const taken = await browser.post('/users', { username: 'taken', password: 'correct horse', next: '/' });
    expect(taken[0]?.status).toBe(409);
    expect(browser.page).toContain('That username is taken');
    const invalid = await browser.post('/users', { username: 'x', password: 'short', next: '/' });
    expect(invalid[0]?.status).toBe(422);
    expect(browser.page).toContain('Username:');
    expect(browser.page).toContain('Password:');
  });

  it('shows the rate limit after repeated wrong passwords (429 with Retry-After), even for the right one', async () => {
    await signUp(base, 'guessed');
    const browser = new FormBrowser(base);
    await browser.get('/sign-in');
    for (let i = 0; i < 5; i++) expect((await browser.post('/session', { username: 'guessed', password: `guess ${i}` }))[0]?.status).toBe(401);
    const [limited] = await browser.post('/session', { username: 'guessed', password: 'correct horse' });
    expect(limited?.status).toBe(429);
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(browser.page).toContain('Too many failed sign-ins');
    expect(browser.cookies.has('syncline_session')).toBe(false);
  });

  it('never redirects off-site after sign-in', async () => {
    await signUp(base, 'wanderer');
    const browser = new FormBrowser(base);
    await browser.get('/sign-in');
    const [answer] = await browser.post('/session', { username: 'wanderer', password: 'correct horse', next: '//evil.example/' });
    expect(answer?.headers.get('location')).toBe('/');
  });
});

describe('CSRF: every form carries a token, and a post without a valid one is refused', () => {
  it('refuses (403) a signed-in form post whose token is missing or wrong, and does nothing', async () => {
    const browser = await browserFor('csrf-user');
    for (const token of ['', 'forged-token']) {
      const [refused] = await browser.post('/lists', { title: `Forged ${token}`, _csrf: token });
      expect(refused?.status).toBe(403);
    }
    const missing = await fetch(`${base}/lists`, {
      method: 'POST',
      redirect: 'manual',
      headers: { accept: HTML, 'content-type': 'application/x-www-form-urlencoded', cookie: `syncline_session=${browser.cookies.get('syncline_session')}` },
      body: 'title=No+token',
    });
    expect(missing.status).toBe(403);
    await browser.get('/');
    expect(browser.page).not.toContain('Forged');
    expect(browser.page).not.toContain('No token');
    // With the page's token it works.
    const [created] = await browser.post('/lists', { title: 'Real' });
    expect(created?.status).toBe(303);
    // Sign-out is a form too: without the token the session stays.
    const [out] = await browser.post('/session', { _method: 'DELETE', _csrf: 'nope' });
    expect(out?.status).toBe(403);
    expect((await browser.get('/'))[0]?.status).toBe(200);
  });

  it('refuses the sign-in and sign-up forms without the token of their own cookie (login CSRF)', async () => {
    await signUp(base, 'victim');
    const attacker = new FormBrowser(base);
    const signIn = await attacker.post('/session', { username: 'victim', password: 'correct horse', _csrf: 'x'.repeat(43) });
    expect(signIn[0]?.status).toBe(403);
    expect(attacker.cookies.has('syncline_session')).toBe(false);
    const signUpForm = await attacker.post('/users', { username: 'nobody-new', password: 'correct horse', _csrf: '' });
    expect(signUpForm[0]?.status).toBe(403);
  });

  it('refuses a cross-origin form post by its Origin, even with a valid token and cookie', async () => {
    const browser = await browserFor('origin-user');
    const token = browser.csrf();
    expect(token).not.toBe('');
    for (const origin of ['http://evil.example', 'null']) {
      const [refused] = await browser.post('/lists', { title: 'From elsewhere' }, { origin });
      expect(refused?.status, origin).toBe(403);
      const [out] = await browser.post('/session', { _method: 'DELETE' }, { origin });
      expect(out?.status, origin).toBe(403);
    }
    const anonymous = new FormBrowser(base, 'http://evil.example');
    await anonymous.get('/sign-in');
    expect((await anonymous.post('/session', { username: 'origin-user', password: 'correct horse' }))[0]?.status).toBe(403);
    await browser.get('/');
    expect(browser.page).not.toContain('From elsewhere');
    expect(browser.page).toContain('Signed in as');
  });
});

describe('lists are shared with their members only', () => {
  it('keeps a list and its todos from non-members: 404 on them, absent from collections', async () => {
    const ana = await signUp(base, 'ana');
    const bob = await signUp(base, 'bob');
    const list = await create<List>('/lists', ana, { title: 'Ana’s groceries' });
    expect(list).toMatchObject({ owner: 'ana', members: [] });
    const todo = await create<Todo & Record<string, unknown>>('/todos', ana, { title: 'Milk', list: list.id });
    // The todo's copy of the list's owner and members decides who sees it; it is never served.
    expect(todo).not.toHaveProperty('owner');
    expect(todo).not.toHaveProperty('members');

    expect((await json(`/lists/${list.id}`, bob)).status).toBe(404);
    expect((await json(`/todos/${todo.id}`, bob)).status).toBe(404);
    expect((await items<List>('/lists', bob)).map((l) => l.id)).not.toContain(list.id);
    expect(await items<Todo>(`/todos?list=${list.id}`, bob)).toEqual([]);
    expect((await items<Todo>('/todos', bob)).map((t) => t.id)).not.toContain(todo.id);
    // Nor can bob write to them or add a todo to the list (its reference is not his to see).
    expect((await json(`/todos/${todo.id}`, bob, { method: 'PATCH', body: { done: true } })).status).toBe(404);
    expect((await json(`/lists/${list.id}`, bob, { method: 'DELETE' })).status).toBe(404);
    expect((await json('/todos', bob, { method: 'POST', body: { title: 'Sneaky', list: list.id } })).status).toBe(422);
    // Nor filter by the hidden fields to learn them.
    expect((await json(`/todos?owner=ana`, bob)).status).toBe(400);
    // A client cannot set the owner.
    expect((await json('/lists', bob, { method: 'POST', body: { title: 'Mine?', owner: 'ana' } })).status).toBe(403);
  });

  it('shares through the owner’s form: the member sees and writes todos, but cannot change members, rename or delete', async () => {
    const owner = await browserFor('olga');
    const member = await signUp(base, 'max');
    const stranger = await signUp(base, 'stan');
    const [created] = await owner.post('/lists', { title: 'Trip' });
    const listPage = created?.headers.get('location') ?? '';
    const listId = decodeURIComponent(listPage.slice('/lists/'.length));
    expect(owner.page).toContain('Shared with');

    // An unknown username is refused with the page again.
    const unknown = await owner.post(listPage, { _method: 'PATCH', 'add-member': 'nobody-here' });
    expect(unknown[0]?.status).toBe(422);
    expect(owner.page).toContain('There is no user “nobody-here”');

    const shared = await owner.post(listPage, { _method: 'PATCH', 'add-member': 'Max' });
    expect(shared.map((r) => r.status)).toEqual([303, 200]);
    expect(owner.page).toContain('Stop sharing with max');

    const list = (await (await json(`/lists/${listId}`, member)).json()) as List;
    expect(list).toMatchObject({ title: 'Trip', owner: 'olga', members: ['max'] });
    expect((await items<List>('/lists', member)).map((l) => l.id)).toContain(listId);
    // The member adds, edits, completes and deletes todos.
    const todo = await create<Todo>('/todos', member, { title: 'Tickets', list: listId });
    expect((await json(`/todos/${todo.id}`, member, { method: 'PATCH', body: { title: 'Train tickets', done: true } })).status).toBe(200);
    const second = await create<Todo>('/todos', member, { title: 'Hotel', list: listId });
    expect((await json(`/todos/${second.id}`, member, { method: 'DELETE' })).status).toBe(204);
    // The owner sees the member's todo, the stranger sees nothing.
    expect((await owner.get(listPage))[0]?.status).toBe(200);
    expect(owner.page).toContain('Train tickets');
    expect((await json(`/todos/${todo.id}`, stranger)).status).toBe(404);
    expect((await json(`/lists/${listId}`, stranger)).status).toBe(404);

    // Only the owner shares (403; a member may only leave: list-sharing.test.ts), renames, and deletes the list.
    const grab = await json(`/lists/${listId}`, member, { method: 'PATCH', body: { members: ['max', 'stan'] } });
    expect(grab.status).toBe(403);
    expect((await json(`/lists/${listId}`, member, { method: 'PATCH', body: { title: 'Max’s trip' } })).status).toBe(403);
    expect((await json(`/lists/${listId}`, member, { method: 'DELETE' })).status).toBe(403);
    const memberBrowser = await browserFor('mia');
    await owner.post(listPage, { _method: 'PATCH', 'add-member': 'mia' });
    expect((await memberBrowser.get(listPage))[0]?.status).toBe(200);
    expect(memberBrowser.page).toContain('Shared with you by olga');
    expect(memberBrowser.page).not.toContain('name="add-member"');
    const [refused] = await memberBrowser.post(listPage, { _method: 'PATCH', 'add-member': 'stan' });
    expect(refused?.status).toBe(403);
    expect(memberBrowser.page).toContain('Only the owner of this list may do that.');
    expect((await json(`/lists/${listId}`, stranger)).status).toBe(404);

    // Unsharing: the list and its todos are gone for the former member.
    const unshared = await owner.post(listPage, { _method: 'PATCH', 'remove-member': 'max' });
    expect(unshared[0]?.status).toBe(303);
    expect((await json(`/lists/${listId}`, member)).status).toBe(404);
    expect((await json(`/todos/${todo.id}`, member)).status).toBe(404);
    expect(await items<Todo>(`/todos?list=${listId}`, member)).toEqual([]);
    expect((await items<List>('/lists', member)).map((l) => l.id)).not.toContain(listId);
    expect((await json(`/todos/${todo.id}`, stranger)).status).toBe(404);
  });
});
