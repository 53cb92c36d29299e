import { describe, expect, it } from 'vitest';
import { indexOfCount, probability, seconds, size } from '../src/cli/parse.js';
import { decimalTextFault, integer, integerTextFault, sizeTextFault } from '../src/core/values.js';
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

describe('a decimal number as an option writes it: its whole part as an integer', () => {
  const promising = probability('--promising');

  it('takes JSON numbers: 0.5, 0.9, 1, 0, a trailing zero, -0.5 for the range to refuse, and exponents as JavaScript or Python print them', () => {
    for (const text of ['0', '1', '0.5', '0.9', '0.50', '1.0', '12', '10.25', '1e-7', '1E-7', '2.5e-3', '1e20', '1e+21', '1e-07', '-0.5', '-2']) {
      expect(decimalTextFault(text)).toBeUndefined();
    }
    expect(promising('0.9')).toBe(0.9);
    expect(promising('1e-7')).toBe(1e-7);
    expect(promising('0.50')).toBe(0.5);
    expect(seconds('--checkpoint-interval', 86_400)('2.5')).toBe(2.5);
    expect(seconds('--checkpoint-interval', 86_400)('0')).toBe(0);
  });

  it('names the form it refuses: a + sign, blanks, a leading zero, a sign on 0, a bare point', () => {
    const cases: [string, string][] = [
      ['+0.5', 'without a + sign'],
      ['+1', 'without a + sign'],
      [' 0.5', 'without blanks around it'],
      ['0.5 ', 'without blanks around it'],
      ['00.5', 'without a leading zero'],
      ['05', 'without a leading zero'],
      ['-00.5', 'without a leading zero'],
      ['-0', 'without a sign on 0'],
      ['-0.0', 'without a sign on 0'],
      ['-0e3', 'without a sign on 0'],
      ['.5', 'with a 0 before its point'],
      ['+.5', 'with a 0 before its point'],
      ['5.', 'with a digit after its point'],
      ['1.e-7', 'with a digit after its point'],
    ];
    for (const [text, why] of cases) {
      expect(decimalTextFault(text)).toBe(why);
      expect(() => promising(text)).toThrow(`--promising: expected a probability between 0 and 1 ${why}, got "${text}"`);
      expect(() => seconds('--checkpoint-interval', 86_400)(text)).toThrow(`--checkpoint-interval: expected seconds (0 or more) ${why}, got "${text}"`);
    }
  });

  it('refuses what is no decimal number at all', () => {
    for (const text of ['', ' ', '.', 'abc', '0x1', '1e', '1e+', 'e5', '0.5.1', '1,5', '1_000', '+', '-', '--1', '+-1', 'Infinity', 'NaN', '0. 5', '٣']) {
      expect(decimalTextFault(text)).toBe('');
      expect(() => promising(text)).toThrow(`--promising: expected a probability between 0 and 1, got "${text}"`);
    }
  });

  it('keeps the range after the form: a minus and more than 1 are no probability', () => {
    for (const text of ['-0.5', '2', '1.01', '1e400']) expect(() => promising(text)).toThrow(`--promising: expected a probability between 0 and 1, got "${text}"`);
    expect(() => seconds('--checkpoint-interval', 86_400)('-1')).toThrow('--checkpoint-interval: expected seconds (0 or more), got "-1"');
    expect(() => seconds('--checkpoint-interval', 86_400)('1e20')).toThrow('--checkpoint-interval: must be at most 86400 seconds, got 1e20');
  });
});

describe('a size as an option writes it: its number as a decimal, then its unit', () => {
  const parse = size('--max-file-size');

  it('takes a number by the decimal rule, with or without one space before its unit', () => {
    for (const [text, bytes] of [['500MB', 500_000_000], ['0', 0], ['1234', 1234], ['1.5 KiB', 1536], ['0.5KB', 500], ['10GB', 10_000_000_000], ['1gib', 2 ** 30]] as const) {
      expect(sizeTextFault(text)).toBeUndefined();
      expect(parse(text)).toBe(bytes);
    }
  });

  it('names the form it refuses in the number: a + sign, blanks around, a leading zero, a bare point', () => {
    const cases: [string, string][] = [
      ['+500MB', 'without a + sign'],
      [' 500MB', 'without blanks around it'],
      ['500MB ', 'without blanks around it'],
      ['500 ', 'without blanks around it'],
      ['0500MB', 'without a leading zero'],
      ['00.5GB', 'without a leading zero'],
      ['.5GB', 'with a 0 before its point'],
      ['5.MB', 'with a digit after its point'],
    ];
    for (const [text, why] of cases) {
      expect(sizeTextFault(text)).toBe(why);
      expect(() => parse(text)).toThrow(`--max-file-size: expected a size such as 500MB or 1GB ${why}, got "${text}"`);
    }
  });

  it('refuses what is no size at all, with the units it knows (two faults at once among them, as for an integer)', () => {
    for (const text of [' 0500MB', '', 'MB', '-1MB', '-0MB', '1e3', '1e3MB', '1,000', '500  MB', '500\tMB', '500 M B', '5XB']) {
      expect(() => parse(text)).toThrow(/^--max-file-size: expected a size such as 500MB or 1GB \(units B, /);
    }
    for (const text of [' 0500MB', '', 'MB', '-1MB', '1e3', '1,000', '500  MB', '500\tMB']) expect(sizeTextFault(text)).toBe('');
  });
});
