import { problemKey, type Step } from '../core/countdown.js';
import { choiceInRange, randint, shuffle, type Rng } from '../random/rng.js';
import { problemLeftoverPurpose, problemPurpose, recordStreams } from '../random/streams.js';
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

/**
 * The problem space no option narrows or widens: the reference's (four numbers, targets 10 to
 * 100, numbers up to the largest target - 1, which is how `--max-number` defaults).
 */
export const DEFAULT_SPEC: ProblemSpec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 };

/** The least starting number drawn: numbers are drawn in LEAST_NUMBER..maxNumber, so a `--max-number` below it draws none. */
export const LEAST_NUMBER = 1;

export type Split = 'train' | 'val';

/** A solvable problem and the exact solver's first-found solution. */
export interface Problem {
  readonly nums: readonly number[];
  readonly target: number;
  readonly solution: readonly Step[];
  readonly startSize: number;
}

/** How many number draws one candidate may take before the options are judged hopeless. */
const MAX_DRAWS = 200_000;

/** Which ranges to change when the options hold too few problems; the pipeline words it as options. */
export type ProblemSpaceRemedy = 'wider numbers or narrower targets' | 'wider numbers or targets' | 'fewer problems or wider ranges';

/** The options' problem space cannot give the problems asked for (a fault of the options, not a bug). */
export class ProblemSpaceError extends Error {
  constructor(
    message: string,
    readonly remedy: ProblemSpaceRemedy,
  ) {
    super(message);
  }
}

/**
 * The reference's `generate_problem`: start size, target, then numbers until solvable.
 * `accept` (the reference's dedup set, when it has one) makes it redraw target and numbers.
 */
function drawProblem(rng: Rng, spec: ProblemSpec, accept?: (p: Problem) => boolean, sized?: (startSize: number) => void): Problem {
  const startSize = randint(rng, spec.minNumbers, spec.maxNumbers);
  sized?.(startSize);
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
  for (let k = 0; k < count; k++) nums[k] = randint(rng, LEAST_NUMBER, maxNumber);
  return nums;
}

function hopeless(spec: ProblemSpec, size: number, target: number): ProblemSpaceError {
  return new ProblemSpaceError(
    `no solvable problem with ${size} numbers in ${LEAST_NUMBER}..${spec.maxNumber} and target ${target} after ${MAX_DRAWS} draws`,
    'wider numbers or narrower targets',
  );
}

/**
 * Reference mode: one Python-compatible generator seeded once, records drawn in order, as
 * the reference does with one worker. Like the reference, the train split is never
 * de-duplicated; problems listed in `exclude` are redrawn (its val and
 * `--existing_problems` behaviour). For val, the reference draws its train set first from
 * the same generator, so the train problems (`trainBefore`, each as `drawnKey` writes it) are
 * drawn again first; one the seed does not draw there is a TrainMismatch. A record that draws
 * a start size in `noneLeft` (sizesWithNoneLeft) could never end: it is a NoneLeft.
 */
export function* referenceProblems(
  seed: number,
  spec: ProblemSpec,
  count: number,
  exclude: ReadonlySet<string>,
  trainBefore: readonly string[] = [],
  noneLeft: readonly number[] = [],
): Generator<Problem> {
  // One generator for the file, as the reference: val's draws follow train's.
  const rng = recordStreams(seed, problemPurpose('train'), true)(0);
  for (let i = 0; i < trainBefore.length; i++) {
    const drawn = drawProblem(rng, spec);
    if (drawnKey(drawn.nums, drawn.target) !== trainBefore[i]) throw new TrainMismatch(i, drawn);
  }
  const accept = exclude.size > 0 ? (p: Problem) => !exclude.has(problemKey(p.nums, p.target)) : undefined;
  for (let i = 0; i < count; i++) {
    const sized = (size: number) => {
      if (noneLeft.includes(size)) throw new NoneLeft(i, size);
    };
    yield drawProblem(rng, spec, accept, sized);
  }
}

