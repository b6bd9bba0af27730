// A prebuilt better-sqlite3 for the installs of the consumer and starter tests: npm installs
// `better-sqlite3` there from the registry, and with no way to download its prebuilt binary it
// compiles it (minutes). This packs the binary the repository's own `npm ci` compiled, for this
// Node.js and platform, the way prebuild-install names a download, into `<dir>`; pointing
// `npm_config_better_sqlite3_local_prebuilds` at it makes that install take it instead. When the
// registry's newest 12.x differs from the repository's version, the name does not match and the
// install compiles as before: slower, never wrong.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

/** The environment for an `npm install` that should use the repository's better-sqlite3 binary ({} when there is none). */
export function localPrebuildEnv(dir) {
  const pkg = join(root, 'node_modules', 'better-sqlite3');
  const binary = join(pkg, 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return {};
  const { version } = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  const libc = process.platform === 'linux' && !process.report.getReport().header.glibcVersionRuntime ? 'musl' : '';
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}${libc}-${process.arch}.tar.gz`;
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['-czf', join(dir, name), '-C', pkg, 'build/Release/better_sqlite3.node']);
  return { npm_config_better_sqlite3_local_prebuilds: dir };
}
