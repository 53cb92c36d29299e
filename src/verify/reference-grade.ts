/**
 * What the reference's evaluation scripts (GitHub Parallel-Reasoning/APR, src/eval) would say
 * of a text, so that a grade here can be compared with a published figure:
 * - `referenceRating`: eval_sosp.py's `metric_fn` (countdown_utils.py): a rating above 0 is
 *   a solved sample there, with `parse_trajectory`'s verdict;
 * - `referenceAprSolved`: eval_apr.py's true success: `get_search_result` of the root's
 *   last text, then `check_solution` against the problem.
 * Their quirks are kept (they are the metric): `metric_fn` checks only the final path, and
 * never takes a used number out of the available ones; it needs a second `Goal Reached`
 * (the clean path). Where a script would stop with an exception (a 6-number problem in
 * `metric_fn`, a number it cannot parse), the result says so instead of a figure.
 *
 * Python's semantics are reproduced for ASCII texts and for the operations `eval` is given
 * in practice (whole numbers, + - * /, parentheses); any other text or expression is
 * `unsupported`, never guessed.
 */

/** `metric_fn`'s result: its rating and `parse_trajectory`'s verdict. */
export type ReferenceRating =
  | { readonly kind: 'rated'; readonly rating: number; readonly verdict: string }
  /** The script stops with this exception on the text. */
  | { readonly kind: 'raises'; readonly exception: string }
  | { readonly kind: 'unsupported'; readonly why: string };

/** `check_solution`'s result for an APR root's text. */
export type ReferenceAprResult =
  | { readonly kind: 'judged'; readonly solved: boolean }
  | { readonly kind: 'raises'; readonly exception: string }
  | { readonly kind: 'unsupported'; readonly why: string };

/** A Python exception (its class and message), which the script catches or not. */
class Raises extends Error {
  constructor(
    readonly exception: string,
    message = exception,
  ) {
    super(message);
  }
}

/** Text or an expression outside what is reproduced here. */
class Unsupported extends Error {}

/** A Python `eval` failure (caught by the script, which words it in the verdict). */
class EvalError extends Error {}

const NON_ASCII = /[^\x00-\x7f]/;

/** Python's whitespace (`str.isspace`, `\s`) in ASCII. */
const WS = '[ \\t\\n\\r\\f\\v\\x1c-\\x1f]';
const STRIP = new RegExp(`^${WS}+|${WS}+$`, 'g');
const pyStrip = (s: string): string => s.replace(STRIP, '');

/**
 * Python's `int(s)` on a string: whitespace around, a sign, digits with single underscores
 * between. Its whitespace is C's (not `\x1c`-`\x1f`, which `str.strip` takes).
 */
function pyInt(s: string): bigint {
  const t = s.replace(/^[ \t\n\r\f\v]+|[ \t\n\r\f\v]+$/g, '');
  if (!/^[+-]?\d+(?:_\d+)*$/.test(t)) throw new Raises('ValueError', `invalid literal for int() with base 10: ${pyRepr(s)}`);
  const digits = t.replace(/[+_-]/g, '');
  if (digits.length > MOST_DIGITS) throw new Unsupported('a number past the digits where Python versions differ');
  return BigInt(t.replace(/_/g, ''));
}

/** Python's repr of an ASCII string. */
function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const esc: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r', [q]: `\\${q}` };
  const body = [...s].map((c) => esc[c] ?? (c < ' ' || c === '\x7f' ? `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}` : c)).join('');
  return `${q}${body}${q}`;
}

/** Python's repr of a list of ints. */
const pyList = (xs: readonly bigint[]): string => `[${xs.join(', ')}]`;

