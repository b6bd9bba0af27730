import type { Syncline } from '../../src/index.js';

/** Posts JSON credentials to `/session` or `/users` as if from `address` (the listener's `remoteAddress`). */
export async function postFrom(syncline: Syncline, address: string, path: '/session' | '/users', username: string, password: string): Promise<{ status: number; headers: Record<string, string>; body: any }> {
  const response = await syncline.handle({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/json' },
    body: new TextEncoder().encode(JSON.stringify({ username, password })),
    remoteAddress: address,
  });
  return { status: response.status, headers: response.headers, body: response.body === undefined ? undefined : JSON.parse(response.body) };
}

/** The statuses of several answers, counted: `{ 401: 5, 429: 15 }`. */
export function byStatus(answers: ReadonlyArray<{ status: number }>): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of answers) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
