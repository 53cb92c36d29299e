import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemRecord } from '../src/serializers/problem.js';
import { pyJson } from '../src/serializers/pyjson.js';
import { referenceProblems } from '../src/solver/problems.js';
import { goldenDir, goldenPath } from './helpers.js';

const goldenLines = (name: string) => readFileSync(goldenPath(name), 'utf8').split('\n').filter(Boolean);

describe('reference-mode problems equal the golden records byte for byte', () => {
  const cases = [
    { file: 'problems_s42_n200_k4_t100.jsonl', seed: 42, count: 200, min: 4, max: 4, maxTarget: 100 },
    { file: 'problems_s7_n100_k3-5_t50.jsonl', seed: 7, count: 100, min: 3, max: 5, maxTarget: 50 },
  ];
  for (const c of cases) {
    it(c.file, () => {
      const spec = { minNumbers: c.min, maxNumbers: c.max, minTarget: 10, maxTarget: c.maxTarget, maxNumber: c.maxTarget - 1 };
      const ours = [...referenceProblems(c.seed, spec, c.count, new Set())].map((p) => pyJson(problemRecord(p, 'reference')));
      const gold = goldenLines(c.file);
      expect(ours.length).toBe(gold.length);
      for (let i = 0; i < gold.length; i++) expect(ours[i], `record ${i}`).toBe(gold[i]);
    });
  }
});

describe('the golden fixtures', () => {
  it('hold the reference\'s bytes: every file has the SHA-256 its README lists, and every listed file is there', () => {
    const readme = readFileSync(join(goldenDir, 'README.md'), 'utf8');
    const listed = new Map([...readme.matchAll(/^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$/gm)].map((m) => [m[1]!, m[2]!]));
    const files = readdirSync(goldenDir).filter((f) => f !== 'README.md').sort();
    expect([...listed.keys()].sort()).toEqual(files);
    for (const f of files) expect(createHash('sha256').update(readFileSync(join(goldenDir, f))).digest('hex'), f).toBe(listed.get(f));
  });
});
