import { problemSchema } from '@syncline/protocol';
import { describe, expect, it } from 'vitest';
import { createSignedInSyncline } from '../support/signed-in.js';

/** Posts `body` (any JSON) to a sign-in route and answers the status and the problem's field paths. */
async function post(syncline: Awaited<ReturnType<typeof createSignedInSyncline>>, path: '/users' | '/session', body: unknown) {
  const response = await syncline.handle({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json' },
    body: new TextEncoder().encode(JSON.stringify(body)),
    remoteAddress: '192.0.2.7',
  });
  const problem = problemSchema.parse(JSON.parse(response.body ?? '{}'));
  return { status: response.status, code: problem.code, paths: (problem.errors ?? []).map((error) => error.path.join('.')) };
}

describe('sign-up and sign-in bodies (credentialsSchema)', () => {
  it('refuses a body without both members as strings with 422, naming each, on both routes', async () => {
    await using syncline = await createSignedInSyncline();
    for (const path of ['/users', '/session'] as const) {
      expect(await post(syncline, path, { username: 'ana' })).toEqual({ status: 422, code: 'validation-failed', paths: ['password'] });
      expect(await post(syncline, path, { username: 7, password: 'correct horse' })).toEqual({ status: 422, code: 'validation-failed', paths: ['username'] });
      expect(await post(syncline, path, ['ana', 'correct horse'])).toEqual({ status: 422, code: 'validation-failed', paths: ['username', 'password'] });
    }
  });
});
