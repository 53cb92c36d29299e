import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { problemRecord } from '../src/serializers/problem.js';
import { pyJson } from '../src/serializers/pyjson.js';
import { defaultProblems, splitOf } from '../src/solver/problems.js';
import { repoRoot } from './helpers.js';

describe('data/val.json', () => {
  it('is exactly what its documented command writes', () => {
    // countdown-traces problems --split val --count 1000 --seed 42 --out data/val.json
    const spec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const records = [...defaultProblems(42, 'val', spec, 1000, new Set())].map((p) => pyJson(problemRecord(p, 'default')));
    const expected = `[\n${records.join(',\n')}\n]\n`;
    expect(readFileSync(join(repoRoot, 'data', 'val.json'), 'utf8')).toBe(expected);
  });

  it('holds only val-split problems, so no default-mode train set can contain one', () => {
    const val = JSON.parse(readFileSync(join(repoRoot, 'data', 'val.json'), 'utf8')) as Array<{ nums: number[]; target: number }>;
    expect(val).toHaveLength(1000);
    expect(val.every((p) => splitOf(p.nums, p.target) === 'val')).toBe(true);
  });
});
