import { expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { unescapeTrace } from '../src/serializers/trace.js';
import { defaultProblems } from '../src/solver/problems.js';
import type { SolverName } from '../src/solver/registry.js';
import { firstCounterDisagreement } from '../src/tokens/check.js';
import { testSettings } from './helpers.js';

/**
 * Texts compared per solver: 25,000 (100,000 in all) with COUNTDOWN_TRACES_FULL_COUNTER=1,
 * which CI sets (.ci/run); 2,500 by default, so `npm test` stays within minutes (the full
 * tokenizer reads well under 1 MB/s).
 */
export const COUNTER_TEXTS = process.env.COUNTDOWN_TRACES_FULL_COUNTER === '1' ? 25_000 : 2_500;

/** The comparison for one solver, as a test (one file per solver, so they run on both cores). */
export function counterTest(solver: SolverName): void {
  it(`the fast counter equals the full tokenizer on ${COUNTER_TEXTS.toLocaleString('en-US')} real ${solver} thread texts`, () => {
    const { checked, disagreement } = counterAgreesOnRealTexts(solver, COUNTER_TEXTS);
    expect(checked).toBeGreaterThanOrEqual(COUNTER_TEXTS);
    expect(disagreement).toBeUndefined();
  }, 900_000);
}

/**
 * Real thread texts from one solver, as a trainer reads them (conditioning prefix
 * included), `count` of them, compared between the fast counter and the full tokenizer.
 */
function counterAgreesOnRealTexts(solver: SolverName, count: number): { checked: number; disagreement: unknown } {
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
