import { describe, expect, it } from 'vitest';
import { escapeHtml, html } from '../src/pages/html.js';
import { parseFormAction } from '../src/pages/routes.js';
import { renderTodoItems } from '../src/pages/views.js';
import { movePatches, nextOrder, sortByOrder } from '../src/todo-order.js';

describe('html', () => {
  it('escapes every interpolated value, in text and in attributes', () => {
    expect(escapeHtml(`<a href="x" onclick='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    const title = '"><script>alert(1)</script>';
    const markup = renderTodoItems([{ id: 'a"b', version: 1, title, done: false, order: 0 }]).value;
    expect(markup).not.toContain('<script>');
    expect(markup).not.toContain('a"b');
    expect(markup).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('keeps nested markup, joins arrays and renders nothing for false, null and undefined', () => {
    expect(html`<ul>${['<', '>'].map((x) => html`<li>${x}</li>`)}${false}${null}${undefined}</ul>`.value).toBe('<ul><li>&lt;</li><li>&gt;</li></ul>');
  });
});

describe('form actions', () => {
  it('are parsed from their paths, and unknown paths are none', () => {
    expect(parseFormAction('/app/lists')).toEqual({ kind: 'create-list' });
    expect(parseFormAction('/app/lists/l%201/todos')).toEqual({ kind: 'create-todo', listId: 'l 1' });
    expect(parseFormAction('/app/todos/t1/move')).toEqual({ kind: 'move-todo', todoId: 't1' });
    expect(parseFormAction('/app/todos/t1/explode')).toBeUndefined();
    expect(parseFormAction('/todos')).toBeUndefined();
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
