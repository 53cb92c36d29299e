import { makeSearch } from '../src/pipeline/make-record.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { unescapeTrace } from '../src/serializers/trace.js';
import { defaultProblems } from '../src/solver/problems.js';
import type { SolverName } from '../src/solver/strategies.js';
import { firstCounterDisagreement } from '../src/tokens/check.js';
import { testSettings } from './helpers.js';

/**
 * Real thread texts from one solver, as a trainer reads them (conditioning prefix
 * included), `count` of them, compared between the fast counter and the full tokenizer.
 * Split by solver into four test files so they run on both cores.
 */
export function counterAgreesOnRealTexts(solver: SolverName, count: number): { checked: number; disagreement: unknown } {
  const apr = solver === 'apr';
  const settings = testSettings(solver, 4096, { heuristic: 'random' }, apr ? 'sub-call-budget' : 'token-budget', false);
  const spec = { minNumbers: 3, maxNumbers: apr ? 4 : 3, minTarget: 10, maxTarget: 100, maxNumber: 99 };
  const texts: string[] = [];
  let index = 0;
  for (const p of defaultProblems(17, 'train', spec, 1_000_000, new Set())) {
    const made = makeSearch(p, problemRecord(p, 'default'), streamFor(17, solver, index++), settings);
    for (const q of made.sequences) {
      texts.push(q.prefix + unescapeTrace(q.info.parts.map(([b, from, to]) => b.toString(from, to)).join('')));
    }
    if (texts.length >= count) break;
  }
  return { checked: texts.length, disagreement: firstCounterDisagreement(texts) };
}
