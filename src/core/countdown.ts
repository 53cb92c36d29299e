/**
 * The Countdown arithmetic shared by every solver: states, the reference's operation
 * order and strings, and the pair order. Pure: no I/O, no randomness.
 */
import { isCount } from './values.js';

/** The four operators, in the order `combine` yields them. */
export type Operator = '+' | '*' | '-' | '/';

/**
 * One arithmetic step as the reference prints it: `left op right = result`, where for
 * `-` and `/` the left operand is the larger one.
 */
export interface Step {
  readonly left: number;
  readonly op: Operator;
  readonly right: number;
  readonly result: number;
}

/**
 * The operators in the order `combine` yields them (and their index, an operator code).
 * With `applyOp`, `leftOperand` and `rightOperand` they state the rules once; the hot loops
 * of expandBeam and the trace writer's leaf line spell them out inline.
 */
export const OPERATORS: readonly Operator[] = ['+', '*', '-', '/'];

/** `left op right`. */
export function applyOp(op: Operator, left: number, right: number): number {
  return op === '+' ? left + right : op === '*' ? left * right : op === '-' ? left - right : left / right;
}

/** The operand `combine` prints first for `op` on the pair (a, b): a for + and *, the larger for - and /. */
export function leftOperand(op: Operator, a: number, b: number): number {
  return op === '+' || op === '*' || a > b ? a : b;
}

/** The operand `combine` prints second (see leftOperand). */
export function rightOperand(op: Operator, a: number, b: number): number {
  return op === '+' || op === '*' || a > b ? b : a;
}

/** `51-49=2`, the reference's operation string. */
export function stepString(s: Step): string {
  return intStr(s.left) + s.op + intStr(s.right) + '=' + intStr(s.result);
}

/** Decimal strings of small integers, made once: traces print the same numbers constantly. */
const SMALL_INTS: string[] = Array.from({ length: 10_000 }, (_, i) => String(i));

/** Python's str of an integer (small ones from a table). */
export function intStr(n: number): string {
  return n >= 0 && n < 10_000 && Number.isInteger(n) ? SMALL_INTS[n]! : String(n);
}

/**
 * Every step that combines `a` and `b`, in the reference's order: a+b, a*b, then the
 * larger minus the smaller (0 allowed), then exact division of the larger by the smaller.
 */
export function combine(a: number, b: number): Step[] {
  const out: Step[] = [];
  for (const op of OPERATORS) {
    const left = leftOperand(op, a, b);
    const right = rightOperand(op, a, b);
    if (op === '/' && (right === 0 || left % right !== 0)) continue;
    out.push({ left, op, right, result: applyOp(op, left, right) });
  }
  return out;
}

/** Index pairs in `itertools.combinations(range(n), 2)` order. */
export function pairs(n: number): ReadonlyArray<readonly [number, number]> {
  let cached = pairCache[n];
  if (cached === undefined) {
    const list: Array<readonly [number, number]> = [];
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) list.push([i, j]);
    cached = list;
    pairCache[n] = cached;
  }
  return cached;
}
const pairCache: Array<ReadonlyArray<readonly [number, number]>> = [];

/** The state after combining positions i and j: the others in order, then the result. */
export function applyAt(nums: readonly number[], i: number, j: number, result: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < nums.length; k++) if (k !== i && k !== j) out.push(nums[k]!);
  out.push(result);
  return out;
}

/**
 * Replays steps from a start state, removing one occurrence of each operand (by value,
 * one each, as a person would), and returns the final numbers, or the first step that does
 * not apply (0-based) and what is wrong with it (a phrase that starts with the step).
 */
export function replay(
  start: readonly number[],
  steps: readonly Step[],
): { ok: true; nums: number[] } | { ok: false; index: number; fault: string } {
  // One copy, changed in place: search reads every problem's solution through here, and
  // copies per step (two filters and a spread) were an eighth of all a reference-mode run allocated.
  const nums = [...start];
  for (let index = 0; index < steps.length; index++) {
    const s = steps[index]!;
    const fault = arithmeticFault(s);
    if (fault) return { ok: false, index, fault: `${stepString(s)} ${fault}` };
    // The first left operand, then the first right one among the other positions.
    const i = nums.indexOf(s.left);
    let j = -1;
    if (i >= 0) {
      for (let x = 0; x < nums.length; x++) {
        if (x !== i && nums[x] === s.right) {
          j = x;
          break;
        }
      }
    }
    if (i < 0 || j < 0) {
      return { ok: false, index, fault: `${stepString(s)} uses a number not available in ${pyIntList(nums)}` };
    }
    let kept = 0;
    for (let x = 0; x < nums.length; x++) if (x !== i && x !== j) nums[kept++] = nums[x]!;
    nums.length = kept;
    nums.push(s.result);
  }
  return { ok: true, nums };
}

/** What a Countdown problem may be wherever problems enter (problems, search, inspect, verify): 2 to 6 numbers, a target of at least 2. */
export const PROBLEM_LIMITS = { minNumbers: 2, maxNumbers: 6, minTarget: 2 } as const;

/**
 * Whether every value any order of operations can make from `count` numbers no larger than
 * `largest` is an exact integer as a double (at most Number.MAX_SAFE_INTEGER, 2^53 - 1). A
 * value made from k numbers is at most max(largest, 2)^k (a + b <= a * b once both are 2 or
 * more; - and / never grow a value), so that power is the bound. Problems beyond it would
 * print rounded products as if they were exact: they are refused wherever problems enter.
 */
