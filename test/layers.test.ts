import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

// The README's layers (How the code is laid out), top first: a module imports its own layer or one below.
const LAYER: Readonly<Record<string, number>> = {
  cli: 6,
  pipeline: 5, report: 5, verify: 5, bench: 5,
  serializers: 4,
  records: 3,
  solver: 2,
  core: 1, random: 1, tokens: 1,
  io: 0,
};

const src = join(__dirname, '..', 'src');
const modules = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
const folderOf = (path: string): string => path.split(/[\\/]/)[0]!;
/** The relative modules a source imports: `from '...'` (static imports and re-exports) and `import('...')`. */
const importsOf = (source: string): string[] => [...source.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*)'(\.[^']+)'/g)].map((m) => m[1]!);

describe('layers', () => {
  it('every folder of src is a layer of the README', () => {
    expect(new Set(modules.map(folderOf))).toEqual(new Set(Object.keys(LAYER)));
  });

  it('reads static and dynamic imports alike (the CLI loads its jobs with import())', () => {
    const source = "import { a } from '../core/a.js';\nexport { b } from './b.js';\nconst { c } = await import('../pipeline/c.js');\n";
    expect(importsOf(source)).toEqual(['../core/a.js', './b.js', '../pipeline/c.js']);
  });

  it('imports run down the layers, never up', () => {
    const upward: string[] = [];
    for (const file of modules) {
      const from = folderOf(file);
      for (const spec of importsOf(readFileSync(join(src, file), 'utf8'))) {
        const to = folderOf(relative(src, normalize(join(src, dirname(file), spec))));
        if (LAYER[to]! > LAYER[from]!) upward.push(`${file} imports ${spec}`);
      }
    }
    expect(upward).toEqual([]);
  });
});
