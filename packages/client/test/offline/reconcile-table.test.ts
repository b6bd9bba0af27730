import { describe, expect, it } from 'vitest';
import { classify, etagsMatch } from '../../src/index.js';

describe('the reconcile table (docs/design-notes.md)', () => {
  it.each([
    ['a never-acknowledged create', { etag: null, dirty: true, created: true }, null, 'create'],
    ['a create whose answer was lost (the server has it)', { etag: null, dirty: true, created: true }, '"1"', 'create'],
    ['dirty, the server ETag equal', { etag: '"3"', dirty: true, created: false }, '"3"', 'ok'],
    ['dirty, the server ETag differs', { etag: '"3"', dirty: true, created: false }, '"4"', 'conflict'],
    ['dirty, deleted on the server', { etag: '"3"', dirty: true, created: false }, null, 'conflict'],
    ['clean, the server ETag equal', { etag: '"3"', dirty: false, created: false }, '"3"', 'noop'],
    ['clean, the server ETag differs', { etag: '"3"', dirty: false, created: false }, '"5"', 'redownload'],
    ['clean, deleted on the server', { etag: '"3"', dirty: false, created: false }, null, 'redownload'],
    ['clean, absent on both sides', { etag: null, dirty: false, created: false }, null, 'noop'],
    ['clean, absent here, present there', { etag: null, dirty: false, created: false }, '"2"', 'redownload'],
  ] as const)('%s → %s', (_name, entry, serverEtag, outcome) => {
    expect(classify(entry, serverEtag)).toBe(outcome);
  });

  it('compares ETags strongly: a weak ETag never matches (If-Match would not either)', () => {
    expect(etagsMatch('"3"', '"3"')).toBe(true);
    expect(etagsMatch('W/"3"', 'W/"3"')).toBe(false);
    expect(classify({ etag: 'W/"3"', dirty: false, created: false }, 'W/"3"')).toBe('redownload');
    expect(classify({ etag: 'W/"3"', dirty: true, created: false }, 'W/"3"')).toBe('conflict');
  });
});
