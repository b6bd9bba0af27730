import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('npm start (the demo on the embedded default)', () => {
  it('serves sign-up, lists and todos on a SQLite file, needs no other service, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-demo-'));
    const child = spawn(process.execPath, ['--conditions=@syncline/source', '--import', 'tsx', 'src/main.ts'], {
      cwd: appDir,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATABASE_URL: `sqlite:${join(dir, 'demo.db')}` },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          const match = /localhost:(\d+)/.exec(output);
          if (match) resolve(Number(match[1]));
        });
        child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
        child.once('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      });
      const base = `http://127.0.0.1:${port}`;
      // Signed out: 401 for programs, the sign-in page for browsers.
      expect((await fetch(`${base}/lists`)).status).toBe(401);
      expect((await fetch(`${base}/`, { redirect: 'manual' })).headers.get('location')).toBe('/sign-in');
      // The README's curl session: sign up, sign in for a token, then use it.
      const credentials = JSON.stringify({ username: 'ana', password: 'correct horse' });
      expect((await fetch(`${base}/users`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: credentials })).status).toBe(201);
      const session = await fetch(`${base}/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: credentials });
      expect(session.status).toBe(201);
      const { token } = (await session.json()) as { token: string };
      const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
      const auth = { authorization: `Bearer ${token}` };
      const list = await fetch(`${base}/lists`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Groceries' }) });
      expect(list.status).toBe(201);
      const { id } = (await list.json()) as { id: string };
      const todo = await fetch(`${base}/todos`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Milk', list: id }) });
      expect(todo.status).toBe(201);
      const page = await fetch(`${base}/todos?list=${id}`, { headers: auth });
      expect(((await page.json()) as { items: unknown[] }).items).toHaveLength(1);
      // The same process serves the pages for browsers, with the script bundled at start.
      expect(await (await fetch(`${base}/sign-in`)).text()).toContain('<h1>Sign in</h1>');
      const home = await fetch(`${base}/`, { headers: { cookie } });
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await home.text()).toContain('Groceries');
      expect(await (await fetch(`${base}/lists/${id}`, { headers: { accept: 'text/html', cookie } })).text()).toContain('Milk');
      expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
