import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// What the README, the guides and the source comments point a reader to must be in the repository.
const root = join(__dirname, '..');
const guides = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const sources = (readdirSync(join(root, 'src'), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `src/${f}`);
const text = (path: string): string => readFileSync(join(root, path), 'utf8');

/** The numbered sections of a guide: `## 5. Serialized lines` is section 5. */
const sectionsOf = (path: string): Set<string> => new Set([...text(path).matchAll(/^#+ (\d+)\. /gm)].map((m) => m[1]!));

describe('references to the documents', () => {
  it('every relative link of the README and docs names a file of the repository', () => {
    const broken: string[] = [];
    let links = 0;
    for (const guide of guides) {
      const base = guide.startsWith('docs/') ? 'docs' : '.';
      for (const [, target] of text(guide).matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // a web address
        links++;
        if (!existsSync(join(root, base, target!))) broken.push(`${guide}: ${target}`);
      }
    }
    expect(links).toBeGreaterThan(0);
    expect(broken).toEqual([]);
  });

  it('every `docs/NAME.md §N` a source cites is a section of that document', () => {
    const cited: string[] = [];
    const missing: string[] = [];
    for (const source of sources) {
      for (const m of text(source).matchAll(/(docs\/[\w-]+\.md)((?:,? ?§\d+)+)/g)) {
        const doc = m[1]!;
        for (const [, n] of m[2]!.matchAll(/§(\d+)/g)) {
          cited.push(`${doc} §${n}`);
          if (!existsSync(join(root, doc)) || !sectionsOf(doc).has(n!)) missing.push(`${source}: ${doc} §${n}`);
        }
      }
    }
    expect(cited.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });

  it('no source cites a specification by a bare "spec §N" that names no document', () => {
    const bare = sources.filter((s) => /\bspec §\d/.test(text(s)));
    expect(bare).toEqual([]);
  });
});
