import { escapeHtml, html } from '@syncline/demo-kit/html';
import { prefersHtml } from '@syncline/demo-kit/http';
import { USERNAME_PATTERN } from '@syncline/server';
import { describe, expect, it } from 'vitest';
import { renderHomePage, renderListPage } from '../src/pages/layout.js';
import { formMethod, parseFormAction, safeNext, signInPath } from '../src/pages/routes.js';
import { renderListHeader, renderTodoItems, type ListItem } from '../src/pages/views.js';
import { USERNAME } from '../src/resources.js';
import { movePatches, nextOrder, sortByOrder } from '../src/todo-order.js';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const title = '"><script>alert(1)</script>';
    const markup = renderTodoItems([{ id: 'a"b', version: 1, title, done: false, order: 0 }], { user: 'ana', csrf: 'token' }).value;
    expect(markup).not.toContain('<script>');
    expect(markup).not.toContain('a"b');
    expect(markup).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('keeps nested markup, joins arrays and renders nothing for false, null and undefined', () => {
    expect(html`<ul>${['<', '>'].map((x) => html`<li>${x}</li>`)}${false}${null}${undefined}</ul>`.value).toBe('<ul><li>&lt;</li><li>&gt;</li></ul>');
  });
});

describe('form actions', () => {
  const form = (query: string) => new URLSearchParams(query);
  it('are read from the resource URL, the _method field and the fields', () => {
    expect(parseFormAction('/lists', 'POST', form('title=A'))).toEqual({ kind: 'create-list' });
    expect(parseFormAction('/lists/l%201', 'PATCH', form('title=B'))).toEqual({ kind: 'rename-list', listId: 'l 1' });
    expect(parseFormAction('/lists/l1', 'DELETE', form(''))).toEqual({ kind: 'delete-list', listId: 'l1' });
    expect(parseFormAction('/todos', 'POST', form('title=Milk&list=l%201'))).toEqual({ kind: 'create-todo', listId: 'l 1' });
    expect(parseFormAction('/todos/t1', 'PATCH', form('done=false&done=true'))).toEqual({ kind: 'toggle-todo', todoId: 't1', done: true });
    expect(parseFormAction('/todos/t1', 'PATCH', form('done=false'))).toEqual({ kind: 'toggle-todo', todoId: 't1', done: false });
    expect(parseFormAction('/todos/t1', 'PUT', form('title=Oat'))).toEqual({ kind: 'edit-todo', todoId: 't1' });
    expect(parseFormAction('/todos/t1', 'PATCH', form('direction=up'))).toEqual({ kind: 'move-todo', todoId: 't1', direction: 'up' });
    expect(parseFormAction('/todos/t1', 'DELETE', form(''))).toEqual({ kind: 'delete-todo', todoId: 't1' });
    expect(parseFormAction('/lists/l1', 'PATCH', form('add-member=%20Bob%20'))).toEqual({ kind: 'add-member', listId: 'l1', username: 'bob' });
    expect(parseFormAction('/lists/l1', 'PATCH', form('remove-member=bob'))).toEqual({ kind: 'remove-member', listId: 'l1', username: 'bob' });
    expect(parseFormAction('/lists/l1', 'PATCH', form('leave=1&version=3'))).toEqual({ kind: 'leave-list', listId: 'l1' });
  });

  it('are none for other paths, methods a URL does not take, or forms that name no change', () => {
    expect(parseFormAction('/app/lists', 'POST', form(''))).toBeUndefined();
    expect(parseFormAction('/todos/t1/explode', 'PATCH', form('title=x'))).toBeUndefined();
    expect(parseFormAction('/todos/t1', 'POST', form('title=x'))).toBeUndefined();
    expect(parseFormAction('/lists', 'DELETE', form(''))).toBeUndefined();
    expect(parseFormAction('/todos', 'POST', form('title=no-list'))).toBeUndefined();
    expect(parseFormAction('/todos/t1', 'PATCH', form(''))).toBeUndefined();
  });

  it('take their method from _method (PUT, PATCH, DELETE), POST by default', () => {
    expect(formMethod(form(''))).toBe('POST');
    expect(formMethod(form('_method=delete'))).toBe('DELETE');
    expect(formMethod(form('_method=PATCH'))).toBe('PATCH');
    expect(formMethod(form('_method=GET'))).toBeUndefined();
  });
});

