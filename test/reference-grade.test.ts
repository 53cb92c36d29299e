import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { referenceAprSolved, referenceRating } from '../src/verify/reference-grade.js';
import { goldenPath } from './helpers.js';

/** What the reference's own evaluation said of each text (bench/reference/reference-grades.py; provenance in the folder's README). */
interface Case {
  readonly nums: number[];
  readonly target: number;
  readonly text: string;
  readonly sosp: { rating: number; verdict: string } | { raises: string };
  readonly apr: boolean | { raises: string };
}

const cases = gunzipSync(readFileSync(goldenPath('reference-grades.jsonl.gz')))
  .toString('utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Case);

/** Python words an eval() failure itself (and differently by version): only int()'s and a division by zero are compared whole. */
const EVAL_ERROR = /^(Error in evaluating operation [^\n]*?): (?!invalid literal for int\(\)|division by zero|float division by zero)/;
const comparable = (verdict: string) => EVAL_ERROR.exec(verdict)?.[1] ?? verdict;

describe("the reference's evaluation, reproduced", () => {
  it('holds enough of each outcome to mean something', () => {
    expect(cases.length).toBeGreaterThan(800);
    const verdicts = cases.map((c) => ('verdict' in c.sosp ? c.sosp.verdict : `raises ${c.sosp.raises}`));
    for (const v of ['Valid path.', 'No goal reached statement found.', 'Invalid path: no summarized answer.', 'raises IndexError', 'raises UnboundLocalError', 'Could not split operation into lhs, rhs']) {
      expect(verdicts, v).toContain(v);
    }
    expect(verdicts.some((v) => v.startsWith('Error in evaluating operation'))).toBe(true);
    expect(verdicts.some((v) => / not available in \[/.test(v))).toBe(true);
    expect(cases.filter((c) => 'verdict' in c.sosp && c.sosp.rating > 0).length).toBeGreaterThan(50);
    expect(cases.filter((c) => c.apr === true).length).toBeGreaterThan(100);
    expect(cases.filter((c) => c.apr === false).length).toBeGreaterThan(100);
  });

  it("metric_fn (eval_sosp.py): the same rating and verdict for every text, or the same exception", () => {
    for (const [k, c] of cases.entries()) {
      const got = referenceRating(c.text);
      if ('raises' in c.sosp) {
        expect(got, `case ${k}`).toEqual({ kind: 'raises', exception: c.sosp.raises });
      } else {
        expect(got.kind, `case ${k}`).toBe('rated');
        if (got.kind !== 'rated') continue;
        expect(got.rating, `case ${k}`).toBe(c.sosp.rating);
        expect(comparable(got.verdict), `case ${k}`).toBe(comparable(c.sosp.verdict));
      }
    }
  });

  it("eval_apr.py's true success (get_search_result, check_solution): the same for every text, or the same exception", () => {
    for (const [k, c] of cases.entries()) {
      const got = referenceAprSolved(c.nums, c.target, c.text);
      expect(got, `case ${k}`).toEqual(typeof c.apr === 'boolean' ? { kind: 'judged', solved: c.apr } : { kind: 'raises', exception: c.apr.raises });
    }
  });

  it('says unsupported rather than guess: a text that is not ASCII, an expression outside + - * / and parentheses', () => {
    // A solved text of two steps, its clean path after the goal; `op` makes 7 of 3 and 4.
    const step = (op: string) =>
      `Current State: 10:[3, 4, 3], Operations: []\nExploring Operation: ${op}=7, Resulting Numbers: [3, 7]\nGenerated Node #2: [3, 7] from Operation: ${op}=7\n` +
      `Current State: 10:[3, 7], Operations: ['${op}=7']\nExploring Operation: 3+7=10, Resulting Numbers: [10]\n10,10 equal: Goal Reached\n`;
    const text = (op: string) => step(op) + step(op);
    // int() strips C's whitespace only (str.strip also takes \x1c): as Python 3.11 words it.
    const spaced = (end: string) => step('3+4') + step('3+4').replace("['3+4=7']", `['3+4=7${end}']`);
    expect(referenceRating(spaced(' ')).kind === 'rated' && referenceRating(spaced(' '))).toMatchObject({ verdict: 'Valid path.' });
    expect(referenceRating(spaced('\x1c'))).toEqual({ kind: 'rated', rating: 0, verdict: "Error in evaluating operation 3+4=7\x1c: invalid literal for int() with base 10: '7\\x1c'" });
    // As Python 3.11 rates it: 1 - 5/48.
    expect(referenceRating(text('3+4'))).toEqual({ kind: 'rated', rating: 0.8958333333333334, verdict: 'Valid path.' });
    // As Python parses before it computes: a syntax error comes before a division by zero.
    const other = (op: string) => text('3+4').replace(/3\+4=7/g, `${op}=7`);
    expect(referenceRating(other('1/0)'))).toMatchObject({ rating: 0, verdict: expect.stringMatching(/^Error in evaluating operation 1\/0\)=7: (?!division)/) });
    expect(referenceRating(other('1/0')).kind === 'rated' && referenceRating(other('1/0'))).toMatchObject({ verdict: 'Error in evaluating operation 1/0=7: division by zero' });
    // Past what Python versions agree on, or what is not arithmetic: a call, 201 nested parentheses, 4,301 digits.
    for (const op of ['1/0(0)', `${'('.repeat(201)}3+4${')'.repeat(201)}`, `${'-'.repeat(100_000)}3+4`, `3+${'4'.repeat(4301)}`]) {
      expect(referenceRating(other(op)).kind, op.slice(0, 20)).toBe('unsupported');
    }
    // check_solution strips each resulting number (str.strip takes \x1f); a negative target never matches its prefix.
    const fs = text('3+4').replace(/Resulting Numbers: \[3, 7\]/g, 'Resulting Numbers: [3,\x1f7]');
    expect(referenceAprSolved([3, 4, 3], 10, fs)).toEqual({ kind: 'judged', solved: true });
    expect(referenceAprSolved([10], 10, 'Goal Reached\nGoal Reached\n')).toEqual({ kind: 'judged', solved: true });
    expect(referenceAprSolved([-10], -10, 'Goal Reached\nGoal Reached\n')).toEqual({ kind: 'judged', solved: false });
    expect(referenceAprSolved([3, 4, 3], 1.5, text('3+4')).kind).toBe('unsupported');
    expect(referenceRating(text('3**1+4')).kind).toBe('unsupported');
    expect(referenceRating(text('3 + 4')).kind).toBe('unsupported');
    expect(referenceRating(text('3+4').replace('Goal', 'G\u00f6al')).kind).toBe('unsupported');
    expect(referenceAprSolved([3, 4], 7, `${text('3+4')}\u00e9`).kind).toBe('unsupported');
  });
});
