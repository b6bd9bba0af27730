/**
 * `@syncline/client/node`: the parts of the client that need Node built-ins, kept out of
 * the main entry so browser bundles never pull `node:fs` in.
 *
 * @example
 * import { createClient } from '@syncline/client';
 * import { filePersistence } from '@syncline/client/node';
 * const persistence = filePersistence({ path: './.syncline/replica.json' });
 */
export { filePersistence, type FilePersistenceOptions } from './offline/file-persistence.js';
