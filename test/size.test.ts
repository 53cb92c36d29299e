import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { size } from '../src/cli/parse.js';
import { formatSize } from '../src/pipeline/corpus/options.js';

describe('--max-file-size: sizes with units', () => {
  const parse = size('--max-file-size');

  it('reads decimal and binary units, any case, fractions, and bare bytes', () => {
    expect(parse('500MB')).toBe(500_000_000);
    expect(parse('1GB')).toBe(1_000_000_000);
    expect(parse('1gib')).toBe(2 ** 30);
    expect(parse('1.5 KiB')).toBe(1536);
    expect(parse('1234')).toBe(1234);
    expect(parse('0')).toBe(0);
  });

  it('refuses what is not a size, naming the option', () => {
    for (const bad of ['', 'MB', '-1MB', '5XB', '1e3', '1,000']) expect(() => parse(bad)).toThrow(/^--max-file-size: expected a size such as 500MB/);
    // A fraction of a byte was kept as its whole part (1.5 recorded as 1).
    for (const bad of ['1.5', '2.5B', '1.5 b']) expect(() => parse(bad)).toThrow(/^--max-file-size: .* is not a whole number of bytes/);
  });

  it('writes a size back so that it reads as the same number of bytes, in its largest whole unit', () => {
    fc.assert(fc.property(fc.nat(), fc.constantFrom(1, 1000, 1024, 1e6, 2 ** 20), (n, unit) => parse(formatSize(n * unit)) === n * unit));
    expect(formatSize(500_000_000)).toBe('500MB');
    expect(formatSize(2 ** 31)).toBe('2GiB');
    expect(formatSize(1234)).toBe('1234B');
    expect(formatSize(0)).toBe('0');
  });
});
