import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { toProblem } from '../src/pipeline/problems-file.js';
import { PythonRandom } from '../src/random/python.js';
import { makeSearch } from '../src/pipeline/make-record.js';
import { flagsReadBy, qualify, type PartialSettings } from '../src/pipeline/settings.js';
import type { SolverName } from '../src/solver/registry.js';
import { goldenPath } from './helpers.js';

const goldenLines = (name: string) => readFileSync(goldenPath(name), 'utf8').split('\n').filter(Boolean);

function referenceRun(problemsFile: string, seed: number, o: { solver: SolverName } & Pick<PartialSettings, 'minBeam' | 'maxBeam' | 'maxSubBeam' | 'promising'>) {
  const rng = new PythonRandom(seed);
  const { solver, ...flags } = o;
  const settings = qualify(solver, { ...flagsReadBy(solver, flags), reference: true });
  return goldenLines(problemsFile).map((line, i) => {
    const { problem, record } = toProblem(JSON.parse(line), problemsFile, i + 1);
    // The same call `search --compat reference` makes: one generator for the whole file.
    return Buffer.from(makeSearch(problem, record, rng, settings).json).toString('latin1');
  });
}

describe('reference-mode searches equal the golden records byte for byte', () => {
  const cases = [
    {
      gold: 'sosp_s0_beam5_on_problems_s42.jsonl',
      problems: 'problems_s42_n200_k4_t100.jsonl',
      seed: 0,
      o: { solver: 'sosp', minBeam: 1, maxBeam: 5, maxSubBeam: 5, promising: 0.5 },
    },
    {
      gold: 'sosp_s3_beam3_on_problems_s7.jsonl',
      problems: 'problems_s7_n100_k3-5_t50.jsonl',
      seed: 3,
      o: { solver: 'sosp', minBeam: 1, maxBeam: 3, maxSubBeam: 3, promising: 0.5 },
    },
    {
      gold: 'apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl',
      problems: 'problems_s42_n200_k4_t100.jsonl',
      seed: 42,
      o: { solver: 'apr', minBeam: 1, maxBeam: 10, maxSubBeam: 15, promising: 0.9 },
    },
    {
      gold: 'apr_s5_beam2-6_sub8_p0.5_on_problems_s7.jsonl',
      problems: 'problems_s7_n100_k3-5_t50.jsonl',
      seed: 5,
      o: { solver: 'apr', minBeam: 2, maxBeam: 6, maxSubBeam: 8, promising: 0.5 },
    },
  ] as const;
  for (const c of cases) {
    it(c.gold, () => {
      const ours = referenceRun(c.problems, c.seed, c.o);
      const gold = goldenLines(c.gold);
      expect(ours.length).toBe(gold.length);
      for (let i = 0; i < gold.length; i++) expect(ours[i], `record ${i}`).toBe(gold[i]);
    });
  }
});
