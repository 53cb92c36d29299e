import { performance } from 'node:perf_hooks';
import { problemRecord } from '../../serializers/problem.js';
import { pyJson } from '../../serializers/pyjson.js';
import { defaultCandidates, firstOf, type Problem, type ProblemSpec, type Split } from '../../solver/problems.js';
import { keyCodec, type ProblemCode } from './keys.js';
import { hints, Packer, type Packed, type ProblemResult } from './result.js';

/**
 * Problem records, drawn on a worker: each record's first candidate (the main thread
 * de-duplicates, drawing further candidates itself in the rare case of a collision). This
 * module stays clear of the search and the tokenizer, so the main thread can use it cheaply.
 */
export interface ProblemTask {
  readonly kind: 'problems';
  readonly seed: number;
  readonly split: Split;
  readonly spec: ProblemSpec;
  readonly start: number;
  readonly count: number;
  /** False for a shard's prefix: only the keys are needed. */
  readonly render: boolean;
}

/** The first candidate of a problem record's own stream (de-duplication is the caller's). */
export function firstCandidate(seed: number, split: Split, index: number, spec: ProblemSpec): Problem {
  return firstOf(defaultCandidates(seed, split, index, spec));
}

/** The line of a problem record, exactly as the `problems` command writes it. */
export function problemLine(p: Problem): string {
  return pyJson(problemRecord(p, 'default'));
}

export function problemsTask(t: ProblemTask): ProblemResult {
  const t0 = performance.now();
  const codec = keyCodec(t.spec);
  const numeric = codec.code([1, 1], t.spec.minTarget);
  const codes: Float64Array | string[] = typeof numeric === 'number' ? new Float64Array(t.count) : [];
  const startSize = new Uint8Array(t.count);
  const lines: string[] = [];
  for (let k = 0; k < t.count; k++) {
    const p = firstCandidate(t.seed, t.split, t.start + k, t.spec);
    const c: ProblemCode = codec.code(p.nums, p.target);
    if (codes instanceof Float64Array) codes[k] = c as number;
    else codes.push(String(c));
    startSize[k] = p.startSize;
    if (t.render) lines.push(problemLine(p));
  }
  const t1 = performance.now();
  let records: Packed | undefined;
  if (t.render) {
    const out = new Packer(hints.records);
    for (const line of lines) {
      out.ascii(line);
      out.newline();
      out.endRecord();
    }
    hints.records = Math.ceil(out.size * 1.1);
    records = out.done();
  }
  return { kind: 'problems', start: t.start, count: t.count, codes, startSize, records, makeMs: t1 - t0, packMs: performance.now() - t1 };
}
