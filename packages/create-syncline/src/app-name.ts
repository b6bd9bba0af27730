import { basename, resolve } from 'node:path';
import { CreateError } from './create-error.js';

/** npm's rules for a new package name, without a scope: lower case, URL-safe, at most 214 characters. */
const NPM_NAME = /^[a-z0-9][a-z0-9._~-]*$/;

/**
 * The app's package name: the target folder's own name (`.` is the current folder's), which
 * must be a valid npm package name, since it becomes the app's `package.json` `name`.
 *
 * @example
 * appNameOf('projects/my-app'); // 'my-app'
 * appNameOf('My App'); // throws CreateError 'invalid-name'
 */
export function appNameOf(target: string): string {
  const name = basename(resolve(target));
  if (name.length > 214 || !NPM_NAME.test(name)) {
    throw new CreateError(
      'invalid-name',
      `"${name}" cannot name an npm package: use lower-case letters, digits and - . _ ~, starting with a letter or digit (for example my-app).`,
    );
  }
  return name;
}
