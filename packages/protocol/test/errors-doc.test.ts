import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ERROR_STATUS } from '../src/error-codes.js';

const DOC = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
/** The rows of the codes table: `| \`code\` | status | meaning | when it happens | retry? |`. */
const ROWS = [...DOC.matchAll(/^\| `([a-z-]+)` \| (\d{3}) \| ([^|\n]+) \| ([^\n]+) \|$/gm)].map(([, code, status, , rest]) => ({ code: code ?? '', status: Number(status), rest: rest ?? '' }));

describe('docs/errors.md', () => {
  it('lists every error code once, with the status the code answers, and nothing else', () => {
    expect(new Set(ROWS.map((row) => row.code)).size).toBe(ROWS.length);
    expect(Object.fromEntries(ROWS.map((row) => [row.code, row.status]))).toEqual(ERROR_STATUS);
  });

  it('says "not raised" only of codes that neither the server nor the client raises', () => {
    const sources = ['server', 'client'].map(sourcesOf).join('\n');
    const wronglyDocumented = ROWS.filter((row) => /not raised/.test(row.rest) && sources.includes(`'${row.code}'`)).map((row) => row.code);
    expect(wronglyDocumented).toEqual([]);
  });
});

/** Every TypeScript source of a package, as one text. */
function sourcesOf(name: string): string {
  const root = new URL(`../../${name}/src/`, import.meta.url);
  return readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts'))
    .map((path) => readFileSync(new URL(path, root), 'utf8'))
    .join('\n');
}
