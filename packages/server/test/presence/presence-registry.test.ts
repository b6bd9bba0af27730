import { describe, expect, it } from 'vitest';
import { createPresenceRegistry, type PresenceEntry } from '../../src/presence/presence-registry.js';

const URI = '/todos/t1/presence';
const entry = (connection: string, state: string, at: number, overrides: Partial<PresenceEntry> = {}): PresenceEntry => ({ node: 'n1', connection, uri: URI, user: 'ana', state, data: { from: connection }, at, ...overrides });

describe('presence registry: combining a user\'s connections', () => {
  it('editing beats any other state, any other state beats viewing, and the later of equals wins', () => {
    const registry = createPresenceRegistry(() => {});
    registry.set(entry('c1', 'viewing', 30), 0);
    registry.set(entry('c2', 'typing', 10), 0);
    expect(registry.members(URI)).toEqual([{ user: 'ana', state: 'typing', data: { from: 'c2' } }]);
    registry.set(entry('c3', 'typing', 20), 0);
    expect(registry.members(URI)[0]?.data).toEqual({ from: 'c3' });
    registry.set(entry('c4', 'editing', 5), 0);
    expect(registry.members(URI)[0]?.state).toBe('editing');
  });

  it('tells listeners join, update and leave only when the combined member changes', () => {
    const registry = createPresenceRegistry(() => {});
    const seen: string[] = [];
    registry.listen(URI, (op, member) => seen.push(`${op} ${member.state}`));
    registry.set(entry('c1', 'editing', 1), 0);
    registry.set(entry('c2', 'viewing', 2), 0);
    registry.remove('n1', 'c1', URI);
    registry.remove('n2', 'c2');
    registry.remove('n1', 'c2');
    expect(seen).toEqual(['join editing', 'update viewing', 'leave viewing']);
  });

  it('expires only other processes\' entries not heard of in time, and a goodbye drops a process', () => {
    const registry = createPresenceRegistry(() => {});
    registry.set(entry('own', 'viewing', 1, { user: 'own' }), 0);
    registry.set(entry('old', 'viewing', 1, { node: 'n2', user: 'old' }), 10);
    registry.set(entry('new', 'viewing', 1, { node: 'n2', user: 'new' }), 50);
    registry.set(entry('other', 'viewing', 1, { node: 'n3', user: 'other' }), 50);
    registry.expire(20, 'n1');
    expect(registry.members(URI).map((member) => member.user)).toEqual(['new', 'other', 'own']);
    registry.removeNode('n3');
    expect(registry.members(URI).map((member) => member.user)).toEqual(['new', 'own']);
    // Another process cannot take over an entry it does not own.
    registry.set(entry('own', 'editing', 2, { node: 'n2', user: 'own' }), 60);
    expect(registry.members(URI).find((member) => member.user === 'own')?.state).toBe('viewing');
  });
});
