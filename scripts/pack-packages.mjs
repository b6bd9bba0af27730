#!/usr/bin/env node
// `node scripts/pack-packages.mjs <dir>`: builds the publishable packages and packs each into <dir>
// with `npm pack`, as a registry would serve them. Prints {"@syncline/server": "<dir>/syncline-server-0.1.0.tgz", …}.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const destination = resolve(process.argv[2] ?? join(root, 'dist-packages'));
mkdirSync(destination, { recursive: true });

const packages = readdirSync(join(root, 'packages'))
  .map((name) => join(root, 'packages', name))
  .filter((dir) => !JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).private);

// Builds every package first (TypeScript 5.9 by path: the repository also holds TypeScript 7, whose binary is also named `tsc`).
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b', join(root, 'tsconfig.build.json')], { stdio: 'inherit' });

const tarballs = {};
for (const dir of packages) {
  const output = execFileSync('npm', ['pack', '--json', '--pack-destination', destination], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const [packed] = JSON.parse(output);
  tarballs[packed.name] = join(destination, packed.filename);
}
console.log(JSON.stringify(tarballs, null, 2));
