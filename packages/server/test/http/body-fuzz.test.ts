import { problemSchema } from '@syncline/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';

const TYPES = ['application/json', 'application/merge-patch+json', 'application/json-patch+json', 'text/plain', 'application/x-www-form-urlencoded', ''];
const KEYS = ['__proto__', 'constructor', 'title', 'done', 'list', 'order', 'id', 'version', 'op', 'path', 'value'];

describe('HTTP body fuzzing', () => {
  it('random bodies, types and methods never answer 5xx; every error is problem+json', async () => {
    await using app = await createTestSyncline();
    const list = await request(app, 'POST', '/lists', { body: { title: 'L' } });
    const todo = await request(app, 'POST', '/todos', { body: { title: 'T', list: list.body.id } });
    const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);
    const body = fc.oneof(
      fc.dictionary(fc.constantFrom(...KEYS), fc.jsonValue()).map((v) => JSON.stringify(v)),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.array(fc.record({ op: fc.constantFrom('add', 'remove', 'replace', 'move', 'copy', 'test', 'x'), path: fc.constantFrom('/title', '/done', '/__proto__/x', '/tags/-', '', '/a/b'), value: fc.jsonValue() }, { requiredKeys: ['op'] })).map((v) => JSON.stringify(v)),
      fc.string(),
    );
    const cases = fc.sample(
      fc.record({
        method: fc.constantFrom('POST', 'PUT', 'PATCH', 'DELETE', 'GET'),
        uri: fc.constantFrom('/todos', `/todos/${todo.body.id}`, '/todos/new-id', `/lists/${list.body.id}`),
        type: fc.constantFrom(...TYPES),
        ifMatch: fc.constantFrom(undefined, todo.headers['etag'], '"1"', '*', 'garbage'),
        raw: body,
      }),
      { numRuns: 600, seed },
    );
    for (const c of cases) {
      const headers: Record<string, string> = { 'content-type': c.type };
      if (c.ifMatch !== undefined) headers['if-match'] = c.ifMatch;
      const response = await app.handle({ method: c.method, url: c.uri, headers, body: new TextEncoder().encode(c.raw) });
      const context = `FUZZ_SEED=${seed} ${c.method} ${c.uri} ${c.type} ${c.raw.slice(0, 80)}`;
      expect(response.status, context).toBeLessThan(500);
      if (response.status >= 400) {
        expect(response.headers['content-type'], context).toBe('application/problem+json');
        expect(problemSchema.safeParse(JSON.parse(response.body ?? '')).success, context).toBe(true);
      }
    }
    for (const item of (await request(app, 'GET', '/todos?limit=500')).body.items) {
      expect(typeof item.title).toBe('string');
      expect(typeof item.done).toBe('boolean');
    }
  });
});
