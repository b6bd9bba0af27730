import { describe, expect, it } from 'vitest';
import { editingText, editorsByTodo, viewersText, type PresenceMember } from '../src/browser/presence-ui.js';

const member = (user: string, state: string, data: Record<string, unknown> = {}, name?: string): PresenceMember =>
  name === undefined ? { user, state, data } : { user, state, data, name };

describe('the list page’s presence texts', () => {
  it('list the viewers with the signed-in user first, marked, and the others by name', () => {
    const members = [member('cy', 'viewing'), member('ana', 'editing', { todo: 't1' }), member('bob', 'viewing')];
    expect(viewersText(members, 'bob')).toBe('Viewing: bob (you), ana, cy');
    expect(viewersText(members, 'dan')).toBe('Viewing: ana, bob, cy');
    expect(viewersText([member('ana', 'viewing', {}, 'Ana B.')], 'ana')).toBe('Viewing: Ana B. (you)');
    expect(viewersText([], 'ana')).toBe('');
  });

  it('find who else edits which todo, leaving out the signed-in user and members without a todo', () => {
    const members = [
      member('ana', 'editing', { todo: 't1' }),
      member('cy', 'editing', { todo: 't1' }),
      member('bob', 'editing', { todo: 't2' }),
      member('dan', 'editing', { field: 'title' }),
      member('eve', 'viewing', { todo: 't3' }),
      member('fay', 'editing', { todo: 42 }),
    ];
    expect(editorsByTodo(members, 'bob')).toEqual(new Map([['t1', ['ana', 'cy']]]));
    expect(editorsByTodo(members, 'zed').get('t2')).toEqual(['bob']);
  });

  it('say who is editing in a sentence', () => {
    expect(editingText([])).toBe('');
    expect(editingText(['ana'])).toBe('ana is editing');
    expect(editingText(['ana', 'bob'])).toBe('ana and bob are editing');
    expect(editingText(['ana', 'bob', 'cy'])).toBe('ana, bob and cy are editing');
  });
});