/** Reference mode: record `index` drew a start size whose solvable problems are all excluded, so its redraws would never end. */
export class NoneLeft extends Error {
  constructor(
    readonly index: number,
    readonly size: number,
  ) {
    super(`record ${index} drew ${size} numbers, and every solvable problem of that size is excluded`);
  }
}

/** A problem as drawn: its numbers in the order drawn, and its target. */
export function drawnKey(nums: readonly number[], target: number): string {
  return `${nums.join(',')}:${target}`;
}

/** Reference mode's val: the train file's problem `index` is not the one its seed draws there (another seed, other options, or edited). */
export class TrainMismatch extends Error {
  constructor(
    readonly index: number,
    readonly drawn: Problem,
  ) {
    super(`train problem ${index} is not the seed's draw`);
  }
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
  const rng = recordStreams(seed, problemPurpose(split), false)(index);
  let empty = 0;
  for (;;) {
    const startSize = randint(rng, spec.minNumbers, spec.maxNumbers);
    const target = choiceInRange(rng, spec.minTarget, spec.maxTarget);
    // A target with no solvable problem of this split (val is 1/64 of a small space) is
    // drawn again; drawing numbers for it could only end in `hopeless`.
    if (!mayHaveProblem(split, startSize, target, spec.maxNumber)) {
      if (++empty >= MAX_EMPTY_TARGETS) throw noProblemInSplit(spec, split, empty);
      continue;
    }
    empty = 0;
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

/** Targets in a row without a problem of the split after which the options are judged hopeless. */
const MAX_EMPTY_TARGETS = 1000;

/**
 * Problems are listed (to see whether a target has one of a split, or to count a split) only
 * of sizes up to 3 and at most this many multisets of a size: listing solves every one, and
 * solving 4 to 6 numbers costs far more (6 numbers up to 11: 8,008 multisets a target, 27 s).
 */
const ENUMERATED_MULTISETS = 20_000;
const ENUMERATED_SIZE = 3;

const listable = (size: number, maxNumber: number): boolean => size <= ENUMERATED_SIZE && multisets(maxNumber, size) <= ENUMERATED_MULTISETS;

/**
 * A target's problems are also listed, whatever the size, when its numbers allow this few
 * multisets (four numbers up to 6, five up to 5, six up to 4: at most 126 solves, memoised):
 * drawing numbers for a target none of them reaches could only end in `hopeless` after
 * MAX_DRAWS draws (six numbers in 1..2 and target 60: minutes, then a refusal of options
 * that do make problems, as target 64 shows).
 */
const TINY_MULTISETS = 126;
const probeable = (size: number, maxNumber: number): boolean => listable(size, maxNumber) || multisets(maxNumber, size) <= TINY_MULTISETS;

const counted = new Map<string, number>();

/** Whether numbers and a target make a solvable problem of `split`: what listing a split keeps. */
const isProblemOf = (split: Split, nums: readonly number[], target: number): boolean => splitOf(nums, target) === split && solve(nums, target) !== null;

/** The solvable problems of `split` with `size` numbers in LEAST_NUMBER..maxNumber and `target`, each multiset counted once (memoised). */
function problemsOf(split: Split, size: number, target: number, maxNumber: number): number {
  const key = `${split} ${size} ${target} ${maxNumber}`;
  let n = counted.get(key);
  if (n === undefined) {
    let found = 0;
    forEachMultiset(size, maxNumber, (nums) => {
      if (isProblemOf(split, nums, target)) found++;
    });
    n = found;
    counted.set(key, n);
  }
  return n;
}

/**
 * Whether some solvable problem of `split` has `size` numbers and `target`: exact where the
 * problems can be listed, else true (a large space has problems of both splits for any
 * target it can reach).
 */
function mayHaveProblem(split: Split, size: number, target: number, maxNumber: number): boolean {
  return !probeable(size, maxNumber) || problemsOf(split, size, target, maxNumber) > 0;
}

/** Problems listed at most to count a split exactly (multisets times targets). */
const ENUMERATED_PROBLEMS = 2_000_000;
/** The same, of four to six numbers (a solve of six costs up to a few milliseconds). */
const TINY_PROBLEMS = 2_000;

/**
 * The distinct solvable problems of a split the spec allows, counted exactly when the space
 * is small enough to list; undefined otherwise (problemSpaceBound still bounds it).
 */
export function problemsInSplit(spec: ProblemSpec, split: Split): number | undefined {
  if (!spaceListable(spec)) return undefined;
  let n = 0;
  for (let k = spec.minNumbers; k <= spec.maxNumbers; k++) {
    for (let t = spec.minTarget; t <= spec.maxTarget; t++) n += problemsOf(split, k, t, spec.maxNumber);
  }
  return n;
}

/** Whether the spec's problems are few enough to list (ENUMERATED_PROBLEMS, TINY_PROBLEMS). */
function spaceListable(spec: ProblemSpec): boolean {
  const targets = spec.maxTarget - spec.minTarget + 1;
  let listed = 0;
  let tiny = 0;
  for (let k = spec.minNumbers; k <= spec.maxNumbers; k++) {
    if (listable(k, spec.maxNumber)) listed += multisets(spec.maxNumber, k) * targets;
    else if (probeable(k, spec.maxNumber)) tiny += multisets(spec.maxNumber, k) * targets;
    else return false;
  }
  return listed <= ENUMERATED_PROBLEMS && tiny <= TINY_PROBLEMS;
}

/**
 * Reference mode redraws an excluded problem (target and numbers, keeping the start size it
 * drew) until it draws another, for ever when none is left: the start sizes of the spec
 * without a solvable problem outside `exclude`. Known only where the space can be listed, as
 * problemsInSplit counts it; undefined otherwise.
 */
export function sizesWithNoneLeft(spec: ProblemSpec, exclude: ReadonlySet<string>): number[] | undefined {
  if (!spaceListable(spec)) return undefined;
  const none: number[] = [];
  for (let size = spec.minNumbers; size <= spec.maxNumbers; size++) {
    let left = false;
    forEachMultiset(size, spec.maxNumber, (nums) => {
      for (let t = spec.minTarget; t <= spec.maxTarget && !left; t++) left = !exclude.has(problemKey(nums, t)) && solve(nums, t) !== null;
      return left;
    });
    if (!left) none.push(size);
  }
  return none;
}

function noProblemInSplit(spec: ProblemSpec, split: Split, targets: number): ProblemSpaceError {
  return new ProblemSpaceError(
    `no solvable ${split} problem with ${spec.minNumbers}..${spec.maxNumbers} numbers in ${LEAST_NUMBER}..${spec.maxNumber} for ${targets} targets in a row` +
      (split === 'val' ? ' (val is 1/64 of the problem space)' : ''),
    'wider numbers or targets',
  );
}

/**
 * Calls `visit` with every multiset of `size` numbers from LEAST_NUMBER..maxNumber once, as a
 * non-decreasing sequence (one array, reused), until a visit returns true.
 */
function forEachMultiset(size: number, maxNumber: number, visit: (nums: readonly number[]) => boolean | void): void {
  const nums = new Array<number>(size).fill(LEAST_NUMBER);
  for (;;) {
    if (visit(nums) === true) return;
    let k = size - 1;
    while (k >= 0 && nums[k] === maxNumber) k--;
    if (k < 0) return;
    const next = nums[k]! + 1;
    for (let j = k; j < size; j++) nums[j] = next;
  }
}

/** C(n + k - 1, k): multisets of k numbers from the n in LEAST_NUMBER..maxNumber. */
function multisets(maxNumber: number, k: number): number {
  const n = maxNumber - LEAST_NUMBER + 1;
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - 1 + i)) / i;
  return c;
}

