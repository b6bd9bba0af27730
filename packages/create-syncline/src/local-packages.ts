import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CreateError } from './create-error.js';

/** `npm pack`'s file name for a package: `@scope/name` → `scope-name-<version>.tgz`. */
export function tarballName(pkg: string, version: string): string {
  return `${pkg.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * `file:` specs for every `@syncline/*` tarball of this version in `dir` (`--packages`), and
 * a check that each package the app depends on is among them.
 *
 * @example
 * localPackageSpecs('dist-packages', '0.1.0', ['@syncline/server']);
 * // { '@syncline/server': 'file:/…/dist-packages/syncline-server-0.1.0.tgz', '@syncline/protocol': 'file:…', … }
 */
export function localPackageSpecs(dir: string, version: string, required: readonly string[]): Record<string, string> {
  const folder = resolve(dir);
  let files: string[];
  try {
    files = readdirSync(folder);
  } catch {
    throw new CreateError('packages-missing', `--packages ${dir}: no such folder.`);
  }
  const suffix = `-${version}.tgz`;
  const specs: Record<string, string> = {};
  for (const file of files) {
    if (!file.startsWith('syncline-') || !file.endsWith(suffix)) continue;
    specs[`@syncline/${file.slice('syncline-'.length, -suffix.length)}`] = `file:${join(folder, file)}`;
  }
  const missing = required.filter((pkg) => specs[pkg] === undefined);
  if (missing.length > 0) {
    throw new CreateError('packages-missing', `--packages ${dir} has no ${missing.map((pkg) => tarballName(pkg, version)).join(', ')}: pack them first (npm pack).`);
  }
  return specs;
}
