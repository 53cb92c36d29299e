/**
 * Verifies one whole record (a parsed JSON line): a problem, a SoS+ / SoS search or an APR
 * search, told apart by their fields. Pure: the caller reads and parses the JSON.
 */
import { isJsonObject, shownValue } from '../core/values.js';
import { parseStep, pyIntList, replay, type Step } from '../core/countdown.js';
import { HEURISTICS, type HeuristicName } from '../core/heuristics.js';
import { classify, hasTextField, misnamedTextFault, hasTraceDict, isSearchRecord, isThreaded, searchKindOf, searchTypeBeam, searchTypeFault, strayTraceDict } from '../records/kind.js';
import { clampsRating, MAX_NODES, ratingOf } from '../core/rating.js';
import { isTraceDictLevel, MAX_TRACE_DEPTH, nestsTooDeep, threadsOf } from '../records/trace-dict.js';
import { verifyTraceDict } from './apr.js';
import { inLineOrder, type VerifyIssue } from './issue.js';
import { firstDifferentLine } from './lines.js';
import type { NodeState } from './node.js';
import { verifyProblem, type Problem } from './problem.js';
import type { SearchKind, ThreadGoal } from './thread-report.js';
import { verifyThread } from './thread.js';
import { readPrefix } from '../records/conditioning-prefix.js';
import { subCallBudgetFaults, tokenBudgetFault } from './prefix.js';

export interface VerifyOptions {
  /** Context window in tokens; with `countTokens`, longer sequences are reported. */
  window?: number;
  /** Tokens of a text without `<s>` / `</s>` (two are added for them); with it, a Token Budget prefix names its bin. */
  countTokens?: (text: string) => number;
}

/** Every issue found in the record, each thread's in line order; empty when it verifies. */
export function verifyRecord(record: unknown, options: VerifyOptions = {}): VerifyIssue[] {
  return inLineOrder(recordIssues(record, options), (i) => i.thread);
}

function recordIssues(rec: unknown, options: VerifyOptions): VerifyIssue[] {
  if (!isJsonObject(rec)) {
    return [{ thread: '', line: 0, message: 'record is not a JSON object' }];
  }
  // A null field stays a value here (a null beam_size is a fault); kind.ts's rule tells what the record is.
  const issues: VerifyIssue[] = [];
  // What a record is, by the rule stats and report read (records/kind.ts); the trace's own faults are found below.
  const search = isSearchRecord(rec);
  // A "text" that is not a string is no problem's extra field (kind.ts says what it is).
  if (!search && ((!('nums' in rec) && !('target' in rec)) || hasTextField(rec))) {
    const c = classify(rec);
    return [{ thread: '', line: 0, message: c.kind === undefined ? c.reason : `a ${c.kind} line, not a record` }];
  }
  const problem = verifyProblem(rec, issues);
  if (!search) {
    // A model's output under another name ("output", "completion") would be graded as the problem alone, valid.
    const misnamed = misnamedTextFault(rec);
    if (misnamed !== undefined) issues.push({ thread: '', line: 0, message: misnamed });
    return issues;
  }
  const kind = searchKindOf(rec.search_type);
  if (kind === undefined) return [...issues, { thread: '', line: 0, message: searchTypeFault(rec.search_type) }];
  if (!isThreaded(kind) && hasTraceDict(rec)) return [...issues, { thread: '', line: 0, message: strayTraceDict(kind) }];
  if (!problem) return issues;
  const searchPath = rec.search_path;
  if (typeof searchPath !== 'string') {
    issues.push({ thread: '', line: 0, message: 'search_path must be a string' });
    return issues;
  }
  const root: NodeState = { id: '0', nums: problem.nums, ops: [] };
  const spec = { target: problem.target, start: root, level: 0 };
  // the thread whose goal is the record's, and the record's training sequences
  let result: { thread: string; goal: ThreadGoal | undefined; clean: boolean } | undefined;
  let sequences: Array<{ thread: string; text: string }> = [{ thread: 'search_path', text: searchPath }];
  if (isThreaded(kind) && nestsTooDeep(rec.trace_dict)) {
    issues.push({ thread: '', line: 0, message: `trace_dict nests deeper than ${MAX_TRACE_DEPTH} levels` });
    return issues;
  }
  if (isThreaded(kind)) {
    const tree = verifyTraceDict(rec.trace_dict, '', spec, issues);
    if (tree && isTraceDictLevel(rec.trace_dict)) {
      const main = rec.trace_dict.main_calls;
      const last = tree.calls[tree.calls.length - 1]!;
      result = { thread: `main[${main.length - 1}]`, goal: last.goal, clean: last.issues.length === 0 };
      if (searchPath !== main[main.length - 1]) {
        issues.push({ thread: 'search_path', line: firstDifferentLine(searchPath, main[main.length - 1]!), message: `search_path is not the last main call (main[${main.length - 1}])` });
      }
      // every main call in the reference's `add_all_calls` order
      sequences = [...threadsOf(rec.trace_dict)].flatMap((t) => t.dict.main_calls.map((text, k) => ({ thread: `${t.at ? `${t.at}.` : ''}main[${k}]`, text })));
      const children = rec.trace_dict.sub_calls.reduce((n, kids) => n + (Array.isArray(kids) ? kids.length : 0), 0);
      for (const f of subCallBudgetFaults(main.map(readPrefix), children)) issues.push({ thread: `main[${f.at}]`, line: 1, message: f.message });
    }
  } else {
    const heuristic = HEURISTIC_NAMES.includes(rec.heuristic as HeuristicName) ? (rec.heuristic as HeuristicName) : undefined;
    const report = verifyThread(searchPath, { name: 'search_path', kind, ...spec, heuristic });
    issues.push(...report.issues);
    const prefix = report.prefix;
    if (prefix?.mode === 'token-budget' && options.countTokens) {
      const message = tokenBudgetFault(prefix, options.countTokens(searchPath.slice(prefix.length)) + 2);
      if (message) issues.push({ thread: 'search_path', line: 1, message });
    }
    result = { thread: 'search_path', goal: report.goal, clean: report.issues.length === 0 };
  }
  // The reference's own rule for `rating` (generate_apr.py: `"Goal Reached" in search_path`),
  // checked against the walk here; what the tool counts as solved is records/outcome.ts's.
  const solved = searchPath.includes('Goal Reached');
  if (result?.clean && solved !== (result.goal !== undefined)) {
    issues.push({ thread: result.thread, line: 0, message: solved ? 'text says Goal Reached but its search reached no goal' : 'search reached a goal without saying Goal Reached' });
  }
  verifyRating(rec.rating, kind, problem, searchPath, solved, issues);
  verifySearchFields(rec, issues);
  if (result?.goal) verifyFinalPath(problem, result.goal, result.thread, issues);
  const { window, countTokens } = options;
  if (window !== undefined && countTokens) {
    for (const s of sequences) {
      const n = countTokens(s.text) + 2;
      if (n > window) issues.push({ thread: s.thread, line: 0, message: `sequence takes ${n} tokens with <s> and </s>, over the ${window}-token window` });
    }
  }
  return issues;
}

