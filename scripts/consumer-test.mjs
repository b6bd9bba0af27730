#!/usr/bin/env node
// `npm run test:consumer`: the packages as a user gets them. Packs every publishable package,
// installs the tarballs into a fresh project outside the repository (consumer/app), and there:
// typechecks it with TypeScript 5.9 and 7 under `nodenext` and `bundler` resolution (once with
// skipLibCheck off, so the shipped .d.ts files are checked too), compiles it and runs the app
// under plain `node` (a server with sign-in; one client sees another's write arrive live),
// bundles the page script with esbuild and Vite and fails if a Node built-in leaks in, and
// prints the timings and install sizes. Exits non-zero on the first failure.
// `--keep` leaves the temporary project in place (its path is printed).
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { localPrebuildEnv } from './local-prebuilds.mjs';

const root = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');
const TYPESCRIPT_5 = '~5.9.3';
const TYPESCRIPT_7 = '7.0.2';

const work = mkdtempSync(join(tmpdir(), 'syncline-consumer-'));
const app = join(work, 'app');
const ts7 = join(work, 'typescript-7');
const timings = [];
const log = (line) => console.log(line);

/** Runs a command, echoing its output; throws (and so fails the test) on a non-zero exit. */
function run(command, args, options = {}) {
  const result = spawnSync(command, args, { cwd: options.cwd ?? app, encoding: 'utf8', env: { ...process.env, ...options.env }, maxBuffer: 64 * 1024 * 1024 });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (options.expectFailure) {
    if (result.status === 0) throw new Error(`${command} ${args.join(' ')} succeeded, and should have failed`);
    return output;
  }
  if (result.status !== 0) {
    process.stdout.write(output);
    throw new Error(`${command} ${args.join(' ')} exited with ${result.status ?? result.signal}`);
  }
  return output;
}

/** Times one named step of the test. */
function step(name, action) {
  log(`== ${name}`);
  const started = performance.now();
  const value = action();
  const ms = Math.round(performance.now() - started);
  timings.push([name, ms]);
  log(`   (${(ms / 1000).toFixed(1)} s)`);
  return value;
}

function writeJson(path, value) {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** Kilobytes on disk of a directory tree (`du -sk`). */
function kilobytes(paths) {
  if (paths.length === 0) return 0;
  const output = execFileSync('du', ['-sk', '-c', ...paths], { encoding: 'utf8' });
  return Number(output.trim().split('\n').at(-1).split('\t')[0]);
}

const human = (kb) => (kb >= 1024 ? `${(kb / 1024).toFixed(1)} MB` : `${kb} KB`);

/**
 * The installed folders a package needs at run time: itself, its dependencies, optional
 * dependencies and the peers that are installed, resolved as Node does (nearest node_modules up).
 */
function closure(names) {
  const seen = new Set();
  const visit = (name, from) => {
    let dir = from;
    for (;;) {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) {
        if (seen.has(candidate)) return;
        seen.add(candidate);
        const manifest = JSON.parse(readFileSync(join(candidate, 'package.json'), 'utf8'));
        const wanted = { ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies };
        for (const dependency of Object.keys(wanted)) visit(dependency, candidate);
        return;
      }
      if (dir === app) return; // not installed: an optional dependency or peer left out
      dir = dirname(dir);
    }
  };
  for (const name of names) visit(name, app);
  // A folder nested in another one of the set is counted with it.
  const folders = [...seen];
  return folders.filter((folder) => !folders.some((other) => other !== folder && folder.startsWith(`${other}/`)));
}

