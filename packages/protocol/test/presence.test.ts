import { describe, expect, it } from 'vitest';
import { downstreamSchema, presenceAnnounceSchema, presenceTarget, presenceUri } from '../src/index.js';

describe('presence URIs', () => {
  it('name the presence of a record or a collection, and nothing else', () => {
    expect(presenceTarget('/todos/42/presence')).toBe('/todos/42');
    expect(presenceTarget('/todos/presence?list=5&done=false')).toBe('/todos?list=5&done=false');
    expect(presenceTarget('/todos/42')).toBeUndefined();
    expect(presenceTarget('/presence')).toBeUndefined();
    expect(presenceTarget('/todos/42/presence/x')).toBeUndefined();
    expect(presenceTarget('/a/b/c/presence')).toBeUndefined();
    expect(presenceTarget('/todos?x=/presence')).toBeUndefined();
  });

  it('round-trip through presenceUri', () => {
    for (const target of ['/todos/42', '/todos', '/todos?list=5']) expect(presenceTarget(presenceUri(target))).toBe(target);
    expect(presenceUri('/todos?list=5')).toBe('/todos/presence?list=5');
  });
});

describe('presence messages', () => {
  it('an announcement is a state word and an optional object, nothing more', () => {
    expect(presenceAnnounceSchema.safeParse({ state: 'editing', data: { field: 'title' } }).success).toBe(true);
    expect(presenceAnnounceSchema.safeParse({ state: 'viewing' }).success).toBe(true);
    for (const bad of [{ state: 'Editing' }, { state: '' }, { state: 'x'.repeat(33) }, { state: 'editing', data: [] }, { state: 'editing', other: 1 }, null]) {
      expect(presenceAnnounceSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('a presence event is a downstream frame', () => {
    const event = { event: 'presence', subscription: 'p1', resource: '/todos/42/presence', op: 'leave', member: { user: null, connection: 'c1', state: 'viewing', data: {} } };
    expect(downstreamSchema.parse(event)).toEqual(event);
  });
});
