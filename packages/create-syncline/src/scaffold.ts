import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { appNameOf } from './app-name.js';
import { appPackageJson, SYNCLINE_PACKAGES } from './app-package.js';
import { CreateError } from './create-error.js';
import { localPackageSpecs } from './local-packages.js';

/** The template shipped beside `dist/` (`files` in package.json), the same from `src/` in tests. */
export const TEMPLATE_DIR = new URL('../template', import.meta.url);

/**
 * Files npm never packs under their real name: the template holds them under another and
 * they are renamed after the copy.
 */
const RENAMED = { gitignore: '.gitignore' } as const;

export interface ScaffoldOptions {
  /** The folder to create (or an empty one); its name becomes the app's package name. */
  readonly target: string;
  /** create-syncline's version: the version of the app's `@syncline/*` dependencies. */
  readonly version: string;
  /** A folder of `@syncline/*` tarballs to depend on instead of the registry (`--packages`). */
  readonly packagesDir?: string;
  /** Default {@link TEMPLATE_DIR}. */
  readonly templateDir?: string | URL;
}

export interface ScaffoldResult {
  readonly name: string;
  /** Absolute path of the new app. */
  readonly directory: string;
}

/**
 * Creates the app: checks the name and that the folder is new or empty (before writing
 * anything), copies the template and writes its `package.json`.
 *
 * @example
 * const { directory } = scaffold({ target: 'my-app', version: '0.1.0' });
 */
export function scaffold(options: ScaffoldOptions): ScaffoldResult {
  const name = appNameOf(options.target);
  const directory = resolve(options.target);
  // Read before anything is written: a bad --packages leaves no half-made app behind.
  const localPackages = options.packagesDir === undefined ? undefined : localPackageSpecs(options.packagesDir, options.version, SYNCLINE_PACKAGES);
  if (existsSync(directory)) {
    if (!statSync(directory).isDirectory()) throw new CreateError('target-not-empty', `${options.target} exists and is not a folder: choose another name.`);
    if (readdirSync(directory).length > 0) throw new CreateError('target-not-empty', `${options.target} is not empty: choose another name, or empty the folder first.`);
  }
  mkdirSync(directory, { recursive: true });
  cpSync(options.templateDir ?? TEMPLATE_DIR, directory, { recursive: true });
  for (const [stored, real] of Object.entries(RENAMED)) {
    if (existsSync(join(directory, stored))) renameSync(join(directory, stored), join(directory, real));
  }
  const manifest = appPackageJson({ name, version: options.version, ...(localPackages ? { localPackages } : {}) });
  writeFileSync(join(directory, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return { name, directory };
}
