/**
 * Counts of non-negative integers (token counts, thread counts) in bounded memory: exact
 * while the values are few, then in buckets that double in width whenever there would be
 * more than `maxBuckets`, so a corpus of any size costs at most that many entries.
 */
/**
 * Where bins of `width` start so that one ends at the window (a sequence of exactly the
 * window's length fits, and no bin holds both sides of it); exact only while the counts are
 * (resolution 1), else 0.
 */
export function windowAligned(window: number | undefined, width: number, resolution: number): number {
  return window !== undefined && resolution === 1 ? (window + 1) % width : 0;
}

export class Histogram {
  private counts = new Map<number, number>();
  /** Width of a bucket; 1 means every value is counted exactly. */
  private unit = 1;
  private n = 0;
  private sum = 0;
  private lo = Infinity;
  private hi = -Infinity;

  constructor(private readonly maxBuckets = 4096) {}

  add(value: number, times = 1): void {
    const v = Math.max(0, Math.round(value));
    const b = Math.floor(v / this.unit);
    this.counts.set(b, (this.counts.get(b) ?? 0) + times);
    this.n += times;
    this.sum += v * times;
    if (v < this.lo) this.lo = v;
    if (v > this.hi) this.hi = v;
    while (this.counts.size > this.maxBuckets) this.coarsen();
  }

  private coarsen(): void {
    const next = new Map<number, number>();
    for (const [b, c] of this.counts) next.set(Math.floor(b / 2), (next.get(Math.floor(b / 2)) ?? 0) + c);
    this.counts = next;
    this.unit *= 2;
  }

  /** Width of the buckets counts are kept in (1 while exact). */
  get resolution(): number {
    return this.unit;
  }

  get count(): number {
    return this.n;
  }

  get mean(): number {
    return this.n === 0 ? NaN : this.sum / this.n;
  }

  get total(): number {
    return this.sum;
  }

  get min(): number {
    return this.n === 0 ? NaN : this.lo;
  }

  get max(): number {
    return this.n === 0 ? NaN : this.hi;
  }

  /** The q-quantile (0..1); exact while unit is 1, otherwise the middle of its bucket. */
  quantile(q: number): number {
    if (this.n === 0) return NaN;
    const rank = Math.max(1, Math.ceil(q * this.n));
    let seen = 0;
    for (const [b, c] of [...this.counts].sort((x, y) => x[0] - y[0])) {
      seen += c;
      if (seen >= rank) return this.unit === 1 ? b : Math.min(this.hi, b * this.unit + Math.floor(this.unit / 2));
    }
    return this.hi;
  }

  /** How many values are above `limit` (exact when limit + 1 starts a bucket). */
  countAbove(limit: number): number {
    let k = 0;
    for (const [b, c] of this.counts) if (b * this.unit > limit) k += c;
    return k;
  }

  /**
   * Counts regrouped into bins of `width` (a multiple of the unit when possible), ascending;
   * bins start at `from` plus a multiple of the width (`from` is exact only while unit is 1);
   * the first bin, when `from` cuts it short, starts at 0.
   */
  bins(width: number, from = 0): Array<{ start: number; end: number; count: number }> {
    const w = Math.max(width, this.unit);
    const grouped = new Map<number, number>();
    for (const [b, c] of this.counts) {
      const start = Math.floor((b * this.unit - from) / w) * w + from;
      grouped.set(start, (grouped.get(start) ?? 0) + c);
    }
    return [...grouped].sort((x, y) => x[0] - y[0]).map(([start, count]) => ({ start: Math.max(0, start), end: start + w, count }));
  }

  /** Exact values and counts (only meaningful while unit is 1: small integer ranges). */
  values(): Array<{ value: number; count: number }> {
    return [...this.counts].sort((x, y) => x[0] - y[0]).map(([b, count]) => ({ value: b * this.unit, count }));
  }
}
