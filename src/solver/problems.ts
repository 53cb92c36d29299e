import { problemKey, type Step } from '../core/countdown.js';
import { PythonRandom } from '../random/python.js';
import { choiceInRange, randint, type Rng } from '../random/rng.js';
import { streamFor } from '../random/streams.js';
import { solve } from './exact.js';

/** What problems to draw. Ranges are inclusive. */
export interface ProblemSpec {
  readonly minNumbers: number;
  readonly maxNumbers: number;
  readonly minTarget: number;
  readonly maxTarget: number;
  /** Largest starting number (the reference uses max_target - 1). */
  readonly maxNumber: number;
}

export type Split = 'train' | 'val';

/** A solvable problem and the exact solver's first-found solution. */
export interface Problem {
  readonly nums: readonly number[];
  readonly target: number;
  readonly solution: readonly Step[];
  readonly startSize: number;
}

/** How many number draws one candidate may take before the options are judged hopeless. */
export const MAX_DRAWS = 200_000;

export class ProblemSpaceError extends Error {}

/**
 * The reference's `generate_problem`: start size, target, then numbers until solvable.
 * `accept` (the reference's dedup set, when it has one) makes it redraw target and numbers.
 */
function drawProblem(rng: Rng, spec: ProblemSpec, accept?: (p: Problem) => boolean): Problem {
  const startSize = randint(rng, spec.minNumbers, spec.maxNumbers);
  const once = (): Problem => {
    const target = choiceInRange(rng, spec.minTarget, spec.maxTarget);
    for (let draws = 0; draws < MAX_DRAWS; draws++) {
      const nums = drawNums(rng, startSize, spec.maxNumber);
      const solution = solve(nums, target);
      if (solution) return { nums, target, solution, startSize };
    }
    throw hopeless(spec, startSize, target);
  };
  let p = once();
  if (accept) while (!accept(p)) p = once();
  return p;
}

function drawNums(rng: Rng, count: number, maxNumber: number): number[] {
  const nums = new Array<number>(count);
  for (let k = 0; k < count; k++) nums[k] = randint(rng, 1, maxNumber);
  return nums;
}

function hopeless(spec: ProblemSpec, size: number, target: number): ProblemSpaceError {
  return new ProblemSpaceError(
    `no solvable problem with ${size} numbers in 1..${spec.maxNumber} and target ${target} after ${MAX_DRAWS} draws; ` +
      `widen --max-number or narrow the target range`,
  );
}

/**
 * Reference mode: one Python-compatible generator seeded once, records drawn in order, as
 * the reference does with one worker. Like the reference, the train split is never
 * de-duplicated; problems listed in `exclude` are redrawn (its val and
 * `--existing_problems` behaviour). For val, the reference draws its train set first from
 * the same generator, so `trainCountBefore` train draws are replayed and discarded.
 */
export function* referenceProblems(
  seed: number,
  spec: ProblemSpec,
  count: number,
  exclude: ReadonlySet<string>,
  trainCountBefore = 0,
): Generator<Problem> {
  const rng = new PythonRandom(seed);
  for (let i = 0; i < trainCountBefore; i++) drawProblem(rng, spec);
  const accept = exclude.size > 0 ? (p: Problem) => !exclude.has(problemKey(p.nums, p.target)) : undefined;
  for (let i = 0; i < count; i++) yield drawProblem(rng, spec, accept);
}

/** Fraction of the problem space that belongs to the val split. */
export const VAL_SHARE = 1 / 64;

/**
 * The split a problem belongs to, from a fixed keyed hash of its sorted numbers and target:
 * a property of the problem, the same for every seed and set size, so a train set can never
 * hold a val problem.
 */
export function splitOf(nums: readonly number[], target: number): Split {
  // A sum of per-number hashes is the same for every order of the numbers: no sort needed.
  let h = mix(0x9e3779b9 ^ target) + nums.length;
  for (let k = 0; k < nums.length; k++) h = (h + mix(nums[k]! ^ 0x27d4eb2f)) | 0;
  return mix(h) >>> 0 < VAL_SHARE * 4294967296 ? 'val' : 'train';
}

/** murmur3's 32-bit finaliser after a multiply: a cheap, well-spread integer hash step. */
function mix(x: number): number {
  x = Math.imul(x ^ 0x5bd1e995, 0xcc9e2d51);
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}