export function staysExact(largest: number, count: number): boolean {
  const m = Math.max(largest, 2);
  let bound = 1;
  for (let k = 0; k < count; k++) {
    bound *= m; // rounding is monotone: a true product above 2^53 - 1 never rounds below it
    if (bound > Number.MAX_SAFE_INTEGER) return false;
  }
  return true;
}

/** The words every refusal of staysExact ends with. */
export const BEYOND_EXACT = 'can exceed exact integer arithmetic (2^53)';

/** How a fault names the problem's two fields: a record's `"nums"`, an option's `--nums`. */
export interface ProblemFieldNames {
  readonly nums: string;
  readonly target: string;
}

const RECORD_FIELDS: ProblemFieldNames = { nums: '"nums"', target: '"target"' };

/**
 * What keeps `nums` and `target` from being a problem this tool can search (PROBLEM_LIMITS,
 * exact arithmetic), one message a fault; `usable` says whether they are numbers a trace can
 * still be checked against (right types, whatever their count or size). The one rule for
 * problems read from a file, checked by verify, or given as options.
 */
export function problemFaults(nums: unknown, target: unknown, names: ProblemFieldNames = RECORD_FIELDS): { usable: boolean; faults: string[] } {
  const faults: string[] = [];
  // A whole number past 2^53 is named as such: it is an integer, just not one held exactly.
  const huge = (x: unknown): boolean => typeof x === 'number' && Number.isInteger(x) && x > Number.MAX_SAFE_INTEGER;
  const numsOk = Array.isArray(nums) && nums.every(isCount);
  // A field left out is named so, not as a value of the wrong kind.
  if (nums === undefined) faults.push(`${names.nums} is missing`);
  else if (!numsOk) faults.push(Array.isArray(nums) && nums.some(huge) && nums.every((n) => isCount(n) || huge(n)) ? `${names.nums} holds a number past exact integer arithmetic (2^53)` : `${names.nums} must be a list of non-negative integers`);
  if (target === undefined) faults.push(`${names.target} is missing`);
  else if (!isCount(target)) faults.push(huge(target) ? `${names.target} is past exact integer arithmetic (2^53)` : `${names.target} must be an integer of at least ${PROBLEM_LIMITS.minTarget}`);
  if (faults.length > 0) return { usable: false, faults };
  const list = nums as number[];
  const { minNumbers, maxNumbers, minTarget } = PROBLEM_LIMITS;
  if (list.length < minNumbers || list.length > maxNumbers) faults.push(`${names.nums} must hold ${minNumbers} to ${maxNumbers} numbers, got ${list.length}`);
  if ((target as number) < minTarget) faults.push(`${names.target} must be at least ${minTarget}, got ${String(target)}`);
  if (list.length > 0 && !staysExact(Math.max(...list), list.length)) faults.push(`${names.nums} ${pyIntList(list)} ${BEYOND_EXACT}`);
  // An empty list leaves nothing to search or to check a trace against.
  return { usable: list.length > 0, faults };
}

/**
 * True when the step's arithmetic is right and follows the reference's rules. Numbers
 * beyond exact integer arithmetic never hold: their printed digits may be a rounded double's.
 */
function arithmeticHolds(s: Step): boolean {
  if (!Number.isSafeInteger(s.left) || !Number.isSafeInteger(s.right) || !Number.isSafeInteger(s.result)) return false;
  switch (s.op) {
    case '+':
      return s.left + s.right === s.result;
    case '*':
      return s.left * s.right === s.result;
    case '-':
      return s.left >= s.right && s.left - s.right === s.result;
    case '/':
      return s.right !== 0 && s.left % s.right === 0 && s.left / s.right === s.result;
  }
}

/** What is wrong with a step's arithmetic (the end of a sentence naming the step); undefined when it holds. */
export function arithmeticFault(s: Step): string | undefined {
  if (arithmeticHolds(s)) return undefined;
  const exact = Number.isSafeInteger(s.left) && Number.isSafeInteger(s.right) && Number.isSafeInteger(s.result);
  return exact ? 'is wrong arithmetic' : 'is beyond exact integer arithmetic (2^53)';
}

const STEP_RE = /^(0|[1-9]\d*)([-+*/])(0|[1-9]\d*)=(0|[1-9]\d*)$/;

/** Parses `51-49=2`; undefined when it is not of that form (numbers as Python prints them: no leading zeros). */
export function parseStep(text: string): Step | undefined {
  const m = STEP_RE.exec(text);
  if (!m) return undefined;
  return { left: Number(m[1]), op: m[2] as Operator, right: Number(m[3]), result: Number(m[4]) };
}

/** Python's repr of a list of ints: `[25, 36, 2]`, `[]`. */
export function pyIntList(nums: readonly number[]): string {
  if (nums.length === 0) return '[]';
  let out = '[' + intStr(nums[0]!);
  for (let k = 1; k < nums.length; k++) out += ', ' + intStr(nums[k]!);
  return out + ']';
}

/** Python's repr of a list of plain ASCII strings: `['51-49=2', '25*2=50']`. */
export function pyStrList(items: readonly string[]): string {
  return items.length === 0 ? '[]' : `['${items.join("', '")}']`;
}

/** Multiset key of a state and target: the sorted numbers and the target. */
export function problemKey(nums: readonly number[], target: number): string {
  return `${[...nums].sort((x, y) => x - y).join(',')}:${target}`;
}
