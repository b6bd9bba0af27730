import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * The only places outside `@syncline/protocol` that may turn text into JSON themselves, each with
 * why it is not the wire. Everything a server or a client receives goes through the protocol's
 * schemas and `parseJsonSafely`, so one definition of every message holds on both sides.
 */
const ALLOWED: Readonly<Record<string, string>> = {
  'packages/schema/src/cursor.ts': 'a keyset cursor is the server\'s own opaque token, decoded by the schema package that encodes it',
  'packages/server/src/storage/sqlite/sqlite-dialect.ts': 'storage codec: JSON columns the server wrote itself',
  'packages/server/src/storage/postgres/postgres-dialect.ts': 'storage codec: JSON columns the server wrote itself',
  'packages/server/src/backplane/redis/redis-message.ts': 'the backplane\'s own message between server processes, checked by its parser there',
  'packages/server/src/backplane/memory-backplane.ts': 'an in-process copy of a backplane message, so listeners never share the sender\'s objects',
  'packages/server/src/pipeline/action-handler.ts': 'a handler\'s result copied through JSON inside its transaction, so a value JSON cannot carry fails there',
  'packages/client/src/offline/file-persistence.ts': 'the client\'s own replica file on disk, checked by the persistence layer',
  'packages/conformance/src/client/adapter-process.ts': 'the lines an adapter under test prints on stdout: the client suite\'s own report format, not a protocol message',
  'packages/create-syncline/src/cli.ts': 'the CLI reads its own package.json for its version',
  'apps/todo/src/browser/app.ts': 'the page\'s own records, rendered into its HTML by the app (not a protocol message)',
  'apps/polls/src/browser/polls-page.ts': 'the page\'s own records, rendered into its HTML by the app (not a protocol message)',
};

/** Files under `dir` (`.ts`, `.tsx`) whose code (comment lines left out) parses JSON by hand. */
function jsonParsersIn(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.tsx?$/.test(entry.name)) continue;
    const file = join(entry.parentPath, entry.name);
    // Comment lines (JSDoc examples) name JSON.parse without calling it.
    const code = readFileSync(file, 'utf8').split('\n').filter((line) => !/^\s*(\*|\/\*|\/\/)/.test(line)).join('\n');
    // `JSON.parse(` and a fetch answer's `.json()` both skip the protocol's parsing.
    if (/\bJSON\.parse\s*\(|\.json\(\s*\)/.test(code)) found.push(file.slice(root.length));
  }
  return found;
}

function sourceDirs(): string[] {
  const dirs: string[] = [];
  for (const parent of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      if (entry.isDirectory() && !(parent === 'packages' && entry.name === 'protocol')) dirs.push(`${parent}/${entry.name}/src`);
    }
  }
  return dirs.filter((dir) => readdirSync(join(root, dir, '..')).includes('src'));
}

describe('one definition of the wire', () => {
  it('no source outside @syncline/protocol parses JSON by hand, except the allow-listed files that read no wire message', () => {
    const found = sourceDirs().flatMap(jsonParsersIn).sort();
    // A new parser fails here: parse the message with its schema from @syncline/protocol instead.
    expect(found.filter((file) => !(file in ALLOWED))).toEqual([]);
    // An entry whose parse went away is taken off the list, so the list stays a true account.
    expect(Object.keys(ALLOWED).filter((file) => !found.includes(file))).toEqual([]);
  });

  it('finds a hand-written parse, so the check above can fail', () => {
    expect(jsonParsersIn('packages/protocol/src')).toContain('packages/protocol/src/safe-json.ts');
  });
});
