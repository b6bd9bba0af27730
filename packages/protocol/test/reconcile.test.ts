import { describe, expect, it } from 'vitest';
import { reconcileRequestSchema, reconcileResponseSchema } from '../src/index.js';

describe('reconcile messages', () => {
  it('a request lists URIs with the ETag held or null, and nothing else', () => {
    expect(reconcileRequestSchema.parse({ entries: [{ uri: '/todos/1', etag: '"12"' }, { uri: '/todos/2', etag: null }] }).entries).toHaveLength(2);
    for (const bad of [
      {},
      { entries: [{ uri: 'todos/1', etag: null }] },
      { entries: [{ uri: '/todos/1' }] },
      { entries: [{ uri: '/todos/1', etag: '' }] },
      { entries: [{ uri: '/todos/1', etag: null, extra: 1 }] },
      { entries: [], more: true },
    ]) {
      expect(reconcileRequestSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('an answer carries seq and one of 304, 200, 404, 401 per entry, with the members each needs', () => {
    const answer = {
      seq: 140,
      entries: [
        { uri: '/todos/1', status: 304, etag: '"12"' },
        { uri: '/todos/2', status: 200, etag: '"31"', body: { id: '2', title: 'Milk' } },
        { uri: '/todos/3', status: 404 },
        { uri: '/notes/4', status: 401 },
      ],
    };
    expect(reconcileResponseSchema.parse(answer)).toEqual(answer);
    const entry = (value: object) => ({ seq: 1, entries: [value] });
    for (const bad of [
      { entries: [] },
      { seq: -1, entries: [] },
      entry({ uri: '/todos/1', status: 304 }),
      entry({ uri: '/todos/1', status: 200, etag: '"2"' }),
      entry({ uri: '/todos/1', status: 200, etag: '"2"', body: [1] }),
      entry({ uri: '/todos/1', status: 500 }),
      entry({ status: 404 }),
    ]) {
      expect(reconcileResponseSchema.safeParse(bad).success).toBe(false);
    }
  });
});