/** `metric_fn(text)` of eval_sosp.py. */
export function referenceRating(text: string): ReferenceRating {
  if (NON_ASCII.test(text)) return { kind: 'unsupported', why: 'the text is not ASCII' };
  try {
    const verdict = parseTrajectory(text);
    if (verdict !== 'Valid path.') return { kind: 'rated', rating: 0, verdict };
    const path = text.slice(text.indexOf('Current State'));
    const score = path.split('Exploring Operation').length; // its count, plus 1 (simple_rating)
    let first = firstLine(path);
    if (first.includes('->')) first = first.split('->')[1]!;
    const m = /^Current State: (\d+):\[([^\n]*?)\]/.exec(first);
    if (!m) throw new Raises('AttributeError'); // match is None, its .group() fails
    pyInt(m[1]!);
    const nums = m[2]!.split(', ').map(pyInt);
    const maxNodes = MAX_NODES[nums.length];
    if (maxNodes === undefined) throw new Raises('UnboundLocalError'); // max_nodes is set for 2 to 5 numbers only
    return { kind: 'rated', rating: Math.max(1 - score / maxNodes, 0), verdict };
  } catch (err) {
    return caught(err);
  }
}

/** metric_fn's node counts by start size. */
const MAX_NODES: Readonly<Record<number, number>> = { 2: 4, 3: 48, 4: 1152, 5: 46080 };

function caught(err: unknown): { kind: 'raises'; exception: string } | { kind: 'unsupported'; why: string } {
  if (err instanceof Raises) return { kind: 'raises', exception: err.exception };
  if (err instanceof Unsupported) return { kind: 'unsupported', why: err.message };
  throw err;
}

/** `search_path.strip().split('\n')[0]` of a text that starts with "Current State" (stripping cannot reach into the match). */
function firstLine(path: string): string {
  const nl = path.indexOf('\n');
  return nl < 0 ? pyStrip(path) : path.slice(0, nl);
}

