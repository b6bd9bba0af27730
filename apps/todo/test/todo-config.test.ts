import { describe, expect, it } from 'vitest';
import { loadTodoConfig } from '../src/todo-config.js';

describe('the TODO app’s settings', () => {
  it('take the rate of sharing from the environment, 20 new members a minute by default', () => {
    expect(loadTodoConfig({}).sharing).toEqual({ maxNewMembers: 20, windowMs: 60_000 });
    expect(loadTodoConfig({ TODO_SHARE_MAX_NEW_MEMBERS: '50', TODO_SHARE_WINDOW_MS: '' }).sharing).toEqual({ maxNewMembers: 50, windowMs: 60_000 });
  });

  it('stop the app at start on an invalid value, naming the variable', () => {
    expect(() => loadTodoConfig({ TODO_SHARE_MAX_NEW_MEMBERS: '0', TODO_SHARE_WINDOW_MS: '1e3' })).toThrow(/TODO_SHARE_MAX_NEW_MEMBERS="0"[\s\S]*TODO_SHARE_WINDOW_MS="1e3"/);
  });
});