try {
  log(`consumer project: ${app}`);
  const tarballs = step('pack the packages (npm pack)', () => {
    const output = execFileSync(process.execPath, [join(root, 'scripts', 'pack-packages.mjs'), join(work, 'packages')], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    return JSON.parse(output);
  });
  for (const [name, tarball] of Object.entries(tarballs)) log(`   ${name}: ${relative(work, tarball)}`);

  step('write the consumer project', () => {
    cpSync(join(root, 'consumer', 'app'), app, { recursive: true });
    // Dependencies on the tarballs (file: paths), as a registry would serve them, and the
    // packages a user adds beside them. No lockfile: npm resolves everything afresh.
    const fromTarballs = Object.fromEntries(Object.entries(tarballs).map(([name, tarball]) => [name, `file:${relative(app, tarball)}`]));
    writeJson(join(app, 'package.json'), {
      name: 'syncline-consumer',
      private: true,
      type: 'module',
      scripts: { start: 'node dist/main.js' },
      dependencies: { ...fromTarballs, zod: '^4.1.0', react: '^19.2.0', 'react-dom': '^19.2.0' },
      devDependencies: {
        '@types/node': '^20.19.0',
        '@types/react': '^19.2.0',
        '@types/react-dom': '^19.2.0',
        esbuild: '^0.28.0',
        typescript: TYPESCRIPT_5,
        vite: '^7.3.0',
      },
    });
    // TypeScript 7 in a folder of its own: its `tsc` would clash with 5.9's in one node_modules.
    mkdirSync(ts7);
    writeJson(join(ts7, 'package.json'), { name: 'typescript-7', private: true, devDependencies: { typescript: TYPESCRIPT_7 } });
  });

  step('npm install (the tarballs and the registry)', () => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { env: localPrebuildEnv(join(work, 'prebuilds')) }));
  step(`npm install typescript@${TYPESCRIPT_7}`, () => run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: ts7 }));

  const tsc5 = join(app, 'node_modules', '.bin', 'tsc');
  const tsc7 = join(ts7, 'node_modules', '.bin', 'tsc');
  const typescripts = [
    [`TypeScript ${run(tsc5, ['--version']).trim().replace(/^Version /, '')}`, tsc5],
    [`TypeScript ${run(tsc7, ['--version']).trim().replace(/^Version /, '')}`, tsc7],
  ];
  const projects = [
    ['nodenext, strict, skipLibCheck', 'tsconfig.json'],
    ['nodenext, strict, no skipLibCheck', 'tsconfig.libcheck.json'],
    ['bundler, strict, DOM, no skipLibCheck', 'tsconfig.bundler.json'],
    ['tsc --init of 5.9 (exactOptionalPropertyTypes, noUncheckedIndexedAccess, verbatimModuleSyntax)', 'tsconfig.init.json'],
  ];
  for (const [version, tsc] of typescripts) {
    for (const [label, project] of projects) {
      step(`typecheck with ${version}: ${label} (${project})`, () => run(tsc, ['-p', project, '--noEmit']));
    }
  }

  step('compile with TypeScript 5.9 (tsc -p tsconfig.json)', () => run(tsc5, ['-p', 'tsconfig.json']));
  const transcript = step('run the app: node dist/main.js', () => run(process.execPath, ['dist/main.js']));
  log(transcript.trimEnd().replace(/^/gm, '   | '));
  for (const expected of ['ana signed up and in as ana', 'ben signed up, then signed in as ben', 'ana subscribed to /notes: 0 notes', 'ana sees ["ben: hello from ben"]', 'ana saw the shared note arrive live, and not the private one', 'OK']) {
    if (!transcript.includes(expected)) throw new Error(`the transcript lacks "${expected}"`);
  }

  const esbuildOut = 'bundle/esbuild/browser.js';
  const esbuildReport = step('bundle src/browser.ts with esbuild (platform browser, no Node built-ins)', () => JSON.parse(run(process.execPath, ['bundle-esbuild.mjs', 'src/browser.ts', esbuildOut]).trim().split('\n').at(-1)));
  step('esbuild refuses a Node-only entry (@syncline/client/node): the guard can fail', () => {
    const output = run(process.execPath, ['bundle-esbuild.mjs', 'src/node-only.ts', 'bundle/esbuild/node-only.js'], { expectFailure: true });
    if (!output.includes('Node built-in "node:fs')) throw new Error(`esbuild failed for another reason:\n${output}`);
  });
  const vite = join(app, 'node_modules', '.bin', 'vite');
  step('bundle src/browser.ts with vite build (library mode, no externalized built-ins)', () => {
    const output = run(vite, ['build']);
    if (output.includes('externalized for browser compatibility')) throw new Error(`Vite externalized a Node built-in:\n${output}`);
  });
  step('vite build refuses a Node-only entry (@syncline/client/node): the guard can fail', () => {
    const output = run(vite, ['build'], { expectFailure: true, env: { CONSUMER_ENTRY: 'src/node-only.ts', CONSUMER_OUT: 'bundle/vite-node-only' } });
    if (!output.includes('externalized for browser compatibility')) throw new Error(`vite build failed for another reason:\n${output}`);
  });

  const esbuildBytes = readFileSync(join(app, esbuildOut));
  const viteBytes = readFileSync(join(app, 'bundle', 'vite', 'browser.js'));
  const server = closure(['@syncline/server']);
  const client = closure(['@syncline/client']);
  const both = closure(['@syncline/server', '@syncline/client']);
  const driver = closure(['better-sqlite3']);
  log('\n== sizes');
  log(`   node_modules of the consumer (everything, with TypeScript, esbuild, Vite, React): ${human(kilobytes([join(app, 'node_modules')]))}`);
  log(`   @syncline/server and what it installs: ${human(kilobytes(server))} in ${server.length} folders (of which better-sqlite3 and its dependencies ${human(kilobytes(driver))})`);
  log(`   @syncline/client and what it installs: ${human(kilobytes(client))} in ${client.length} folders`);
  log(`   @syncline/server + @syncline/client together: ${human(kilobytes(both))}`);
  log(`   browser bundle, esbuild (minified, with React): ${(esbuildBytes.length / 1024).toFixed(1)} KB, ${(gzipSync(esbuildBytes).length / 1024).toFixed(1)} KB gzipped (${esbuildReport.inputs} input files)`);
  const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
  const share = Object.entries(esbuildReport.byPackage).sort(([, a], [, b]) => b - a);
  const ours = share.filter(([name]) => name.startsWith('@syncline/')).reduce((sum, [, bytes]) => sum + bytes, 0);
  log(`     of which @syncline/* ${kb(ours)}; by package: ${share.map(([name, bytes]) => `${name} ${kb(bytes)}`).join(', ')}`);
  log(`   browser bundle, vite build (minified, with React): ${(viteBytes.length / 1024).toFixed(1)} KB, ${(gzipSync(viteBytes).length / 1024).toFixed(1)} KB gzipped`);
  log('\n== timings');
  for (const [name, ms] of timings) log(`   ${(ms / 1000).toFixed(1).padStart(6)} s  ${name}`);
  log('\nconsumer test passed');
} catch (error) {
  console.error(`\nconsumer test FAILED: ${error instanceof Error ? error.message : String(error)}`);
  if (!keep) console.error(`(run with --keep to inspect the project in ${tmpdir()})`);
  process.exitCode = 1;
} finally {
  if (keep) log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