/** `parse_trajectory` of countdown_utils.py: its verdict string. */
function parseTrajectory(text: string): string {
  const start = text.indexOf('Current State');
  if (start < 0) return 'Invalid input: Cannot find the initial state.';
  const path = text.slice(start);
  const m = /^Current State: (\d+):\[([^\n]*?)\]/.exec(firstLine(path));
  if (!m) return 'Invalid input: Cannot find the initial state in the first line.';
  const target = pyInt(m[1]!);
  const nums = m[2]!.split(', ').map(pyInt);

  const goals = [...path.matchAll(/\d+,\d+ equal: Goal Reached/g)];
  if (goals.length === 0) return 'No goal reached statement found.';
  const before = path.slice(0, goals[goals.length - 1]!.index);
  const ops = [...before.matchAll(/Exploring Operation: ([^\n]*?=\d+), Resulting Numbers: \[([^\n]*?)\]/g)];
  if (ops.length === 0) return 'No operations found leading to the goal.';
  const finalOp = ops[ops.length - 1]![1]!;
  let predicted: bigint;
  try {
    predicted = pyInt(finalOp.split('=')[1]!);
  } catch {
    return 'Couldnt parse last op'; // a bare except
  }
  if (predicted !== target) return 'Invalid path: Final operation does not result in target.';
  const parts = before.split('Goal Reached\n');
  if (parts.length < 2) return 'Invalid path: no summarized answer.';
  const states = [...parts[1]!.matchAll(/Current State: \d+:\[[^\n]*?\], Operations: \[([^\n]*?)\]/g)];
  if (states.length === 0) throw new Raises('IndexError');
  const opList = [...states[states.length - 1]![1]!.split(', ').map((op) => op.replace(/'/g, '')), finalOp];

  let available: bigint[] = nums;
  for (const op of opList) {
    const sides = op.split('=');
    if (sides.length !== 2) return 'Could not split operation into lhs, rhs';
    const [left, right] = sides as [string, string];
    try {
      if (!equalsInt(pyEval(left), pyInt(right))) return `Invalid operation: ${op}`;
    } catch (err) {
      // Python words the error itself: its message is reproduced for int() and a division by zero only.
      if (err instanceof EvalError || err instanceof Raises) return `Error in evaluating operation ${op}: ${err.message}`;
      throw err;
    }
    for (const n of left.match(/\d+/g) ?? []) {
      if (!available.includes(BigInt(n))) return `Invalid operation: ${op}, number ${n} not available in ${pyList(available)}`;
    }
    // `n not in used_numbers` compares an int with strings: nothing is ever taken out.
    available = [...available, pyInt(right)];
  }
  return 'Valid path.';
}

/** A value Python's eval gives for the expressions reproduced here: an int, or a float after a `/`. */
type PyNumber = { readonly int: bigint } | { readonly float: number };

function equalsInt(v: PyNumber, n: bigint): boolean {
  if ('int' in v) return v.int === n;
  // A float equals an int when their values are equal (Python compares them exactly).
  return Number.isInteger(v.float) && BigInt(v.float) === n;
}

/**
 * Python's `eval` of an arithmetic expression: whole-number literals, + - * /, unary signs and
 * parentheses, nothing else (`**`, `//`, `%`, spaces, names, a call such as `3(4)`:
 * unsupported). As Python, it parses the whole expression before it computes: a syntax error
 * comes before a division by zero, and both are EvalErrors, as Python's exceptions are to the
 * script. Past Python's limits, which differ by version (nesting, long chains, 4,300 digits):
 * unsupported.
 */
function pyEval(src: string): PyNumber {
  const outside = !/^[0-9+\-*/()]*$/.test(src) || src.includes('**') || src.includes('//') || src.includes('()') || /[\d)]\(/.test(src);
  if (outside) throw new Unsupported(`an expression outside whole numbers, + - * / and parentheses: ${JSON.stringify(src)}`);
  if ((src.match(/[-+*/(]/g) ?? []).length > MOST_OPERATORS) throw new Unsupported('an expression past the nesting and length where Python versions differ');
  let at = 0;
  const fail = (): never => {
    throw new EvalError('invalid syntax');
  };
  type Thunk = () => PyNumber;
  /** Operands of `next`, joined left to right by the operators of one precedence level. */
  const chain = (next: () => Thunk, ops: string): Thunk => {
    let v = next();
    while (at < src.length && ops.includes(src[at]!)) {
      const [left, op, right] = [v, src[at++]!, next()];
      v = () => arith(left(), op, right());
    }
    return v;
  };
  const expr = (): Thunk => chain(term, '+-');
  const term = (): Thunk => chain(factor, '*/');
  const factor = (): Thunk => {
    const c = src[at];
    if (c === '+' || c === '-') {
      at++;
      const f = factor();
      return c === '+' ? f : () => negate(f());
    }
    if (c === '(') {
      at++;
      const v = expr();
      if (src[at++] !== ')') fail();
      return v;
    }
    const lit = /^\d+/.exec(src.slice(at))?.[0];
    if (lit === undefined) return fail();
    // Python refuses leading zeros in a non-zero decimal literal.
    if (lit.length > 1 && lit[0] === '0' && /[1-9]/.test(lit)) fail();
    if (lit.length > MOST_DIGITS) throw new Unsupported('a number past the digits where Python versions differ');
    at += lit.length;
    const n = BigInt(lit);
    return () => ({ int: n });
  };
  const v = expr();
  if (at !== src.length) fail();
  return v();
}

/** Operators and parentheses in one expression, past which Python's parser limits (about 200 nested parentheses, a few thousand levels) may come into play. */
const MOST_OPERATORS = 100;
/** Python 3.11 refuses to convert a number of more digits (earlier versions do not). */
const MOST_DIGITS = 4300;

const negate = (v: PyNumber): PyNumber => ('int' in v ? { int: -v.int } : { float: -v.float });

/** Exact for ints; a float only where it is exact in a double on both sides (else unsupported). */
function arith(a: PyNumber, op: string, b: PyNumber): PyNumber {
  if ('int' in a && 'int' in b && op !== '/') {
    return { int: op === '+' ? a.int + b.int : op === '-' ? a.int - b.int : a.int * b.int };
  }
  const x = toFloat(a);
  const y = toFloat(b);
  if (op === '/' && y === 0) throw new EvalError('int' in a && 'int' in b ? 'division by zero' : 'float division by zero');
  return { float: op === '+' ? x + y : op === '-' ? x - y : op === '*' ? x * y : x / y };
}

function toFloat(v: PyNumber): number {
  if ('float' in v) return v.float;
  // Python rounds an int to a float as Number does; past 2^53 the two could part in a chain of floats.
  if (v.int > 2n ** 53n || v.int < -(2n ** 53n)) throw new Unsupported('a number past 2^53 in a division');
  return Number(v.int);
}

/** `get_search_result` of parallel_infernce_utils.py: the solution after the second-to-last `Goal Reached`, or undefined (None). */
function searchResult(trace: string): string | undefined {
  const at: number[] = [];
  for (let i = trace.indexOf('Goal Reached'); i >= 0; i = trace.indexOf('Goal Reached', i + 1)) at.push(i);
  if (at.length < 2) return undefined;
  return pyStrip(trace.slice(at[at.length - 2])).slice(13);
}

/** Python's `str.splitlines()` for ASCII text. */
function pySplitLines(s: string): string[] {
  const lines = s.split(/\r\n|[\n\r\v\f\x1c\x1d\x1e]/);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const OPERATION = new RegExp(
  `Exploring Operation:${WS}*(\\d+)([+\\-*/])(\\d+)=(\\d+),${WS}*Resulting Numbers:${WS}*\\[([^\\n]*?)\\]`,
);

/**
 * eval_apr.py's true success for an APR root's last text: `get_search_result(text)`, then
 * `check_solution(prefix, solution)` with the problem's numbers and target (the prefix it
 * builds from them). False when there is no solution.
 */
export function referenceAprSolved(nums: readonly number[], target: number, text: string): ReferenceAprResult {
  if (NON_ASCII.test(text)) return { kind: 'unsupported', why: 'the text is not ASCII' };
  if (![target, ...nums].every(Number.isSafeInteger)) return { kind: 'unsupported', why: 'a problem of numbers that are not whole' };
  const solution = searchResult(text);
  // The prefix's pattern (`Current State:\s*(\d+):`) reads no negative target: the script says False.
  if (solution === undefined || target < 0) return { kind: 'judged', solved: false };
  try {
    return { kind: 'judged', solved: checkSolution(nums.map(BigInt), BigInt(target), solution) };
  } catch (err) {
    return caught(err);
  }
}

/** `check_solution` of parallel_infernce_utils.py. */
function checkSolution(start: readonly bigint[], target: bigint, solution: string): boolean {
  let current: bigint[] = [...start];
  const sorted = (xs: readonly bigint[]) => [...xs].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).join(',');
  for (const raw of pySplitLines(solution)) {
    const line = pyStrip(raw);
    const m = OPERATION.exec(line);
    if (m) {
      const [x, y, z] = [pyInt(m[1]!), pyInt(m[3]!), pyInt(m[4]!)];
      const op = m[2]!;
      const next = pyStrip(m[5]!) ? m[5]!.split(',').map((n) => pyInt(pyStrip(n))) : [];
      const temp = [...current];
      for (const v of [x, y]) {
        const k = temp.indexOf(v);
        if (k < 0) return false;
        temp.splice(k, 1);
      }
      // The script refuses a division by zero before it computes; x / y is then Python's float, compared with z exactly.
      if (op === '/' && y === 0n) return false;
      if (!equalsInt(arith({ int: x }, op, { int: y }), z)) return false;
      temp.push(z);
      if (sorted(temp) !== sorted(next)) return false;
      current = next;
    }
    if (line.includes('Goal Reached')) return current.length === 1 && current[0] === target;
  }
  return false;
}

/** Both of the reference's verdicts on one text, as a grade carries them. */
export interface ReferenceGrade {
  /** metric_fn's rating (eval_sosp.py counts a rating above 0 as solved); null where it stops with an exception or the text is unsupported. */
  readonly rating: number | null;
  /** parse_trajectory's verdict, or `raises NAME` / `unsupported: why`. */
  readonly verdict: string;
  /** eval_apr.py's true success; null without the problem, where it stops with an exception, or for an unsupported text. */
  readonly aprSolved: boolean | null;
}

export function referenceGrade(text: string, problem: { readonly nums: readonly number[]; readonly target: number } | undefined): ReferenceGrade {
  const r = referenceRating(text);
  const apr = problem ? referenceAprSolved(problem.nums, problem.target, text) : undefined;
  return {
    rating: r.kind === 'rated' ? r.rating : null,
    verdict: r.kind === 'rated' ? r.verdict : r.kind === 'raises' ? `raises ${r.exception}` : `unsupported: ${r.why}`,
    aprSolved: apr?.kind === 'judged' ? apr.solved : null,
  };
}
