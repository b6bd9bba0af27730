import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoApp } from '../src/create-todo-app.js';
import { HTML, signUp, startTestApp, type Account } from './session-support.js';

// One URL per resource for browsers and programs: the page or the JSON by `Accept`, forms
// posted to the same URL (with `_method`), and the JSON API exactly as before. One signed-in
// user: the browser requests carry the session cookie (and forms its CSRF token), the
// program's requests the bearer token.

interface Todo {
  id: string;
  version: number;
  title: string;
  done: boolean;
  list: string;
}

describe('the resource URLs, for browsers and programs', () => {
  let app: TodoApp;
  let base: string;
  let user: Account;
  /** The CSRF token the pages put in every form of this user's. */
  let csrf: string;
  beforeAll(async () => {
    ({ app, base } = await startTestApp());
    user = await signUp(base, 'ana');
    const home = await (await fetch(`${base}/`, { headers: { accept: HTML, cookie: user.cookie } })).text();
    csrf = /name="_csrf" value="([^"]+)"/.exec(home)?.[1] ?? '';
    expect(csrf).not.toBe('');
  });
  afterAll(() => app?.close());

  const postJson = async <T>(path: string, body: unknown): Promise<T> => {
    const response = await fetch(base + path, { method: 'POST', headers: { ...user.auth, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(response.status).toBe(201);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    return (await response.json()) as T;
  };
  const getJson = (path: string) => fetch(base + path, { headers: { ...user.auth, accept: 'application/json' } });
  /** Requests a page as the signed-in browser does (its session cookie). */
  const getPage = (path: string, init: RequestInit = {}) => fetch(base + path, { ...init, headers: { accept: HTML, cookie: user.cookie, ...(init.headers as Record<string, string>) } });
  /** Posts a form as a browser without JavaScript does (cookie, Origin, the form's CSRF token); redirects are not followed. */
  const postForm = (path: string, fields: Record<string, string> | string[][]) => {
    const body = new URLSearchParams(fields);
    body.append('_csrf', csrf);
    return fetch(base + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: HTML, cookie: user.cookie, origin: base }, body: body.toString() });
  };

  it('answers GET /lists/<id> with the page to browsers and the record to programs, varying on Accept', async () => {
    const list = await postJson<{ id: string; title: string }>('/lists', { title: 'Groceries & more' });
    const page = await getPage(`/lists/${list.id}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('vary')).toMatch(/accept/i);
    expect(await page.text()).toContain('<h1>Groceries &amp; more</h1>');

    for (const accept of ['application/json', undefined, '*/*']) {
      const json = await fetch(`${base}/lists/${list.id}`, { headers: { ...user.auth, ...(accept === undefined ? {} : { accept }) } });
      expect(json.status).toBe(200);
      expect(json.headers.get('content-type')).toMatch(/^application\/json/);
      expect(json.headers.get('vary')).toMatch(/accept/i);
      expect(json.headers.get('etag')).toMatch(/^"\d+"$/);
      expect(await json.json()).toMatchObject({ id: list.id, title: 'Groceries & more' });
    }
    // HEAD as GET, without a body.
    const head = await getPage(`/lists/${list.id}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('shows every list at /lists and /, and a 404 page for a list that does not exist', async () => {
    await postJson('/lists', { title: 'Home list' });
    for (const path of ['/lists', '/lists?order=createdAt', '/']) {
      const page = await getPage(path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('Home list');
    }
    const json = await getJson('/lists');
    expect(((await json.json()) as { items: unknown[] }).items.length).toBeGreaterThan(0);
    const missing = await getPage('/lists/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^text\/html/);
  });

  it('runs forms posted to the resource URLs: create, PATCH and DELETE through _method, each answered 303', async () => {
    const created = await postForm('/lists', { title: 'Chores' });
    expect(created.status).toBe(303);
    const listPage = created.headers.get('location') ?? '';
    expect(listPage).toMatch(/^\/lists\/[^/]+$/);
    const listId = decodeURIComponent(listPage.slice('/lists/'.length));

    const added = await postForm('/todos', { title: 'Sweep', list: listId });
    expect(added.status).toBe(303);
    expect(added.headers.get('location')).toBe(listPage);
    const [todo] = ((await (await getJson(`/todos?list=${listId}`)).json()) as { items: Todo[] }).items;
    expect(todo).toMatchObject({ title: 'Sweep', done: false, list: listId });

    // The toggle form: a hidden done=false, then the checkbox's done=true when it is checked.
    const toggled = await postForm(`/todos/${todo!.id}`, [['_method', 'PATCH'], ['version', String(todo!.version)], ['done', 'false'], ['done', 'true']]);
    expect(toggled.status).toBe(303);
    expect(toggled.headers.get('location')).toBe(listPage);
    const afterToggle = (await (await getJson(`/todos/${todo!.id}`)).json()) as Todo;
    expect(afterToggle.done).toBe(true);

    const renamed = await postForm(`/todos/${todo!.id}`, { _method: 'patch', version: String(afterToggle.version), title: 'Sweep the floor' });
    expect(renamed.status).toBe(303);
    const afterRename = (await (await getJson(`/todos/${todo!.id}`)).json()) as Todo;
    expect(afterRename).toMatchObject({ title: 'Sweep the floor', done: true });

    // The page shows it (the 303 leads there).
    expect(await (await getPage(listPage)).text()).toContain('Sweep the floor');

    const deleted = await postForm(`/todos/${todo!.id}`, { _method: 'DELETE', version: String(afterRename.version) });
    expect(deleted.status).toBe(303);
    expect(deleted.headers.get('location')).toBe(listPage);
    expect((await getJson(`/todos/${todo!.id}`)).status).toBe(404);

    const renamedList = await postForm(listPage, { _method: 'PATCH', title: 'House' });
    expect(renamedList.status).toBe(303);
    expect(((await (await getJson(listPage)).json()) as { title: string }).title).toBe('House');
    const deletedList = await postForm(listPage, { _method: 'DELETE' });
    expect(deletedList.status).toBe(303);
    expect(deletedList.headers.get('location')).toBe('/');
    expect((await getJson(listPage)).status).toBe(404);
  });

  it('answers a refused form with the page again: 422 with the message, 409 for a stale version', async () => {
    const list = await postJson<{ id: string }>('/lists', { title: 'Refusals' });
    const empty = await postForm('/todos', { title: '   ', list: list.id });
    expect(empty.status).toBe(422);
    expect(empty.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await empty.text()).toContain('Please enter a title');

    const todo = await postJson<Todo>('/todos', { title: 'Call Ann', list: list.id });
    const patched = await fetch(`${base}/todos/${todo.id}`, { method: 'PATCH', headers: { ...user.auth, 'content-type': 'application/merge-patch+json' }, body: '{"title":"Call Ann at 5"}' });
    expect(patched.status).toBe(200);
    const stale = await postForm(`/todos/${todo.id}`, { _method: 'PATCH', version: String(todo.version), title: 'Call Bob' });
    expect(stale.status).toBe(409);
    const body = await stale.text();
    expect(body).toContain('Someone else changed this meanwhile');
    expect(body).toContain('Call Ann at 5');
  });

  it('refuses forms that ask for a method the URL does not take', async () => {
    const list = await postJson<{ id: string }>('/lists', { title: 'Methods' });
    const get = await postForm(`/lists/${list.id}`, { _method: 'GET' });
    expect(get.status).toBe(405);
    const post = await postForm(`/lists/${list.id}`, { title: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('PUT, PATCH, DELETE');
    expect((await getJson(`/lists/${list.id}`)).status).toBe(200);
  });

  it('leads a browser from a todo to its list page, and keeps the JSON API as it was', async () => {
    const list = await postJson<{ id: string }>('/lists', { title: 'API' });
    const todo = await postJson<Todo>('/todos', { title: 'Milk', list: list.id });
    const page = await getPage(`/todos/${todo.id}`, { redirect: 'manual' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe(`/lists/${list.id}`);
    const byList = await getPage(`/todos?list=${list.id}`, { redirect: 'manual' });
    expect(byList.headers.get('location')).toBe(`/lists/${list.id}`);

    const json = await fetch(`${base}/todos/${todo.id}`, { headers: user.auth });
    expect(json.status).toBe(200);
    expect(await json.json()).toMatchObject({ id: todo.id, title: 'Milk', list: list.id });
    const patched = await fetch(`${base}/todos/${todo.id}`, {
      method: 'PATCH',
      headers: { ...user.auth, 'content-type': 'application/merge-patch+json', 'if-match': `"${todo.version}"` },
      body: '{"done":true}',
    });
    expect(patched.status).toBe(200);
    expect(patched.headers.get('content-type')).toMatch(/^application\/json/);
    // A JSON write to a URL a form could post to stays JSON, errors as problem+json.
    const invalid = await fetch(`${base}/todos`, { method: 'POST', headers: { ...user.auth, 'content-type': 'application/json' }, body: '{"title":""}' });
    expect(invalid.status).toBe(422);
    expect(invalid.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    // Other paths are still the pages' and the script's.
    expect((await fetch(`${base}/assets/app.css`)).status).toBe(200);
    expect((await getPage('/nowhere')).status).toBe(404);
  });
});