/**
 * At most how many distinct problems the spec allows: multisets of numbers (of each allowed
 * size) times targets, solvable or not. Default mode never repeats a problem, so it cannot
 * make more than this (an upper bound, for refusing counts that can never be met).
 */
export function problemSpaceBound(spec: ProblemSpec): number {
  let count = 0;
  for (let k = spec.minNumbers; k <= spec.maxNumbers; k++) count += multisets(spec.maxNumber, k);
  return count * (spec.maxTarget - spec.minTarget + 1);
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
  leftovers?: (index: number) => Iterable<C>,
): C {
  if (take(first)) return first;
  let rejects = 1;
  for (const c of later(index)) {
    if (take(c)) return c;
    if (++rejects >= MAX_REJECTS) {
      // The last problems of a nearly used-up space can be too rare to draw (a count the
      // precheck allowed failed at record 3,302 of 3,304): where the space is listed, one of
      // those left is taken instead. Records made before this point are as they always were.
      if (leftovers) for (const l of leftovers(index)) if (take(l)) return l;
      throw exhausted(index);
    }
  }
  throw new Error('candidate stream ended');
}

/**
 * Record `index`'s way out when MAX_REJECTS of its candidates in a row were taken: every
 * solvable problem of the split, when the space is small enough to list (problemsInSplit
 * counts it), from a place its own stream picks, its numbers in an order that stream draws;
 * nothing for a space too large to list. A solution is found only for the one taken.
 */
