#!/usr/bin/env node
// `npm run test:conformance:client`: runs `syncline-conformance --client` with the adapter of
// @syncline/client (packages/conformance/adapters/syncline-client.mjs) and exits with the
// command's code. The suite starts its own scripted server per case; no Syncline server runs.
// Both the command and the adapter run the TypeScript sources (tsx, the source condition).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const node = `"${process.execPath}" --conditions=@syncline/source --import tsx`;
const adapter = `${node} "${resolve(root, 'packages/conformance/adapters/syncline-client.mjs')}"`;
const cli = spawn(process.execPath, ['--conditions=@syncline/source', '--import', 'tsx', resolve(root, 'packages/conformance/src/cli.ts'), '--client', adapter, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
const code = await new Promise((done) => cli.on('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0))));
process.exit(code);
