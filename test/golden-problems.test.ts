import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { problemRecord } from '../src/serializers/problem.js';
import { pyJson } from '../src/serializers/pyjson.js';
import { referenceProblems } from '../src/solver/problems.js';
import { goldenPath } from './helpers.js';

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
