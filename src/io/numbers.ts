/** Figures as people read them: one way for every card, report, table and message to write them. */

/** A whole number with thousands separators (`1,234`), a fraction rounded to the nearest. */
export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A figure with one decimal and thousands separators, as fmtInt writes whole ones (`1,330.5`). */
export function fmtTenths(n: number): string {
  return n.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
}

/** `part` as a percentage of `whole` with one decimal, no sign (`12.5`); `0.0` of nothing. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? ((100 * part) / whole).toFixed(1) : '0.0';
}

/** A count and its noun, plural but for one (`1 thread`, `1,024 threads`; `words` where it is not the noun and an s). */
export function plural(k: number, word: string, words = `${word}s`): string {
  return `${fmtInt(k)} ${k === 1 ? word : words}`;
}
