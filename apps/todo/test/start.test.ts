import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const appDir = fileURLToPath(new URL('..', import.meta.url));

describe('npm start (the demo on the embedded default)', () => {
  it('serves lists and todos on a SQLite file, needs no other service, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-demo-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
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
      const list = await fetch(`${base}/lists`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Groceries' }) });
      expect(list.status).toBe(201);
      const { id } = (await list.json()) as { id: string };
      const todo = await fetch(`${base}/todos`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ title: 'Milk', list: id }) });
      expect(todo.status).toBe(201);
      const page = await fetch(`${base}/todos?list=${id}`);
      expect(((await page.json()) as { items: unknown[] }).items).toHaveLength(1);
      // The same process serves the pages for browsers, with the script bundled at start.
      const home = await fetch(`${base}/`);
      expect(home.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await home.text()).toContain('Groceries');
      expect(await (await fetch(`${base}/lists/${id}`, { headers: { accept: 'text/html' } })).text()).toContain('Milk');
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
