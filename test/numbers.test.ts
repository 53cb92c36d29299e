import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmtBytes, fmtInt, fmtTenths, percent, plural } from '../src/io/numbers.js';

// The figures are grouped by hand (toLocaleString's first call loads ICU's data); they must read
// exactly as en-US writes them, but for negative zero, which is written without its sign.
const enUS = (n: number) => n.toLocaleString('en-US');
const enUSTenths = (n: number) => n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });

describe('figures as people read them', () => {
  it('fmtInt writes what en-US writes for the rounded number', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.double({ min: -1e16, max: 1e16, noNaN: true }), fc.maxSafeInteger(), fc.double()), (n) => {
        const whole = Math.round(n);
        expect(fmtInt(n)).toBe(Object.is(whole, -0) ? '0' : enUS(whole));
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 7, 999, 1000, 4096, 12345, 1234567, -1234, 1e15, Number.MAX_SAFE_INTEGER, 1e20, 1e21, -1e22, Infinity, NaN]) expect(fmtInt(n)).toBe(enUS(n));
  });

  it('fmtTenths writes what en-US writes with one decimal, halves away from zero included', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ min: -1e12, max: 1e12, noNaN: true }), fc.integer().map((k) => k / 20), fc.double()), (n) => {
        const text = enUSTenths(n);
        expect(fmtTenths(n)).toBe(text === '-0.0' ? '0.0' : text);
      }),
      { numRuns: 2000 },
    );
    expect([0.05, 0.25, 1330.45, 1330.5, 999.95, 12345.678].map(fmtTenths)).toEqual(['0.1', '0.3', '1,330.5', '1,330.5', '1,000.0', '12,345.7']);
    // Where String writes no exponent but the figure is past 1e20, and where it writes one.
    for (const n of [1e20, 123456789012345680000, 1e21, -1e22, Infinity, NaN]) expect(fmtTenths(n)).toBe(enUSTenths(n));
  });

  it('fmtBytes: MB with one decimal below 1e9, GB with two (and thousands separators) from there (a corpus said 1041.0 MB)', () => {
    expect([0, 467_049_999, 999_900_000].map(fmtBytes)).toEqual(['0.0 MB', '467.0 MB', '999.9 MB']);
    expect([1e9, 1_041_000_000, 1_234_567e6].map(fmtBytes)).toEqual(['1.00 GB', '1.04 GB', '1,234.57 GB']);
    // What rounds to 1,000.0 MB is 1.00 GB.
    expect([999_949_999, 999_950_000, 999_999_999].map(fmtBytes)).toEqual(['999.9 MB', '1.00 GB', '1.00 GB']);
  });

  it('percent and plural', () => {
    expect(percent(1, 8)).toBe('12.5');
    expect(percent(3, 0)).toBe('0.0');
    expect(plural(1, 'thread')).toBe('1 thread');
    expect(plural(1024, 'thread')).toBe('1,024 threads');
  });
});
