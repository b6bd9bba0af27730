#!/usr/bin/env node
// `npm run test:conformance`: starts a Syncline server that serves the conformance fixture
// (in-memory SQLite, port 0) with the built-in password sign-in, so the sign-in cases run, and runs the `syncline-conformance` command against it as a separate
// process, and exits with the command's code. Run with the source condition and tsx, as the
// root script does, so both run the TypeScript sources.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { conformanceItems } from '@syncline/conformance/fixture';
import { createPasswordAuth, createSyncline } from '@syncline/server';
import { createSqliteStorage } from '@syncline/server/sqlite';

const root = resolve(import.meta.dirname, '..');
const syncline = await createSyncline({
  resources: [conformanceItems],
  storage: createSqliteStorage({ filename: ':memory:' }),
  // The sign-in cases sign up one account and sign in a few times: a cheaper scrypt keeps that quick.
  auth: createPasswordAuth({ scrypt: { N: 1024, r: 8, p: 1 } }),
  // One line per report: the suite provokes socket errors on purpose (the oversized frame).
  onError: (error, where) => console.error(`[server] ${where}: ${error instanceof Error ? error.message : String(error)}`),
});
const { port } = await syncline.listen(0, '127.0.0.1');

const cli = spawn(
  process.execPath,
  ['--conditions=@syncline/source', '--import', 'tsx', resolve(root, 'packages/conformance/src/cli.ts'), `http://127.0.0.1:${port}`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
const code = await new Promise((done) => cli.on('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
await syncline.close();
process.exit(code);
