import { isJsonObject } from '../core/values.js';
import { parseStep, PROBLEM_LIMITS, problemFaults, problemKey, pyIntList, replay, type Step } from '../core/countdown.js';
import { problemFieldsOf } from '../serializers/problem.js';
import { drawnKey, type Problem } from '../solver/problems.js';
import { InputError } from '../io/errors.js';
import { readRecordBatches } from '../records/read.js';

/** A problem as read from a file: its problem fields (kept for the search record) and the core. */
export interface ProblemInput {
  readonly problem: Problem;
  /** The record's problem fields (problemFieldsOf), in its order. */
  readonly record: Readonly<Record<string, unknown>>;
  readonly line: number;
}

const { minNumbers: MIN_NUMBERS, maxNumbers: MAX_NUMBERS } = PROBLEM_LIMITS;

/** Validates one record as a problem; every fault names the file, line and field. */
export function toProblem(rec: unknown, file: string, line: number): ProblemInput {
  const bad = (msg: string) => new InputError(file, line, msg);
  if (!isJsonObject(rec)) throw bad('expected a JSON object');
  const { nums, target } = rec;
  if (nums === undefined) throw bad('missing field "nums"');
  if (target === undefined) throw bad('missing field "target"');
  const [fault] = problemFaults(nums, target).faults;
  if (fault !== undefined) throw bad(fault);
  if (!Array.isArray(nums)) throw new Error('problemFaults passed nums that are not a list');
  let solution: Step[] = [];
  if (rec.solution !== undefined) {
    if (!Array.isArray(rec.solution)) throw bad('"solution" must be a list of operations');
    // Pushed, not mapped: a `map` the optimizing compiler inlines makes a holey array, the
    // builtin a packed one, and `replay` would meet both (a deopt).
    for (const s of rec.solution as unknown[]) {
      // parseStep takes only the canonical form (no leading zeros, no spaces): the record carries it as given.
      const step = typeof s === 'string' ? parseStep(s) : undefined;
      if (!step) throw bad(`"solution" holds ${JSON.stringify(s)}, not an operation like "51-49=2"`);
      solution.push(step);
    }
    // The record carries the input's solution: one that does not solve the problem is refused, not copied.
    const r = replay(nums as number[], solution);
    if (!r.ok) throw bad(`"solution" step ${r.index + 1} ${r.fault}`);
    if (r.nums.length !== 1 || r.nums[0] !== target) throw bad(`"solution" ends with ${pyIntList(r.nums)}, not [${String(target)}]`);
  }
  // optimal_path is copied as given (verify checks its lines); it needs the solution it follows.
  if (rec.optimal_path !== undefined) {
    if (typeof rec.optimal_path !== 'string') throw bad('"optimal_path" must be a string');
    if (rec.solution === undefined) throw bad('"optimal_path" without the "solution" it follows');
  }
  const startSize = 'start_size' in rec ? rec.start_size : nums.length;
  if (!Number.isSafeInteger(startSize) || (startSize as number) < MIN_NUMBERS || (startSize as number) > MAX_NUMBERS) {
    throw bad(`"start_size" must be an integer from ${MIN_NUMBERS} to ${MAX_NUMBERS}`);
  }
  // A record's rating divides by the nodes a search of start_size numbers can have.
  if (startSize !== nums.length) throw bad(`"start_size" ${String(startSize)} but "nums" holds ${nums.length} numbers`);
  return {
    problem: { nums: nums as number[], target: target as number, solution, startSize: startSize as number },
    record: problemFieldsOf(rec),
    line,
  };
}

export async function* readProblems(file: string): AsyncGenerator<ProblemInput> {
  for await (const batch of readProblemBatches(file)) yield* batch;
}

/** The problems of a file, a batch per chunk read (see readRecordBatches). */
export async function* readProblemBatches(file: string): AsyncGenerator<ProblemInput[]> {
  for await (const batch of readRecordBatches(file)) yield batch.map(({ value, line }) => toProblem(value, file, line));
}

/** The problems of a file as keys (sorted numbers and target); with `inOrder`, also each as drawn (drawnKey) and its line. */
export async function readProblemKeys(file: string, inOrder = false): Promise<{ keys: Set<string>; drawn: string[]; lines: number[] }> {
  const keys = new Set<string>();
  const drawn: string[] = [];
  const lines: number[] = [];
  for await (const { problem, line } of readProblems(file)) {
    keys.add(problemKey(problem.nums, problem.target));
    if (inOrder) {
      drawn.push(drawnKey(problem.nums, problem.target));
      lines.push(line);
    }
  }
  if (keys.size === 0) throw new InputError(file, undefined, 'holds no problems');
  return { keys, drawn, lines };
}
