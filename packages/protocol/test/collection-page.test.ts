import { describe, expect, it } from 'vitest';
import { collectionPageSchema } from '../src/index.js';

describe('a collection page (protocol.md §4.5)', () => {
  it('reads the documented answer, with a next page and after the last', () => {
    const page = { items: [{ id: '01a2', version: 3, title: 'Milk' }], next: '/todos?limit=1&after=WyIw' };
    expect(collectionPageSchema.parse(page)).toEqual(page);
    expect(collectionPageSchema.parse({ items: [], next: null })).toEqual({ items: [], next: null });
  });

  it('refuses a page without next, an item that is not a record, and a next that is not a URI', () => {
    expect(collectionPageSchema.safeParse({ items: [] }).success).toBe(false);
    expect(collectionPageSchema.safeParse({ items: [1], next: null }).success).toBe(false);
    expect(collectionPageSchema.safeParse({ items: [], next: 'https://elsewhere.example/todos' }).success).toBe(false);
  });
});