const HEURISTIC_NAMES = Object.keys(HEURISTICS) as HeuristicName[];
const isPositiveInt = (x: unknown): boolean => Number.isSafeInteger(x) && (x as number) >= 1;

/**
 * The fields that say how the search was run agree with each other and are of their kind:
 * a beam of at least 1 in `search_type` (`sosp_3`), the same as `beam_size` where a record
 * has both; a child beam of at least 1; `promising_threshold` in [0, 1]; a known heuristic.
 */
function verifySearchFields(rec: Record<string, unknown>, issues: VerifyIssue[]): void {
  const at = (message: string) => issues.push({ thread: '', line: 0, message });
  // Called for a record whose search_type names its solver (searchKindOf), so a string.
  const beam = searchTypeBeam(String(rec.search_type));
  if (beam !== undefined && beam < 1) at(`search_type ${shownValue(rec.search_type)} has a beam below 1`);
  if ('beam_size' in rec) {
    if (!isPositiveInt(rec.beam_size)) at(`beam_size ${shownValue(rec.beam_size)} is not a positive integer`);
    else if (beam !== undefined && rec.beam_size !== beam) at(`beam_size ${String(rec.beam_size)} but search_type ${shownValue(rec.search_type)}`);
  }
  if ('sub_call_beam_size' in rec && !isPositiveInt(rec.sub_call_beam_size)) at(`sub_call_beam_size ${shownValue(rec.sub_call_beam_size)} is not a positive integer`);
  if ('promising_threshold' in rec) {
    const p = rec.promising_threshold;
    if (typeof p !== 'number' || !(p >= 0 && p <= 1)) at(`promising_threshold ${shownValue(p)} is not a number from 0 to 1`);
  }
  if ('heuristic' in rec && !HEURISTIC_NAMES.includes(rec.heuristic as HeuristicName)) at(`heuristic ${shownValue(rec.heuristic)} is none of ${HEURISTIC_NAMES.join(', ')}`);
}

/** The rating the trace gives (ratingOf: its Exploring Operation lines, "Goal Reached" or not). */
function verifyRating(rating: unknown, kind: SearchKind, p: Problem, searchPath: string, solved: boolean, issues: VerifyIssue[]): void {
  const explored = searchPath.split('Exploring Operation').length - 1;
  // Either mode's value is accepted (clampsRating): a default-mode APR record made before default
  // mode clamped its rating (2026-12-05) is as the reference's, and a record does not say when it was made.
  const expected = ratingOf(solved, explored, p.startSize, clampsRating(isThreaded(kind), false));
  if (expected === undefined) {
    issues.push({ thread: '', line: 0, message: `no max_nodes for start size ${p.startSize}, so the rating cannot be checked` });
    return;
  }
  const asReference = ratingOf(solved, explored, p.startSize, clampsRating(isThreaded(kind), true));
  if (rating !== expected && rating !== asReference) {
    const why = solved ? `${explored} Exploring Operation lines, max_nodes ${MAX_NODES[p.startSize]}` : 'no Goal Reached';
    const unclamped = asReference === expected ? '' : `, or ${asReference} unclamped, as the reference writes it`;
    issues.push({ thread: '', line: 0, message: `rating ${shownValue(rating)} but the trace gives ${expected}${unclamped} (${why})` });
  }
}

/** The final clean path replays from nums to the target, each number used once. */
export function verifyFinalPath(p: Problem, goal: ThreadGoal, thread: string, issues: VerifyIssue[]): void {
  const steps = goal.ops.map(parseStep).filter((s): s is Step => s !== undefined);
  const r = replay(p.nums, steps);
  const message = !r.ok
    ? `final path does not replay from ${pyIntList(p.nums)}: ${r.fault}`
    : r.nums.length !== 1 || r.nums[0] !== p.target
      ? `final path ends with ${pyIntList(r.nums)}, not [${p.target}]`
      : undefined;
  if (message) issues.push({ thread, line: goal.pathLine, message });
}
