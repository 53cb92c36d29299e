/**
 * The problem fields of a record: `nums` and `target` always; `start_size`, `solution` and
 * `optimal_path` when it has them (`search` keeps what its input had, and a problem may be
 * given as nums and target alone).
 */
import { isCount, shownValue } from '../core/values.js';
import { arithmeticFault, parseStep, problemFaults, pyIntList, pyStrList, replay, stepString, type Step } from '../core/countdown.js';
import { quote, type VerifyIssue } from './issue.js';
import { firstDifferentLine, splitThread } from './lines.js';
import { numbersAfter, optimalPath, type Compat } from '../serializers/problem.js';

export interface Problem {
  readonly nums: number[];
  readonly target: number;
  /** `start_size`, or the count of `nums` for SoS records, which lack the field. */
  readonly startSize: number;
}

const isCountList = (x: unknown): x is number[] => Array.isArray(x) && x.every(isCount);

/** Checks the problem fields; undefined when `nums` or `target` is unusable. */
export function verifyProblem(rec: Record<string, unknown>, issues: VerifyIssue[]): Problem | undefined {
  const { nums, target } = rec;
  const { usable, faults } = problemFaults(nums, target);
  for (const message of faults) issues.push({ thread: '', line: 0, message });
  if (!usable || !isCountList(nums) || !isCount(target)) return undefined;
  let startSize = nums.length;
  if ('start_size' in rec) {
    if (rec.start_size !== nums.length) {
      issues.push({ thread: '', line: 0, message: `start_size ${shownValue(rec.start_size)} but nums has ${nums.length} numbers` });
    } else startSize = rec.start_size;
  }
  const problem = { nums, target, startSize };
  const solution = 'solution' in rec ? verifySolution(problem, rec.solution, issues) : undefined;
  if (!('optimal_path' in rec)) return problem;
  if (typeof rec.optimal_path !== 'string') {
    issues.push({ thread: '', line: 0, message: 'optimal_path must be a string' });
  } else if (!solution) {
    if (!('solution' in rec)) issues.push({ thread: 'optimal_path', line: 0, message: 'an optimal_path needs the solution it follows' });
  } else {
    verifyOptimalPath(problem, solution, rec.optimal_path, issues);
  }
  return problem;
}

/** The solution replays from nums to the target, each number used once. */
function verifySolution(p: Problem, solution: unknown, issues: VerifyIssue[]): Step[] | undefined {
  const at = (line: number, message: string) => issues.push({ thread: 'solution', line, message });
  if (!Array.isArray(solution) || !solution.every((s) => typeof s === 'string')) {
    at(0, 'solution must be a list of operation strings');
    return undefined;
  }
  const steps: Step[] = [];
  for (const [k, text] of solution.entries()) {
    const step = parseStep(text);
    if (!step || stepString(step) !== text) {
      at(k + 1, `solution step ${quote(text)} does not parse`);
      return undefined;
    }
    steps.push(step);
  }
  const r = replay(p.nums, steps);
  if (!r.ok) at(r.index + 1, `solution step ${r.fault}`);
  else if (r.nums.length !== 1 || r.nums[0] !== p.target) {
    at(0, `solution ends with ${pyIntList(r.nums)}, not [${p.target}]`);
  }
  return steps;
}

/**
 * optimal_path: the solution as a search without backtracking, in the reference's own line
 * forms: the solution's operations, in order, right, ending at the target. Its numbers follow
 * one of the two rules the tool writes (numbersAfter): the reference's (docs/trace-format.md §11: a step
 * removes every number equal to an operand, wrong when numbers repeat) or default mode's (one
 * of each); a path must keep to one of them throughout.
 */
