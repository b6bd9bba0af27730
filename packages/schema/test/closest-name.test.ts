import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closestName, defineResource } from '../src/index.js';

describe('closestName: the "did you mean" of definition errors', () => {
  it('finds a typo, a swapped pair and another case, and names nothing unrelated', () => {
    expect(closestName('ownr', ['owner', 'members', 'title'])).toBe('owner');
    expect(closestName('tilte', ['owner', 'title'])).toBe('title');
    expect(closestName('createdat', ['createdAt', 'updatedAt'])).toBe('createdAt');
    expect(closestName('colour', ['title', 'owner'])).toBeUndefined();
    expect(closestName('id', ['ids', 'title'])).toBe('ids');
    expect(closestName('x', ['title'])).toBeUndefined();
  });
});

describe('defineResource names the field a misspelt one most likely meant', () => {
  const schema = z.object({ title: z.string(), list: z.string(), owner: z.string() });
  it('in an index, a reference, an inherited field and a field rule', () => {
    expect(() => defineResource({ name: 'todos', schema, indexes: [['titel' as never]] })).toThrow('index on unknown field "titel" (did you mean "title"?)');
    expect(() => defineResource({ name: 'todos', schema, references: { lsit: 'lists' } as never })).toThrow('reference on unknown field "lsit" (did you mean "list"?)');
    expect(() => defineResource({ name: 'todos', schema, references: { list: { resource: 'lists', inherit: ['ownr' as never] } } })).toThrow(
      'reference "list" inherits unknown field "ownr" (did you mean "owner"?)',
    );
    expect(() => defineResource({ name: 'todos', schema, fieldRules: { colour: { write: false } } as never })).toThrow('field rule on unknown field "colour"');
  });
});
