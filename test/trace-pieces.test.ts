import llamaTokenizer from 'llama-tokenizer-js';
import { describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import { conditioningOf, qualify, type PartialSettings, type RecordSettings } from '../src/pipeline/settings.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { defaultProblems } from '../src/solver/problems.js';
import { solverNamed, SOLVERS } from '../src/solver/registry.js';
import { fullTokenizerBuilt } from '../src/tokens/llama.js';
import { FIRST_PIECE_TOKENS, PIECE_TOKENS } from '../src/tokens/trace-pieces.js';

/**
 * The counter starts with the counts of trace text's pieces, so that counting trace text never
 * builds the full tokenizer. Runs in a file of its own: the check needs a process that has not
 * built it yet (the second test builds it).
 */
describe('trace pieces: the counts the token counter starts with', () => {
  // Node 20 before 20.19 builds the full tokenizer on import (it cannot require an ES module).
  it.skipIf(!process.features.require_module)('the sequences of every solver, default and reference mode, every conditioning and fit, 4 to 6 numbers, count without the full tokenizer', () => {
    const spec = { minNumbers: 4, maxNumbers: 6, minTarget: 10, maxTarget: 100, maxNumber: 99 };
    const problems = [...defaultProblems(13, 'train', spec, 40, new Set())];
    let texts = 0;
    for (const solver of SOLVERS) {
      const variants: PartialSettings[] = [{}, { reference: true }, { window: 0 }, { condition: conditioningOf(solver) }, { heuristic: 'sum' }, { heuristic: 'random' }];
      if (solverNamed(solver).shape === 'sequence') variants.push({ fit: 'resample', heuristic: 'random' }, { fit: 'drop', window: 600 });
      for (const v of variants) {
        const settings: RecordSettings = { ...qualify(solver, v), countTokens: true };
        problems.forEach((p, i) => {
          const made = makeSearch(p, problemRecord(p, 'default'), streamFor(3, solver, i), settings);
          texts += made.sequences.length;
        });
      }
    }
    expect(texts).toBeGreaterThan(1000);
    expect(fullTokenizerBuilt()).toBe(false);
  });

  it('every count is the full tokenizer\'s (an opening piece with its preceding space)', () => {
    for (const [piece, tokens] of FIRST_PIECE_TOKENS) expect(llamaTokenizer.encode(piece, false).length, piece).toBe(tokens);
    for (const [piece, tokens] of PIECE_TOKENS) expect(llamaTokenizer.encode(piece, false, false).length, JSON.stringify(piece)).toBe(tokens);
    expect(new Set(PIECE_TOKENS.map(([p]) => p)).size).toBe(PIECE_TOKENS.length);
  });
});
