/**
 * Why `create-syncline` stopped, each with a message that says what to do:
 * - `usage`: the arguments are not understood (the usage follows the message);
 * - `invalid-name`: the target's folder name is not a valid npm package name;
 * - `target-not-empty`: the target folder exists and holds files;
 * - `packages-missing`: `--packages` names a folder without a tarball of every package the app needs.
 */
export type CreateErrorCode = 'usage' | 'invalid-name' | 'target-not-empty' | 'packages-missing';

/**
 * The one error `create-syncline` reports: the CLI prints its message and exits with 1.
 *
 * @example
 * throw new CreateError('target-not-empty', 'my-app is not empty: choose another name or empty it first.');
 */
export class CreateError extends Error {
  override readonly name = 'CreateError';

  constructor(
    readonly code: CreateErrorCode,
    message: string,
  ) {
    super(message);
  }
}