describe('sign-in and the forms’ security', () => {
  const viewer = { user: 'ana', csrf: 'tok-123' };
  const list: ListItem = { id: 'l1', version: 3, title: 'Groceries', owner: 'ana', members: ['bob'] };
  const todo = { id: 't1', version: 4, title: 'Milk', done: false, order: 0 };

  it('puts the CSRF token in every form of a signed-in page, the sign-out form included', () => {
    for (const page of [renderHomePage({ lists: [list], seq: 1, viewer }), renderListPage({ list, todos: [todo], lists: [list], seq: 1, viewer })]) {
      const forms = page.match(/<form[\s\S]*?<\/form>/g) ?? [];
      expect(forms.length).toBeGreaterThan(0);
      for (const form of forms) expect(form).toContain('<input type="hidden" name="_csrf" value="tok-123">');
      expect(page).toContain('Signed in as <strong id="username">ana</strong>');
      expect(page).toContain('data-csrf="tok-123"');
    }
  });

  it('carries its position (data-seq) and the records it shows for the script, which no title can close early', () => {
    const sly = { ...todo, title: '</script><script>alert(1)</script>' };
    const page = renderListPage({ list, todos: [sly], lists: [list], seq: 42, viewer });
    expect(page).toContain('<body data-seq="42"');
    const data = /<script type="application\/json" id="page-data">([\s\S]*?)<\/script>/.exec(page)?.[1] ?? '';
    expect(data).not.toContain('<');
    expect(JSON.parse(data)).toEqual({ lists: [list], todos: [sly] });
    expect(JSON.parse(/id="page-data">([\s\S]*?)<\/script>/.exec(renderHomePage({ lists: [list], seq: 7, viewer }))?.[1] ?? '')).toEqual({ lists: [list] });
  });

  it('gives the owner the rename, delete and sharing forms, and a member only the form to leave the list', () => {
    const owner = renderListHeader(list, viewer).value;
    expect(owner).toContain('Rename list');
    expect(owner).toContain('Delete list');
    expect(owner).toContain('name="add-member"');
    expect(owner).toContain('Stop sharing with bob');
    expect(owner).not.toContain('Leave list');
    const member = renderListHeader(list, { user: 'bob', csrf: 'x' }).value;
    expect(member.match(/<form/g)).toHaveLength(1);
    expect(member).toContain('name="leave"');
    expect(member).toContain('Leave list');
    expect(member).not.toContain('Rename list');
    expect(member).toContain('Shared with you by ana');
  });

  it('accepts the usernames the sign-in accepts (resources.ts keeps its own copy: it imports no server code)', () => {
    expect(USERNAME.source).toBe(USERNAME_PATTERN.source);
  });

  it('redirects only to paths of this site after sign-in', () => {
    expect(safeNext('/lists/42?x=1')).toBe('/lists/42?x=1');
    for (const bad of ['//evil.example/', '/\\evil.example', 'https://evil.example/', 'lists', undefined, 42]) expect(safeNext(bad)).toBe('/');
    expect(signInPath('/lists/4 2')).toBe('/sign-in?next=%2Flists%2F4%202');
    expect(signInPath('/')).toBe('/sign-in');
  });
});

describe('content negotiation', () => {
  it('picks the page only when Accept prefers text/html to application/json', () => {
    expect(prefersHtml('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe(true);
    expect(prefersHtml('text/html')).toBe(true);
    expect(prefersHtml('text/*, application/json;q=0.5')).toBe(true);
    expect(prefersHtml(undefined)).toBe(false);
    expect(prefersHtml('*/*')).toBe(false);
    expect(prefersHtml('application/json')).toBe(false);
    expect(prefersHtml('application/json, text/html')).toBe(false);
    expect(prefersHtml('text/html;q=0.5, application/json')).toBe(false);
  });
});

describe('todo order', () => {
  it('puts new todos last and sorts ties by id, like the query order=order', () => {
    expect(nextOrder([])).toBe(0);
    expect(nextOrder([{ id: 'a', order: 3 }, { id: 'b', order: 1 }])).toBe(4);
    expect(sortByOrder([{ id: 'b', order: 0 }, { id: 'a', order: 0 }, { id: 'c', order: -1 }]).map((t) => t.id)).toEqual(['c', 'a', 'b']);
  });

  it('moves by renumbering, so todos that share an order still move', () => {
    expect(movePatches([{ id: 'a', order: 0 }, { id: 'b', order: 0 }], 'b', 'up')).toEqual([{ id: 'a', order: 1 }]);
    expect(movePatches([{ id: 'a', order: 0 }, { id: 'b', order: 1 }, { id: 'c', order: 2 }], 'a', 'down')).toEqual([{ id: 'b', order: 0 }, { id: 'a', order: 1 }]);
    expect(movePatches([{ id: 'a', order: 0 }], 'a', 'up')).toEqual([]);
    expect(movePatches([{ id: 'a', order: 0 }], 'missing', 'down')).toEqual([]);
  });
});
