import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeSearch } from '../src/pipeline/make-record.js';
import type { PartialSettings, RecordSettings } from '../src/pipeline/settings.js';
import { streamFor } from '../src/random/streams.js';
import { problemRecord } from '../src/serializers/problem.js';
import { unescapeTrace } from '../src/serializers/trace.js';
import type { Conditioning } from '../src/records/conditioning-prefix.js';
import { defaultProblems, type Problem } from '../src/solver/problems.js';
import type { SolverName } from '../src/solver/registry.js';
import { countTextTokens } from '../src/tokens/llama.js';
import { verifyRecord } from '../src/verify/index.js';
import { testSettings } from './helpers.js';
import { WindowTooSmall } from '../src/solver/window.js';

/** Every sequence's text as a trainer sees it, with its full length counted from scratch. */
function sequences(p: Problem, index: number, s: RecordSettings) {
  const made = makeSearch(p, problemRecord(p, 'default'), streamFor(11, s.options.solver, index), s);
  const record = JSON.parse(Buffer.from(made.json).toString('latin1')) as Record<string, unknown>;
  return {
    record,
    made,
    texts: made.sequences.map((q) => {
      const body = q.info.parts.map(([b, from, to]) => b.toString(from, to)).join('');
      return { text: q.prefix + unescapeTrace(body), claimed: q.tokens };
    }),
  };
}

const spec = (min: number, max: number) => ({ minNumbers: min, maxNumbers: max, minTarget: 10, maxTarget: 100, maxNumber: 99 });

describe('the window guarantee (default mode)', () => {
  const cases: Array<[SolverName, number, number, PartialSettings, Conditioning]> = [
    ['apr', 4096, 1, {}, 'none'],
    ['apr', 1024, 1, {}, 'sub-call-budget'],
    ['apr', 700, 2, { maxDepth: 2, maxBeam: 4, maxSubBeam: 5 }, 'none'],
    ['apr', 600, 3, { maxDepth: 3, maxBeam: 3, maxSubBeam: 4 }, 'sub-call-budget'],
    ['sosp', 1024, 1, {}, 'token-budget'],
    ['sosp', 4096, 1, { fit: 'resample' }, 'none'],
    ['dfs', 600, 1, { heuristic: 'sum' }, 'none'],
    ['bfs', 600, 1, {}, 'token-budget'],
  ];
  for (const [solver, window, , extra, condition] of cases) {
    it(`${solver}, window ${window}, ${JSON.stringify(extra)}, ${condition}: every sequence fits, counted afresh`, () => {
      const problems = [...defaultProblems(3, 'train', spec(3, 5), 60, new Set())];
      let total = 0;
      problems.forEach((p, i) => {
        const { texts, made, record } = sequences(p, i, testSettings(solver, window, extra, condition));
        expect(made.overflows).toBe(0);
        expect(verifyRecord(record), `record ${i}`).toEqual([]);
        for (const { text, claimed } of texts) {
          const tokens = countTextTokens(text) + 2;
          expect(tokens).toBe(claimed);
          expect(tokens).toBeLessThanOrEqual(window);
          total++;
        }
      });
      expect(total).toBeGreaterThan(0);
    });
  }

  it('a small window makes APR hand work to children, and deeper nesting when allowed', () => {
    const problems = [...defaultProblems(4, 'train', spec(5, 5), 30, new Set())];
    let deep = 0;
    problems.forEach((p, i) => {
      const { texts } = sequences(p, i, testSettings('apr', 1000, { maxDepth: 2, maxBeam: 6, maxSubBeam: 6 }));
      if (texts.some((t) => t.text.includes('<Start Sub Search 0 at level 2>'))) deep++;
    });
    expect(deep).toBeGreaterThan(0);
  });

  it('property: random problems and windows never overflow', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000 }),
        fc.constantFrom<SolverName>('apr', 'sosp', 'bfs'),
        fc.integer({ min: 300, max: 3000 }),
        (index, solver, window) => {
          const [p] = [...defaultProblems(index, 'train', spec(3, 4), 1, new Set())];
          let texts: ReturnType<typeof sequences>['texts'];
          try {
            texts = sequences(p!, index, testSettings(solver, window)).texts;
          } catch (err) {
            // A window that cannot hold the first expansion is refused, never overflowed.
            expect(err).toBeInstanceOf(WindowTooSmall);
            return;
          }
          for (const { text } of texts) expect(countTextTokens(text) + 2).toBeLessThanOrEqual(window);
        },
      ),
      { numRuns: 60, seed: 5 },
    );
  });

  it('in bulk: 1,500 records per single-sequence solver at tight windows, none over and all verified', () => {
    const problems = [...defaultProblems(12, 'train', spec(4, 4), 1500, new Set())];
    for (const [solver, window] of [['sosp', 1500], ['dfs', 900], ['bfs', 900]] as const) {
      let stopped = 0;
      problems.forEach((p, i) => {
        const s = testSettings(solver, window, solver === 'dfs' ? { heuristic: 'sum' } : {});
        const made = makeSearch(p, problemRecord(p, 'default'), streamFor(13, solver, i), s);
        expect(made.overflows, `${solver} record ${i}`).toBe(0);
        if (made.outOfBudget) stopped++;
        const issues = verifyRecord(JSON.parse(Buffer.from(made.json).toString('latin1')));
        expect(issues, `${solver} record ${i}`).toEqual([]);
      });
      expect(stopped).toBeGreaterThan(0);
    }
  });

  it('sub-call-budget names the number of child threads the root spawned', () => {
    const problems = [...defaultProblems(8, 'train', spec(4, 4), 20, new Set())];
    problems.forEach((p, i) => {
      const { texts, made } = sequences(p, i, testSettings('apr', 4096, {}, 'sub-call-budget'));
      for (const t of texts.filter((x) => x.text.startsWith('Sub Call Budget'))) {
        expect(t.text.startsWith(`Sub Call Budget: ${made.children} Moving to Node #0\n`)).toBe(true);
      }
    });
  });

  it('token-budget is the smallest multiple of 512 not below the trace', () => {
    const problems = [...defaultProblems(9, 'train', spec(4, 4), 20, new Set())];
    problems.forEach((p, i) => {
      const { texts } = sequences(p, i, testSettings('sosp', 4096, {}, 'token-budget'));
      const m = /^Token Budget: (\d+) /.exec(texts[0]!.text)!;
      const own = countTextTokens(texts[0]!.text.slice(m[0].length)) + 2;
      expect(Number(m[1])).toBe(Math.max(512, Math.ceil(own / 512) * 512));
    });
  });

  it('records carry the reference token fields', () => {
    const [p] = [...defaultProblems(2, 'train', spec(4, 4), 1, new Set())];
    const { record } = sequences(p!, 0, testSettings('apr', 4096));
    for (const k of ['token_count', 'longest_seq_token_count', 'avg_seq_token_count', 'avg_sub_seq_token_count', 'sub_call_count']) {
      expect(record).toHaveProperty(k);
    }
  });
});
