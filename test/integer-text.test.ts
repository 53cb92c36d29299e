import { describe, expect, it } from 'vitest';
import { indexOfCount, integer } from '../src/cli/parse.js';
import { integerTextFault } from '../src/core/values.js';
import { resolveShard } from '../src/pipeline/corpus/shard.js';

describe('an integer as an option writes it', () => {
  it('takes plain decimal digits, 0, and a minus before a nonzero number', () => {
    for (const text of ['0', '7', '10', '1000', '-1', '-250']) {
      expect(integerTextFault(text)).toBeUndefined();
      expect(integer('--n')(text)).toBe(Number(text));
    }
  });

  it('names the form it refuses: a + sign, blanks, a leading zero, a sign on 0', () => {
    const cases: [string, string][] = [
      ['+5', 'without a + sign'],
      [' 7', 'without blanks around it'],
      ['7 ', 'without blanks around it'],
      ['010', 'without a leading zero'],
      ['00', 'without a leading zero'],
      ['-07', 'without a leading zero'],
      ['-0', 'without a sign on 0'],
    ];
    for (const [text, why] of cases) {
      expect(integerTextFault(text)).toBe(why);
      expect(() => integer('--n')(text)).toThrow(`--n: expected an integer ${why}, got "${text}"`);
    }
  });

  it('refuses what is no integer at all', () => {
    for (const text of ['', ' ', 'abc', '1e3', '0x10', '5.0', '5.', '1,000', '1_000', '+', '-', '--1', '+-1', 'Infinity', '٣']) {
      expect(integerTextFault(text)).toBe('');
      expect(() => integer('--n')(text)).toThrow(`--n: expected an integer, got "${text}"`);
    }
  });

  it('keeps the range after the form: a minus meets the minimum, digits past 2^53 are too large', () => {
    expect(() => integer('--seed', 0)('-3')).toThrow('--seed: must be at least 0, got -3');
    expect(() => integer('--n', 0, 8)('9')).toThrow('--n: must be at most 8, got 9');
    expect(() => integer('--n')('99999999999999999999')).toThrow('--n: 99999999999999999999 is too large');
  });

  it('reads both halves of INDEX/COUNT by the same rule', () => {
    expect(indexOfCount('--shard')('3/8')).toEqual({ index: 3, count: 8 });
    for (const text of ['+1/8', '1/08', ' 1/8', '1/ 8', '1/8 ', '-0/8']) {
      expect(() => indexOfCount('--shard')(text)).toThrow(`--shard: expected INDEX/COUNT such as 0/8, got "${text}"`);
    }
  });

  it("reads a scheduler's shard index by the same rule, a minus refused", () => {
    expect(resolveShard(undefined, 4, { JOB_COMPLETION_INDEX: '3' }).shard).toEqual({ index: 3, count: 4 });
    for (const bad of ['+1', '01', ' 1', '-1', '1.0']) {
      expect(() => resolveShard(undefined, 4, { JOB_COMPLETION_INDEX: bad })).toThrow(`JOB_COMPLETION_INDEX: expected a non-negative integer, got "${bad}"`);
      expect(() => resolveShard(undefined, undefined, { SLURM_ARRAY_TASK_ID: bad, SLURM_ARRAY_TASK_COUNT: '4' })).toThrow(`SLURM_ARRAY_TASK_ID: expected a non-negative integer, got "${bad}"`);
    }
  });
});