/**
 * Default mode, record `index`: the candidates drawn from that record's own stream
 * (seed, split, index), each of the requested split and solvable. The first candidate not
 * excluded and not taken by an earlier record becomes the record, so a record depends only
 * on (seed, options, index) and on the records before it, never on how work was split.
 */
export function* defaultCandidates(seed: number, split: Split, index: number, spec: ProblemSpec): Generator<Problem> {
  const rng = streamFor(seed, `problems/${split}`, index);
  for (;;) {
    const startSize = randint(rng, spec.minNumbers, spec.maxNumbers);
    const target = choiceInRange(rng, spec.minTarget, spec.maxTarget);
    let found: Problem | undefined;
    for (let draws = 0; draws < MAX_DRAWS && !found; draws++) {
      const nums = drawNums(rng, startSize, spec.maxNumber);
      if (splitOf(nums, target) !== split) continue;
      const solution = solve(nums, target);
      if (solution) found = { nums, target, solution, startSize };
    }
    if (!found) throw hopeless(spec, startSize, target);
    yield found;
  }
}

/**
 * At most how many distinct problems the spec allows: multisets of numbers (of each allowed
 * size) times targets, solvable or not. Default mode never repeats a problem, so it cannot
 * make more than this (an upper bound, for refusing counts that can never be met).
 */
export function problemSpaceBound(spec: ProblemSpec): number {
  let multisets = 0;
  for (let k = spec.minNumbers; k <= spec.maxNumbers; k++) {
    // C(maxNumber + k - 1, k): multisets of k numbers from 1..maxNumber
    let c = 1;
    for (let i = 1; i <= k; i++) c = (c * (spec.maxNumber - 1 + i)) / i;
    multisets += c;
  }
  return multisets * (spec.maxTarget - spec.minTarget + 1);
}

/** The next candidate of a stream (they never end). */
export function firstOf(stream: Iterator<Problem>): Problem {
  const first = stream.next();
  if (first.done) throw new Error('candidate stream ended');
  return first.value;
}

/** How many candidates in a row may be duplicates or excluded before giving up. */
export const MAX_REJECTS = 10_000;

/**
 * The de-duplication rule of default mode: record `index` takes the first candidate of its
 * own stream not taken before. `first` is the stream's first candidate and `later(index)` the
 * ones after it, drawn only when the first is refused (rarely: the corpus draws the first on
 * a worker). `take(c)` claims a candidate (false when it is taken, or excluded); after
 * MAX_REJECTS refusals in a row the space counts as exhausted and `exhausted(index)` is
 * thrown. The `problems` command and the corpus both draw records by it.
 */
export function firstUntaken<C>(
  index: number,
  first: C,
  later: (index: number) => Iterable<C>,
  take: (c: C) => boolean,
  exhausted: (index: number) => Error,
): C {
  if (take(first)) return first;
  let rejects = 1;
  for (const c of later(index)) {
    if (take(c)) return c;
    if (++rejects >= MAX_REJECTS) throw exhausted(index);
  }
  throw new Error('candidate stream ended');
}

/**
 * Default mode: `count` distinct problems of one split, none in `exclude`, records
 * `start .. start+count-1` of the sequence. `seen` carries the keys of earlier records
 * (pass the same set across calls to continue a sequence).
 */
export function* defaultProblems(
  seed: number,
  split: Split,
  spec: ProblemSpec,
  count: number,
  exclude: ReadonlySet<string>,
  seen: Set<string> = new Set(),
  start = 0,
): Generator<Problem> {
  const take = (p: Problem) => {
    const key = problemKey(p.nums, p.target);
    if (seen.has(key) || exclude.has(key)) return false;
    seen.add(key);
    return true;
  };
  const exhausted = (index: number) =>
    new ProblemSpaceError(
      `record ${index}: ${MAX_REJECTS} candidates in a row were duplicates or excluded; ` +
        `the problem space of these options is nearly exhausted (ask for fewer problems or widen the ranges)`,
    );
  for (let index = start; index < start + count; index++) {
    const stream = defaultCandidates(seed, split, index, spec);
    yield firstUntaken(index, firstOf(stream), () => stream, take, exhausted);
  }
}
