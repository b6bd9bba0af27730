import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const example = join(root, 'examples', 'getting-started');

/** The TypeScript blocks of one README section. */
function blocksOf(section: string): string[] {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${section}\n`);
  const end = readme.indexOf('\n## ', start + 1);
  const text = readme.slice(start, end === -1 ? undefined : end);
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
}

/** Lines without indentation or blank lines, so a snippet matches inside a test's function body. */
const lines = (text: string): string[] => text.split('\n').map((line) => line.trim()).filter((line) => line !== '');

function sources(): Array<{ file: string; lines: string[] }> {
  return ['src', 'test'].flatMap((dir) =>
    readdirSync(join(example, dir))
      .filter((name) => name.endsWith('.ts'))
      .map((name) => ({ file: `${dir}/${name}`, lines: lines(readFileSync(join(example, dir, name), 'utf8')) })),
  );
}

function containsRun(haystack: readonly string[], needle: readonly string[]): boolean {
  return haystack.some((_, start) => needle.every((line, i) => haystack[start + i] === line));
}

describe("README's Getting started", () => {
  const blocks = blocksOf('Getting started');

  it('has its code samples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5);
  });

  it.each(blocks.map((block) => [block.split('\n')[0], block] as const))('%s… is code the example runs, word for word', (_, block) => {
    const snippet = lines(block);
    const found = sources().filter((source) => containsRun(source.lines, snippet));
    expect(found.map((source) => source.file), `not in examples/getting-started:\n${block}`).not.toEqual([]);
  });
});
