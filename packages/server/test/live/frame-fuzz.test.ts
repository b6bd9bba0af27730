import { downstreamSchema, ERROR_STATUS } from '@syncline/protocol';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createTestSyncline, request } from '../support/fixtures.js';
import { LiveClient } from '../support/live-client.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'SUBSCRIBE', 'UNSUBSCRIBE', 'FETCH', '', 'get'];
const RESOURCES = ['/lists', '/todos', '/todos/x', '/lists?order=-title', '/todos?done=maybe', '/nowhere', '/lists/', '//', 'lists', '/lists/%ZZ', '/todos?after=!!'];
const KEYS = ['__proto__', 'constructor', 'prototype', 'title', 'done', 'id', 'version', 'list'];

/** Frames shaped like requests but wrong in every way the generator finds. */
const requestLike = fc.record(
  {
    id: fc.oneof(fc.string({ maxLength: 140 }), fc.integer(), fc.constant(null), fc.double()),
    method: fc.oneof(fc.constantFrom(...METHODS), fc.string()),
    resource: fc.oneof(fc.constantFrom(...RESOURCES), fc.string()),
    headers: fc.oneof(fc.dictionary(fc.constantFrom('if-match', 'if-none-match', 'last-event-id', 'content-type', 'syncline-subscription'), fc.string()), fc.anything()),
    body: fc.oneof(fc.dictionary(fc.constantFrom(...KEYS), fc.jsonValue()), fc.jsonValue(), fc.anything()),
  },
  { requiredKeys: [] },
);

/** Text frames: request-like JSON, any JSON, truncated JSON, deep nesting, raw strings. */
const frame = fc.oneof(
  requestLike.map((m) => JSON.stringify(m) ?? 'null'),
  fc.jsonValue().map((v) => JSON.stringify(v)),
  requestLike.chain((m) => fc.nat().map((n) => (JSON.stringify(m) ?? '').slice(0, n))),
  fc.integer({ min: 30, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.string(),
);

describe('socket fuzzing', () => {
  it('random and mutated frames never crash the server; every answer is a documented protocol message', async () => {
    await using app = await createTestSyncline({ limits: { maxConsecutiveErrors: 1_000_000 } });
    const { port } = await app.listen(0, '127.0.0.1');
    await using client = await LiveClient.connect(port);
    const seed = Number(process.env['FUZZ_SEED'] ?? Date.now() % 1_000_000);
    const frames = fc.sample(frame, { numRuns: 1500, seed });
    try {
      for (const text of frames) client.sendRaw(text);
      // A valid request after them all is still answered: the connection survived.
      expect((await client.request('GET', '/lists', { id: 'after-fuzz' })).status).toBe(200);
      await app.flush();
      // Every frame gets exactly one answer: a response, or an error event when it has no valid id.
      const answers = () => client.frames.filter((m) => 'status' in m || m['event'] === 'error').length;
      await expect.poll(answers, { timeout: 10_000 }).toBe(frames.length + 1);
      for (const message of client.frames) {
        expect(downstreamSchema.safeParse(message).success).toBe(true);
        const status = 'status' in message ? (message['status'] as number) : undefined;
        if (status !== undefined && status >= 400) expect(Object.values(ERROR_STATUS)).toContain(status);
        if (status !== undefined) expect(status).toBeLessThan(500);
      }
      // Whatever the fuzzer managed to store is a valid record.
      const lists = await request(app, 'GET', '/lists?limit=500');
      for (const item of lists.body.items) expect(typeof item.title).toBe('string');
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    } catch (error) {
      throw new Error(`socket fuzzing failed with FUZZ_SEED=${seed}: ${(error as Error).message}`);
    }
  });
});
