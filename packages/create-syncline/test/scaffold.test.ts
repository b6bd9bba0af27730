import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { THIRD_PARTY_DEPENDENCIES, THIRD_PARTY_DEV_DEPENDENCIES } from '../src/app-package.js';
import { parseCliArguments } from '../src/cli-arguments.js';
import { CreateError } from '../src/create-error.js';
import { scaffold } from '../src/scaffold.js';

const repoRoot = join(import.meta.dirname, '../../..');
let work: string;

beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'create-syncline-'));
});
afterEach(() => rmSync(work, { recursive: true, force: true }));

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof CreateError) return error.code;
    throw error;
  }
  return undefined;
}

describe('scaffold', () => {
  it('copies the template, restores .gitignore, and names the app and its Syncline versions in package.json', () => {
    const { name, directory } = scaffold({ target: join(work, 'my-app'), version: '1.2.3' });
    expect(name).toBe('my-app');
    expect(readdirSync(directory).sort()).toEqual(['.gitignore', 'README.md', 'package.json', 'src', 'tsconfig.json']);
    expect(readFileSync(join(directory, '.gitignore'), 'utf8')).toContain('node_modules/');
    expect(existsSync(join(directory, 'src/resources.ts'))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    expect(manifest.name).toBe('my-app');
    expect(manifest.dependencies).toMatchObject({ '@syncline/server': '1.2.3', '@syncline/client': '1.2.3', '@syncline/schema': '1.2.3' });
    expect(manifest.scripts.start).toMatch(/node dist\/server\.js$/);
    expect(manifest.scripts.test).toMatch(/node --test /);
    expect(manifest.overrides).toBeUndefined();
  });

  it('fills an existing empty folder', () => {
    mkdirSync(join(work, 'empty'));
    expect(scaffold({ target: join(work, 'empty'), version: '0.1.0' }).name).toBe('empty');
  });

  it('refuses a folder that holds files, and leaves it as it was', () => {
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken/notes.txt'), 'mine');
    expect(codeOf(() => scaffold({ target: join(work, 'taken'), version: '0.1.0' }))).toBe('target-not-empty');
    expect(readdirSync(join(work, 'taken'))).toEqual(['notes.txt']);
  });

  it('refuses a folder name that cannot name an npm package, before writing anything', () => {
    expect(codeOf(() => scaffold({ target: join(work, 'My App'), version: '0.1.0' }))).toBe('invalid-name');
    expect(codeOf(() => scaffold({ target: join(work, '.hidden'), version: '0.1.0' }))).toBe('invalid-name');
    expect(readdirSync(work)).toEqual([]);
  });

  it('points the app and its transitive @syncline/* dependencies at the tarballs of --packages', () => {
    const packages = join(work, 'tarballs');
    mkdirSync(packages);
    for (const pkg of ['protocol', 'schema', 'server', 'client', 'react']) writeFileSync(join(packages, `syncline-${pkg}-0.1.0.tgz`), '');
    writeFileSync(join(packages, 'syncline-server-0.0.9.tgz'), ''); // another version: ignored
    const { directory } = scaffold({ target: join(work, 'app'), version: '0.1.0', packagesDir: packages });
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8'));
    expect(manifest.dependencies['@syncline/server']).toBe(`file:${join(packages, 'syncline-server-0.1.0.tgz')}`);
    expect(manifest.overrides['@syncline/protocol']).toBe(`file:${join(packages, 'syncline-protocol-0.1.0.tgz')}`);
    expect(manifest.overrides['@syncline/server']).toBe(manifest.dependencies['@syncline/server']);
  });

  it('refuses --packages without a tarball the app needs, naming it, and creates nothing', () => {
    const packages = join(work, 'tarballs');
    mkdirSync(packages);
    writeFileSync(join(packages, 'syncline-server-0.1.0.tgz'), '');
    expect(() => scaffold({ target: join(work, 'app'), version: '0.1.0', packagesDir: packages })).toThrow(/syncline-client-0\.1\.0\.tgz/);
    expect(existsSync(join(work, 'app'))).toBe(false);
  });
});

describe('the command line', () => {
  it('reads the folder and --packages, and refuses what it does not know', () => {
    expect(parseCliArguments(['my-app'])).toEqual({ kind: 'create', target: 'my-app' });
    expect(parseCliArguments(['my-app', '--packages', 'dir'])).toEqual({ kind: 'create', target: 'my-app', packagesDir: 'dir' });
    expect(parseCliArguments(['--help'])).toEqual({ kind: 'help' });
    expect(codeOf(() => parseCliArguments([]))).toBe('usage');
    expect(codeOf(() => parseCliArguments(['a', 'b']))).toBe('usage');
    expect(codeOf(() => parseCliArguments(['my-app', '--install']))).toBe('usage');
  });
});

describe('the template', () => {
  it("README gives the two commands: one runs the app, one passes its tests", () => {
    const readme = readFileSync(join(import.meta.dirname, '../template/README.md'), 'utf8');
    const commands = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]?.trim());
    expect(commands).toEqual(['npm install && npm start', 'npm install && npm test']);
  });

  it('asks for the third-party versions this repository builds and tests with', () => {
    const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8'));
    const server = JSON.parse(readFileSync(join(repoRoot, 'packages/server/package.json'), 'utf8'));
    expect(THIRD_PARTY_DEPENDENCIES.zod).toBe(server.dependencies.zod);
    for (const [name, range] of Object.entries(THIRD_PARTY_DEV_DEPENDENCIES)) expect(range, name).toBe(root.devDependencies[name]);
  });
});
