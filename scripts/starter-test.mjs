#!/usr/bin/env node
// `npm run test:starter`: the starter as a user gets it. Packs every publishable package
// (scripts/pack-packages.mjs), then in a temporary folder outside the repository runs the
// create-syncline bin from its tarball as `npm create` does (`npm exec --package <tgz>`), with
// `--packages` so the app depends on the packed @syncline/* tarballs; then `npm install`,
// `npm start` (until the page answers, measuring the time from create to the live page and the
// server's idle RSS), and `npm test`. Exits non-zero when any step fails.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { localPrebuildEnv } from './local-prebuilds.mjs';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'syncline-starter-'));
const packagesDir = join(work, 'packages');
const app = join(work, 'my-app');
const keep = process.env.KEEP_STARTER === '1';
const timings = {};
const results = [];

/** Runs a command to completion with its output shown; records its duration under `label`. */
function step(label, command, args, options = {}) {
  console.log(`\n== ${label}: ${command} ${args.join(' ')}`);
  const started = performance.now();
  execFileSync(command, args, { stdio: ['ignore', 'inherit', 'inherit'], timeout: 15 * 60_000, ...options });
  timings[label] = performance.now() - started;
}

function check(name, ok, detail = '') {
  results.push({ name, ok });
  console.log(`${ok ? 'ok' : 'FAILED'}: ${name}${detail ? ` (${detail})` : ''}`);
}

/** A port nothing listens on now. */
async function freePort() {
  const server = createServer();
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address();
  await new Promise((done) => server.close(done));
  return port;
}

/** The resident set of the `node dist/server.js` process among `pid`'s descendants, in kB. */
function serverRss(pid) {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/))
    .filter((match) => match !== null)
    .map(([, child, parent, rss, args]) => ({ pid: Number(child), ppid: Number(parent), rss: Number(rss), args }));
  const family = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) if (family.has(row.ppid) && !family.has(row.pid)) (family.add(row.pid), (grew = true));
  }
  // The node process itself, not the shell that npm runs the script in (whose arguments name it too).
  return rows.find((row) => family.has(row.pid) && /^\S*node\s+dist\/server\.js$/.test(row.args))?.rss;
}

/** Polls `url` until it answers 200, for at most `ms`. */
async function waitForPage(url, ms) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(url, { headers: { accept: 'text/html' } });
      if (answer.status === 200) return answer;
    } catch {
      // Not listening yet.
    }
    await sleep(100);
  }
  throw new Error(`${url} did not answer 200 within ${ms} ms`);
}

try {
  console.log(`== packing the packages into ${packagesDir}`);
  let started = performance.now();
  const tarballs = JSON.parse(execFileSync('node', [join(root, 'scripts/pack-packages.mjs'), packagesDir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  timings.pack = performance.now() - started;
  const creator = tarballs['create-syncline'];
  if (creator === undefined) throw new Error('pack-packages.mjs packed no create-syncline');
  const { version } = JSON.parse(readFileSync(join(root, 'packages/create-syncline/package.json'), 'utf8'));

  const createdAt = performance.now();
  // What `npm create syncline@latest my-app` runs, with the tarball in place of the registry's package.
  step('create', 'npm', ['exec', '--yes', '--package', creator, '--', 'create-syncline', 'my-app', '--packages', packagesDir], { cwd: work });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
  check('package.json names the app and the packed @syncline/* tarballs', manifest.name === 'my-app' && manifest.dependencies['@syncline/server'] === `file:${tarballs['@syncline/server']}`);
  check(`the tarballs are this version (${version})`, Object.values(tarballs).every((file) => file.endsWith(`-${version}.tgz`)));

  // better-sqlite3 from a prebuilt binary, as npm downloads one for users (here, the one this repository compiled).
  step('install', 'npm', ['install', '--no-audit', '--no-fund'], { cwd: app, env: { ...process.env, ...localPrebuildEnv(join(work, 'prebuilds')) } });

  const port = await freePort();
  console.log(`\n== start: npm start (PORT=${port})`);
  started = performance.now();
  const server = spawn('npm', ['start'], { cwd: app, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1' }, stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  const exited = new Promise((done) => server.once('exit', done));
  try {
    const page = await Promise.race([waitForPage(`http://127.0.0.1:${port}/`, 5 * 60_000), exited.then((code) => Promise.reject(new Error(`npm start exited with ${code}`)))]);
    timings.start = performance.now() - started;
    timings.createToPage = performance.now() - createdAt;
    const html = await page.text();
    check('npm start serves the live page', /text\/html/.test(page.headers.get('content-type') ?? '') && html.includes('<script type="module" src="/app.js">'));
    const script = await fetch(`http://127.0.0.1:${port}/app.js`);
    check('and its bundled script', script.status === 200 && (await script.text()).includes('/session'));
    check('the API refuses an anonymous read', (await fetch(`http://127.0.0.1:${port}/notes`)).status === 401);
    await sleep(3000); // idle: nothing more is asked of it
    const rss = serverRss(server.pid);
    timings.idleRssKb = rss;
    check('the server idles under 100 MB', rss !== undefined && rss < 100 * 1024, `${rss === undefined ? '?' : (rss / 1024).toFixed(1)} MB`);
  } finally {
    try {
      process.kill(-server.pid, 'SIGTERM'); // npm, its shell and the server: the group started above
    } catch {
      // Already gone.
    }
    await exited;
  }

  step('test', 'npm', ['test'], { cwd: app });
  check('npm test passes in the new app', true);
} catch (error) {
  check('the starter runs', false, error instanceof Error ? error.message : String(error));
} finally {
  if (keep) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}

const seconds = (ms) => (ms === undefined ? '?' : `${(ms / 1000).toFixed(1)} s`);
console.log(`\n== starter timings
pack the packages     ${seconds(timings.pack)}
npm create            ${seconds(timings.create)}
npm install           ${seconds(timings.install)}
npm start to page     ${seconds(timings.start)}  (build + start)
create to live page   ${seconds(timings.createToPage)}
npm test              ${seconds(timings.test)}
server idle RSS       ${timings.idleRssKb === undefined ? '?' : `${(timings.idleRssKb / 1024).toFixed(1)} MB`}`);
const failed = results.filter((result) => !result.ok).length;
console.log(`starter: ${results.length - failed} passed, ${failed} failed`);
process.exitCode = failed === 0 ? 0 : 1;