function verifyOptimalPath(p: Problem, solution: Step[], text: string, issues: VerifyIssue[]): void {
  const before = issues.length;
  const at = (line: number, message: string) => issues.push({ thread: 'optimal_path', line, message });
  const { lines, unterminated } = splitThread(text);
  if (lines.length === 0) return void at(0, 'optimal_path is empty');
  if (unterminated) at(lines.length, 'last line has no newline (truncated?)');
  const first = lines[0]!.parsed;
  if (first?.kind !== 'state' || first.target !== p.target || pyIntList(first.nums) !== pyIntList(p.nums)) {
    at(1, `optimal_path must start with Current State: ${p.target}:${pyIntList(p.nums)}, Operations: []`);
  }
  const done: string[] = [];
  let explored = 0;
  let last: Step | undefined;
  /** The numbers after the steps so far, by each rule the lines so far agree with. */
  let states = new Map<Compat, readonly number[]>([
    ['default', p.nums],
    ['reference', p.nums],
  ]);
  const agree = (no: number, what: string, claimed: readonly number[]) => {
    const fits = [...states].filter(([, n]) => pyIntList(n) === pyIntList(claimed));
    if (fits.length > 0) states = new Map(fits);
    else at(no, `${what} ${pyIntList(claimed)} where the steps leave ${[...new Set([...states.values()].map((n) => pyIntList(n)))].join(' or ')}`);
  };
  for (const l of lines) {
    const t = l.parsed;
    if (!t) {
      at(l.no, `line does not parse: ${quote(l.text)}`);
      continue;
    }
    switch (t.kind) {
      case 'state':
        if (t.target !== p.target || t.ops.join() !== done.join()) {
          at(l.no, `Current State lists operations ${pyStrList(t.ops)} after ${pyStrList(done)}`);
        }
        agree(l.no, 'Current State has', t.nums);
        break;
      case 'explore': {
        const op = stepString(t.step);
        const fault = arithmeticFault(t.step);
        if (fault) at(l.no, `Exploring Operation: ${op} ${fault}`);
        // Whether the operands are there is the solution's check (its replay, on the true numbers).
        const step = t.step;
        states = new Map([...states].map(([rule, n]) => [rule, numbersAfter(n, step, rule)]));
        agree(l.no, `Exploring Operation: ${op}, Resulting Numbers`, t.nums);
        const want = solution[explored];
        if (!want || op !== stepString(want)) at(l.no, `optimal_path explores ${op} where the solution has ${want ? stepString(want) : 'no more steps'}`);
        explored++;
        last = t.step;
        break;
      }
      case 'pathNode':
        if (t.k !== done.length + 2) at(l.no, `optimal_path node #${t.k} where #${done.length + 2} is due`);
        agree(l.no, `Generated Node #${t.k} has`, t.nums);
        if (!last || stepString(t.step) !== stepString(last)) at(l.no, `Generated Node #${t.k} does not repeat the explored operation`);
        else done.push(stepString(t.step));
        break;
      case 'goal':
        if (t.target !== p.target) at(l.no, `${quote(l.text)} names target ${t.target}, not ${p.target}`);
        break;
      default:
        at(l.no, `${quote(l.text)} does not belong in an optimal_path`);
    }
  }
  const end = lines[lines.length - 1]!;
  if (explored < solution.length) at(end.no, `optimal_path explores ${explored} of the solution's ${solution.length} steps`);
  const goal = end.parsed;
  if (goal?.kind !== 'goal' || goal.value !== p.target || last?.result !== p.target) {
    at(end.no, `optimal_path must end with ${p.target},${p.target} equal: Goal Reached after reaching the target`);
  }
  // Each line is right; so must their order be: the path is the solution's, line for line
  // (a goal claimed midway, a state dropped or repeated), by one of the two numbers rules.
  if (issues.length > before) return;
  const forms = (['default', 'reference'] as const).map((c) => optimalPath(p.target, p.nums, solution, c));
  if (forms.includes(text)) return;
  const no = Math.max(...forms.map((f) => firstDifferentLine(text, f)));
  at(no, `optimal_path has ${quote(lines[no - 1]?.text ?? '')} where the solution's path has ${quote(forms.map((f) => f.split('\n')[no - 1] ?? '').find((l) => l !== lines[no - 1]?.text) ?? '')}`);
}
