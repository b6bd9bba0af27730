import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TodoApp } from '../src/create-todo-app.js';
import { startTestApp } from './session-support.js';

// A form over the pages' size limit is answered 413 while the browser is still sending it: the
// server discards the rest before it closes, so the browser reads the answer instead of a reset.

const CLIENT = fileURLToPath(new URL('../../../packages/server/test/support/upload-client.ts', import.meta.url));

let app: TodoApp;
let port: number;
beforeAll(async () => {
  let base: string;
  ({ app, base } = await startTestApp());
  port = Number(new URL(base).port);
});
afterAll(() => app?.close());

async function uploads(mode: 'declared' | 'chunked', path: string): Promise<string[]> {
  const child = spawn(process.execPath, ['--conditions=@syncline/source', '--import', 'tsx', CLIENT, String(port), mode, '10', String(8 * 1024 * 1024), path, 'application/x-www-form-urlencoded'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => (out += chunk));
  await once(child, 'exit');
  return JSON.parse(out) as string[];
}

describe('a form too large', () => {
  it('10 sign-in forms of 8 MiB with a declared length and 10 chunked: every one reads the 413', async () => {
    expect(await uploads('declared', '/session')).toEqual(Array(10).fill('413 - close'));
    expect(await uploads('chunked', '/session')).toEqual(Array(10).fill('413 - close'));
  }, 60_000);

  it('a page that refuses a post without reading it (405 on the sign-in page) is read too, not a reset', async () => {
    expect(await uploads('declared', '/sign-in')).toEqual(Array(10).fill('405 - close'));
    expect(await uploads('chunked', '/sign-in')).toEqual(Array(10).fill('405 - close'));
  }, 60_000);
});
