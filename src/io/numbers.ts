/** Figures as people read them: one way for every card, report, table and message to write them. */

// Written by hand, not with toLocaleString: its first call loads ICU's locale data, about 12 ms
// of every command that prints a summary line (a test holds both to the same text). Past 1e21,
// where String writes an exponent, and for Infinity (no figure of a run), en-US writes them.

/** Thousands separators in the digits of a whole, non-negative figure. */
function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+$)/g, ',');
}

/** A whole number with thousands separators (`1,234`), a fraction rounded to the nearest. */
export function fmtInt(n: number): string {
  const whole = Math.round(n);
  if (!(Math.abs(whole) < 1e21)) return whole.toLocaleString('en-US');
  return whole < 0 ? `-${groupDigits(String(-whole))}` : groupDigits(String(whole));
}

/** A figure with one decimal and thousands separators, as fmtInt writes whole ones (`1,330.5`). */
export function fmtTenths(n: number): string {
  if (!(Math.abs(n) < 1e21)) return n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  // Rounded half away from zero on the shortest decimal that reads back as n (`22444491.45` to
  // `.5`), as en-US does, where toFixed would round the binary value below it (to `.4`).
  const shortest = String(Math.abs(n));
  const [whole = '0', fraction = ''] = shortest.includes('e') ? ['0'] : shortest.split('.');
  let tenths = BigInt(whole + (fraction[0] ?? '0'));
  if ((fraction[1] ?? '0') >= '5') tenths += 1n;
  const digits = tenths.toString().padStart(2, '0');
  const text = `${groupDigits(digits.slice(0, -1))}.${digits.slice(-1)}`;
  return n < 0 && text !== '0.0' ? `-${text}` : text;
}

/** A file's size in bytes as MB with one decimal (`467.0 MB`), from what rounds to 1,000.0 MB up as GB with two (`1.04 GB`). */
export function fmtBytes(n: number): string {
  if (n < 999_950_000) return `${fmtTenths(n / 1e6)} MB`;
  const [whole = '', hundredths] = (n / 1e9).toFixed(2).split('.');
  return `${groupDigits(whole)}.${hundredths} GB`;
}

/** `part` as a percentage of `whole` with one decimal, no sign (`12.5`); `0.0` of nothing. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0';
}

/** A count and its noun, plural but for one (`1 thread`, `1,024 threads`; `words` where it is not the noun and an s). */
export function plural(k: number, word: string, words = `${word}s`): string {
  return `${fmtInt(k)} ${noun(k, word, words)}`;
}

/** The noun alone, as plural writes it after `k`: for a figure written otherwise (a mean, `1.5 threads`, `1 thread`). */
export function noun(k: number, word: string, words = `${word}s`): string {
  return k === 1 ? word : words;
}
