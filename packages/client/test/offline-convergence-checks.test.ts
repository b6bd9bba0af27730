import { describe, expect, it } from 'vitest';
import type { Change, StoredRecord } from '@syncline/server';
import type { WriteRecord } from './offline-support/convergence-actors.js';
import { doubleApplications, lostAcknowledgements } from './offline-support/convergence-checks.js';

const id = '0193a000-0000-7000-8000-000000000001';
const uri = `/notes/${id}`;
const at = '2026-01-01T00:00:00.000Z';
const note = (version: number, op: Record<string, string>, title = 'milk'): StoredRecord => ({ id, version, createdAt: at, updatedAt: at, title, body: '', done: false, n: 0, op });
const change = (seq: number, before: StoredRecord | null, after: StoredRecord | null): Change => ({ seq, resource: 'notes', id, kind: before === null ? 'create' : after === null ? 'delete' : 'update', before, after, at });
const acked = (token: string, record: StoredRecord | null, kind: WriteRecord['kind'] = 'patch'): WriteRecord => ({ actor: 'c1', step: 1, kind, uri, token, policy: 'merge', outcome: { state: 'acked', record } });

describe('the convergence checks find what they are about', () => {
  const created = note(1, { c1: 'c1:1' });
  const edited = note(2, { c1: 'c1:2' });
  const log = [change(1, null, created), change(2, created, edited)];
  const owners = new Map([['k1', 'c1'], ['k2', 'c1'], ['k3', 'c1']]);

  it('a clean history passes', () => {
    expect(doubleApplications([{ key: 'k1', changes: [log[0] as Change] }, { key: 'k2', changes: [log[1] as Change] }], log, owners)).toEqual([]);
    expect(lostAcknowledgements([acked('c1:1', created, 'create'), acked('c1:2', edited)], log)).toEqual([]);
  });

  it('a key that made changes in two transactions, or a token brought in by two keys, is a double application', () => {
    const again = change(3, note(2, { c1: 'c1:1' }), note(3, { c1: 'c1:2' }));
    const twice = doubleApplications([{ key: 'k1', changes: [log[0] as Change] }, { key: 'k2', changes: [log[1] as Change] }, { key: 'k2', changes: [again] }], [...log, again], owners);
    expect(twice).toEqual(['key k2 made changes in 2 transactions', 'c1:2 was applied by changes 2, 3']);
    const reapplied = doubleApplications([{ key: 'k1', changes: [log[0] as Change] }, { key: 'k2', changes: [log[1] as Change] }, { key: 'k3', changes: [again] }], [...log, again], owners);
    expect(reapplied).toEqual(['c1:2 was applied by changes 2, 3']);
  });

  it('a change without a key, or under a key no client sent, is reported', () => {
    expect(doubleApplications([{ key: undefined, changes: [log[0] as Change] }, { key: 'stranger', changes: [log[1] as Change] }], log, owners)).toEqual([
      'key stranger made changes but no client sent it',
      `change 1 (create ${id}) was made without an idempotency key`,
    ]);
  });

  it('an acknowledged version that is not in the log, differs from it, or does not carry the write is a lost acknowledgement', () => {
    expect(lostAcknowledgements([acked('c1:3', note(7, { c1: 'c1:3' }))], log)).toEqual([expect.stringContaining('which is not a write of')]);
    expect(lostAcknowledgements([acked('c1:2', note(2, { c1: 'c1:2' }, 'tea'))], log)).toEqual([expect.stringContaining('the log has')]);
    expect(lostAcknowledgements([acked('c1:3', edited)], log)).toEqual([expect.stringContaining('does not carry it')]);
    expect(lostAcknowledgements([acked('c1:4', null, 'delete')], log)).toEqual([expect.stringContaining('never deleted it')]);
  });
});