export function* leftoverCandidates(seed: number, split: Split, index: number, spec: ProblemSpec): Generator<Problem> {
  const all = listedProblems(spec, split);
  if (all === undefined || all.length === 0) return;
  const rng = recordStreams(seed, problemLeftoverPurpose(split), false)(index);
  const from = randint(rng, 0, all.length - 1);
  for (let k = 0; k < all.length; k++) {
    const listed = all[(from + k) % all.length]!;
    const nums = [...listed.nums];
    shuffle(rng, nums);
    yield new ListedProblem(nums, listed.target);
  }
}

/** A problem of a listed space: its solution is found when first asked for (most are offered only to be found taken). */
class ListedProblem implements Problem {
  private found: readonly Step[] | undefined;
  constructor(
    readonly nums: readonly number[],
    readonly target: number,
  ) {}
  get startSize(): number {
    return this.nums.length;
  }
  get solution(): readonly Step[] {
    return (this.found ??= solve(this.nums, this.target)!);
  }
}

const listedSplits = new Map<string, ReadonlyArray<{ readonly nums: readonly number[]; readonly target: number }> | undefined>();

/** The solvable problems of a split, each multiset once, in a fixed order; undefined where problemsInSplit cannot count them (memoised). */
function listedProblems(spec: ProblemSpec, split: Split): ReadonlyArray<{ readonly nums: readonly number[]; readonly target: number }> | undefined {
  const key = `${split} ${spec.minNumbers} ${spec.maxNumbers} ${spec.minTarget} ${spec.maxTarget} ${spec.maxNumber}`;
  if (listedSplits.has(key)) return listedSplits.get(key);
  let out: Array<{ nums: readonly number[]; target: number }> | undefined;
  if (spaceListable(spec)) {
    out = [];
    const all = out;
    for (let size = spec.minNumbers; size <= spec.maxNumbers; size++) {
      forEachMultiset(size, spec.maxNumber, (nums) => {
        for (let t = spec.minTarget; t <= spec.maxTarget; t++) if (isProblemOf(split, nums, t)) all.push({ nums: [...nums], target: t });
      });
    }
  }
  listedSplits.set(key, out);
  return out;
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
        'the problem space of these options is nearly exhausted',
      'fewer problems or wider ranges',
    );
  for (let index = start; index < start + count; index++) {
    const stream = defaultCandidates(seed, split, index, spec);
    yield firstUntaken(index, firstOf(stream), () => stream, take, exhausted, () => leftoverCandidates(seed, split, index, spec));
  }
}
