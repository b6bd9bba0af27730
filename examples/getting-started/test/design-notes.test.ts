import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const SKIP = new Set(['node_modules', '.git', 'data', 'test-results']);

/** Every TypeScript and Markdown file of the repository, outside dependencies. */
function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (SKIP.has(name)) return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx|md)$/.test(name) ? [path] : [];
  });
}

const notes = readFileSync(join(root, 'docs', 'design-notes.md'), 'utf8');
const headings = [...notes.matchAll(/^## (.+)$/gm)].map((match) => match[1] ?? '');
/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
const anchor = (heading: string): string => heading.toLowerCase().replace(/[^a-z0-9 -]/g, '').replace(/ /g, '-');

describe('docs/design-notes.md', () => {
  const sources = files(root).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

  it('is where design citations point: none names a section of a document the repository lacks', () => {
    // A name in capitals and a section number cite some document by its name; the repository's own are cited by path.
    const outside = sources.filter((source) => /\b[A-Z]{4,} §\d/.test(source.text)).map((source) => source.path);
    expect(outside).toEqual([]);
  });

  it('has every note that is cited by name, so a reader finds each one', () => {
    const cited = sources.flatMap((source) =>
      [...source.text.replace(/\n\s*(\*|\/\/)?\s*/g, ' ').matchAll(/design-notes\.md, "([^"]+)"/g)].map((match) => ({ path: source.path, note: match[1] ?? '' })),
    );
    expect(cited.length).toBeGreaterThan(10);
    const missing = cited.filter(({ note }) => !headings.some((heading) => heading.startsWith(note)));
    expect(missing).toEqual([]);
  });

  it('has every note that is linked by anchor', () => {
    const linked = sources.flatMap((source) => [...source.text.matchAll(/design-notes\.md#([a-z0-9-]+)/g)].map((match) => ({ path: source.path, anchor: match[1] ?? '' })));
    expect(linked.length).toBeGreaterThan(2);
    const anchors = headings.map(anchor);
    expect(linked.filter((link) => !anchors.includes(link.anchor))).toEqual([]);
  });
});
