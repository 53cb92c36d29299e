/**
 * Sequences files (`search --sequences-out`, the corpus' `*.sequences.jsonl`, or a `.json`
 * array of strings) checked as a trainer reads them: every sequence parsed line by line in
 * its thread's grammar; the sequences of one record, named by `thread`, put back together
 * into their search (an APR tree is rebuilt from the thread names and checked as the
 * record's trace_dict would be); conditioning prefixes checked against what they claim.
 * Pure: the caller reads the file and counts tokens.
 */
import type { TraceDictTree } from '../records/trace-dict.js';
import { isThreaded } from '../records/kind.js';
import { solverNamed } from '../solver/registry.js';
import { verifyTraceDict, type TreeNames } from './apr.js';
import { inLineOrder, quote, type VerifyIssue } from './issue.js';
import { openingOf, parseTraceLine, type TraceLine } from '../records/trace-lines.js';
import { arithmeticFault, parseStep, problemKey, pyIntList, replay, stepString, type Step } from '../core/countdown.js';
import type { NodeState } from './node.js';
import { verifyFinalPath } from './record.js';
import type { SearchKind, ThreadGoal, ThreadReport } from './thread-report.js';
import { verifyThread } from './thread.js';
import { readPrefix, type ReadPrefix } from '../records/conditioning-prefix.js';
import { subCallBudgetFaults, tokenBudgetFault } from './prefix.js';

export interface SequenceLine {
  /** The text as written, conditioning prefix included. */
  readonly text: string;
  /** `root`, `root.0`, `root.1.2`; undefined for a bare string (a `.json` array). */
  readonly thread?: string | undefined;
  /** Which of the thread's sequences (its main call). */
  readonly index?: number | undefined;
  /**
   * The problem the text was written for, when its line names one (`nums` and `target` beside
   * the text, as a model's output kept with its prompt): the search must start from it.
   */
  readonly problem?: GivenProblem | undefined;
}

export interface GivenProblem {
  readonly nums: readonly number[];
  readonly target: number;
}

export interface SequenceOptions {
  /** Tokens of a text without `<s>` and `</s>`; with it, Token Budget bins are checked. */
  readonly countTokens?: (text: string) => number;
  /**
   * The search every text must be a trace of (`verify --solver`); undefined: any (a text does not
   * say which, so a SoS+ text cut short after its goal reads as a whole BFS one).
   */
  readonly solver?: SearchKind | undefined;
}

/** An issue of one sequence: `entry` is its position in the list checked. */
export interface SequenceIssue extends VerifyIssue {
  readonly entry: number;
}

const THREAD = /^root(?:\.(?:0|[1-9]\d*))*$/;

/** The parsed lines of a text that open with `<` (spawn and join lines), in order. */
function* blockLines(text: string): Generator<TraceLine> {
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    const line = text.charCodeAt(at) === 0x3c ? parseTraceLine(text.slice(at, end)) : undefined;
    if (line) yield line;
    at = end + 1;
  }
}

/** The level the first spawn or join line of an APR thread names: the thread's level + 1. */
function namedLevel(text: string): number | undefined {
  for (const l of blockLines(text)) if (l.kind === 'spawn' || l.kind === 'joinGoal' || l.kind === 'joinNone') return l.level;
  return undefined;
}

/** Children a main call spawns: its `<Start Sub Search ...>` lines. */
function spawnCount(text: string): number {
  let n = 0;
  for (const l of blockLines(text)) if (l.kind === 'spawn') n++;
  return n;
}

/**
 * Children a main call names: those its spawn hands out and those its joins report (each join
 * answers an earlier call's spawn, whose lines this call does not repeat), each once.
 */
function childrenNamed(text: string): number {
  let n = 0;
  for (const l of blockLines(text)) if (l.kind === 'spawn' || l.kind === 'joinGoal' || l.kind === 'joinNone') n++;
  return n;
}

interface Entry {
  readonly at: number;
  readonly name: string;
  /** The text as written, and without its conditioning prefix (read by the walk, verifyThread). */
  readonly text: string;
  readonly body: string;
  readonly prefix: ReadPrefix | undefined;
  readonly problem: GivenProblem | undefined;
}

/**
 * Checks the sequences of one record, in the file's order (all of them, when they carry
 * thread names; a bare string is checked alone).
 */
export function verifySequences(seqs: readonly SequenceLine[], options: SequenceOptions = {}): SequenceIssue[] {
  const issues: SequenceIssue[] = [];
  const entries = seqs.map((s, at): Entry => {
    const prefix = readPrefix(s.text);
    const name = sequenceName(s);
    return { at, name, text: s.text, body: prefix ? s.text.slice(prefix.length) : s.text, prefix, problem: s.problem };
  });
  checkTokenBudgets(entries, options, issues);
  const named = seqs.length > 0 && seqs.every((s) => s.thread !== undefined);
  const problemLine = named ? checkOneProblem(entries, issues) : undefined;
  const tree = named ? threadTree(seqs, entries, issues) : undefined;
  if (tree) verifyRecordThreads(tree, issues, options.solver, problemLine);
  else for (const e of entries) verifyAlone(e, issues, options.solver);
  return inLineOrder(issues, (i) => i.entry);
}

/**
 * The sequences of one record search one problem: each line that names a problem (as a
 * model's outputs kept with their prompts do) names the first one's. The root's text is held
 * to it (startOf), and every thread's to the root's target, so a line naming another problem
 * is graded for the wrong one unless it is named here. Returns that first line (the record's
 * problem), if any names one.
 */
function checkOneProblem(entries: readonly Entry[], issues: SequenceIssue[]): Entry | undefined {
  const first = entries.find((e) => e.problem !== undefined);
  const given = first?.problem;
  if (!first || !given) return undefined;
  const show = (p: GivenProblem) => `${pyIntList(p.nums)} and target ${p.target}`;
  // One problem whatever the order of its numbers (a child's text never shows the root's order; the root's is held to its text).
  const want = problemKey(given.nums, given.target);
  for (const e of entries) {
    if (e.problem === undefined || problemKey(e.problem.nums, e.problem.target) === want) continue;
    issues.push({ entry: e.at, thread: e.name, line: 0, message: `the line names the problem ${show(e.problem)}, but ${first.name} of its record names ${show(given)}` });
  }
  return first;
}

/** A Token Budget prefix names the smallest bin the sequence fits (docs/trace-format.md §10). */
function checkTokenBudgets(entries: readonly Entry[], o: SequenceOptions, issues: SequenceIssue[]): void {
  if (!o.countTokens) return;
  for (const e of entries) {
    if (e.prefix?.mode !== 'token-budget') continue;
    const message = tokenBudgetFault(e.prefix, o.countTokens(e.body) + 2);
    if (message) issues.push({ entry: e.at, thread: e.name, line: 1, message });
  }
}

/** How a finding names a sequence: `root.2#0`, `thread ""` when its thread is not of that form, `sequence` without one. */
export function sequenceName(s: SequenceLine): string {
  if (s.thread === undefined) return 'sequence';
  return s.index === undefined ? `thread ${JSON.stringify(s.thread)}` : `${s.thread}#${s.index}`;
}

/** The threads of a record by name, checked for the reference's flattening order; undefined (with an issue) when the names do not make one. */
function threadTree(seqs: readonly SequenceLine[], entries: readonly Entry[], issues: SequenceIssue[]): Map<string, Entry[]> | undefined {
  const tree = new Map<string, Entry[]>();
  // Every line's own name is checked, not only the first faulty one's (a bad name hid the next line's). After a
  // number out of turn, the next is in turn if it follows either the count or that number: a typo (0, 7, 2) and a
  // gap (0, 2, 3) are each one finding.
  const due = new Map<string, readonly number[]>();
  let named = true;
  for (const [at, s] of seqs.entries()) {
    const e = entries[at]!;
    if (!THREAD.test(s.thread!) || !Number.isSafeInteger(s.index) || s.index! < 0) {
      issues.push({ entry: at, thread: e.name, line: 0, message: `"thread" ${JSON.stringify(s.index === undefined ? s.thread : `${s.thread}#${s.index}`)} is not of the form root.2#0` });
      named = false;
      continue;
    }
    const next = due.get(s.thread!) ?? [0];
    if (next.includes(s.index!)) {
      due.set(s.thread!, [s.index! + 1]);
    } else {
      issues.push({ entry: at, thread: e.name, line: 0, message: `sequence ${s.index} of ${s.thread} where its sequence ${next[0]} is due` });
      named = false;
      due.set(s.thread!, [next[0]! + 1, s.index! + 1]);
    }
    const list = tree.get(s.thread!);
    if (list) list.push(e);
    else tree.set(s.thread!, [e]);
  }
  if (!named) return undefined;
  if (!tree.has('root')) {
    issues.push({ entry: 0, thread: entries[0]!.name, line: 0, message: 'the record has no root thread (no sequence of thread "root")' });
    return undefined;
  }
  // The order add_all_calls gives: a thread's sequences, then each child's, recursively.
  const order: string[] = [];
  const walk = (name: string) => {
    for (const e of tree.get(name) ?? []) order.push(e.name);
    for (let k = 0; tree.has(`${name}.${k}`); k++) walk(`${name}.${k}`);
  };
  walk('root');
  for (const [at, e] of entries.entries()) {
    if (order[at] !== e.name) {
      const why = order[at] === undefined ? 'its parent thread or an earlier sibling is missing' : `${order[at]} is due here`;
      issues.push({ entry: at, thread: e.name, line: 0, message: `sequences out of the reference's order: ${why}` });
      return undefined;
    }
  }
  return tree;
}

/**
 * The problem a thread's text starts from: its `Moving to Node` id (if any) and first `Current
 * State`; held to the line's own problem (heldToProblem) unless the caller holds it (`held`).
 */
function startOf(e: Entry, issues: SequenceIssue[], held = false): { target: number; start: NodeState; moved: boolean } | undefined {
  const { move, at, text: first, state } = openingOf(e.body);
  if (!state) {
    // A line that reads as a Current State but breaks its grammar (a sign, a leading zero) is said to be one.
    const message = first?.startsWith('Current State: ')
      ? `line does not parse: ${quote(first)}`
      : `a sequence starts with its Current State (after Moving to Node # for APR threads)${first !== undefined ? `, not ${quote(first)}` : ', and this text has no such line'}`;
    issues.push({ entry: e.at, thread: e.name, line: at + 1, message });
    return undefined;
  }
  const id = move ? move.id : '0';
  const start = { target: state.target, start: { id, nums: state.nums, ops: state.ops }, moved: move !== undefined };
  return held || heldToProblem(e, start, issues) ? start : undefined;
}

/**
 * Whether a text that starts at `start` searches its line's problem, or `record`'s where the
 * line names none (the problem another line of its record names, in any order of its numbers,
 * as lines are held to each other); a fault is the line's issue. A thread of any level searches
 * for the problem's target; one that starts at the root (node #0: a SoS+, DFS or BFS search, or
 * an APR root after Moving to Node #0) starts from the problem itself.
 */
function heldToProblem(e: Entry, start: { target: number; start: NodeState; moved: boolean }, issues: SequenceIssue[], record?: { problem: GivenProblem; name: string }): boolean {
  const given = e.problem ?? record?.problem;
  if (!given) return true;
  const whose = e.problem ? "the line's problem" : `the record's problem (named by ${record!.name})`;
  const nums = (list: readonly number[]) => (e.problem ? pyIntList(list) : problemKey(list, 0));
  const { target, start: node } = start;
  const fault =
    target !== given.target
      ? `the text searches for ${target}, ${whose} for ${given.target}`
      : node.id === '0' && nums(node.nums) !== nums(given.nums)
        ? `the text starts from ${pyIntList(node.nums)}, ${whose} from ${pyIntList(given.nums)}`
        : undefined;
  if (fault) issues.push({ entry: e.at, thread: e.name, line: start.moved ? 2 : 1, message: fault });
  return fault === undefined;
}

function push(issues: SequenceIssue[], e: Entry, report: ThreadReport): void {
  for (const i of report.issues) issues.push({ ...i, entry: e.at, thread: e.name });
}

/**
 * A single-sequence search (SoS+, DFS, BFS) is accepted when it is a valid trace of any of
 * them (a sequence does not say which); its issues are those of the reading that follows the
 * text furthest (readingOrder).
 */
function verifySingle(e: Entry, target: number, start: NodeState, issues: SequenceIssue[], solver: SearchKind | undefined): ThreadReport {
  const kinds: SearchKind[] = solver !== undefined ? [solver] : /Sub Search/.test(e.body) ? ['sosp'] : ['sosp', 'bfs', 'dfs'];
  let best: ThreadReport | undefined;
  for (const kind of kinds) {
    const r = verifyThread(e.text, { name: e.name, kind, target, start, level: 0 });
    if (!best || readingOrder(r, best) < 0) best = r;
    if (r.issues.length === 0) break;
  }
  push(issues, e, best!);
  return best!;
}

/**
 * Whether a text is another search than the one asked for (`solver`), said as its issue: APR
 * threads start by moving to their node, the other searches at their problem's Current State.
 */
function otherSearch(e: Entry, moved: boolean, solver: SearchKind | undefined, issues: SequenceIssue[]): boolean {
  if (solver === undefined || moved === isThreaded(solver)) return false;
  const label = solverNamed(solver).label;
  const message = moved
    ? `${label} searches start with their problem's Current State, not with Moving to Node # (a thread's start: --solver ${solver} was asked for)`
    : `${label} threads start with Moving to Node #, not with a Current State (--solver ${solver} was asked for)`;
  issues.push({ entry: e.at, thread: e.name, line: 1, message });
  return true;
}

/**
 * Which of two readings of one text is the closer (negative: `a`): the one the text follows
 * further, which is where its walk stopped (a reading that never stops reads it all), then
 * whose faults start later, line by line, then the one with fewer. The reading the text
 * follows furthest is the search it is a trace of, and its first fault the text's. Counting
 * faults instead let a wrong grammar win: a SoS+ text repeating one exploration has a fault
 * per repeat, where the DFS reading stops with one on the line it first repeats.
 */
function readingOrder(a: ThreadReport, b: ThreadReport): number {
  // Larger is closer at the first place the keys differ; the end mark makes fewer faults closer.
  const key = (r: ThreadReport) => [r.stoppedAt ?? Infinity, ...r.issues.map((i) => i.line).sort((x, y) => x - y), Infinity];
  const [ka, kb] = [key(a), key(b)];
  for (let k = 0; k < Math.min(ka.length, kb.length); k++) if (ka[k] !== kb[k]) return ka[k]! > kb[k]! ? -1 : 1;
  return 0;
}

/**
 * What is wrong with the state a lone thread starts from (no parent vouches for it): its
 * operations must be as many as its node id is deep, each right, and lead from the problem
 * (when the line gives one) to its numbers; without the problem, to numbers that hold the
 * last result at least.
 */
function startHistoryFault(start: NodeState, given: GivenProblem | undefined): string | undefined {
  const depth = start.id.split(',').length - 1;
  if (start.ops.length !== depth) return `node #${start.id} is ${depth} operation(s) from the problem, but its Current State lists ${start.ops.length}`;
  const steps: Step[] = [];
  for (const op of start.ops) {
    const step = parseStep(op);
    if (!step) return `Current State lists ${quote(op)}, not an operation`;
    const fault = arithmeticFault(step);
    if (fault) return `Current State lists ${op}, which ${fault}`;
    steps.push(step);
  }
  const sorted = (nums: readonly number[]) => pyIntList([...nums].sort((a, b) => a - b));
  if (given) {
    const r = replay(given.nums, steps);
    if (!r.ok) return `Current State's operations do not replay from the line's problem: step ${r.index + 1} ${r.fault}`;
    if (sorted(r.nums) !== sorted(start.nums)) return `Current State's operations leave ${pyIntList(r.nums)}, not ${pyIntList(start.nums)}`;
  } else if (steps.length > 0 && !start.nums.includes(steps[steps.length - 1]!.result)) {
    return `Current State's numbers ${pyIntList(start.nums)} lack its last operation's result (${stepString(steps[steps.length - 1]!)})`;
  }
  return undefined;
}

/** A sequence with nothing around it: a bare string, or the names did not make a tree. */
function verifyAlone(e: Entry, issues: SequenceIssue[], solver: SearchKind | undefined): void {
  const s = startOf(e, issues);
  if (!s) return;
  if (otherSearch(e, s.moved, solver, issues)) return;
  if (!s.moved) {
    // SoS+, DFS and BFS search from the problem itself; only APR child threads start midway, after Moving to Node #.
    if (s.start.ops.length > 0) {
      issues.push({ entry: e.at, thread: e.name, line: 1, message: 'a search that does not start with Moving to Node # starts at its problem, with no operations done' });
      return;
    }
    const r = verifySingle(e, s.target, s.start, issues, solver);
    if (r.goal) finalPath(s.target, s.start, r.goal, e, issues);
    return;
  }
  // Node #0 is the problem itself, whichever thread moves to it.
  if (s.start.id === '0' && s.start.ops.length > 0) {
    issues.push({ entry: e.at, thread: e.name, line: 2, message: 'node #0 is the problem itself: its Current State has no operations done' });
    return;
  }
  const history = startHistoryFault(s.start, e.problem);
  if (history) {
    issues.push({ entry: e.at, thread: e.name, line: 2, message: history });
    return;
  }
  // Alone, a root sequence shows only the children its own spawns and joins name: its budget counts at least those.
  const children = s.start.id === '0' && e.prefix?.mode === 'sub-call-budget' ? childrenNamed(e.body) : 0;
  if (e.prefix && e.prefix.n < children) {
    issues.push({ entry: e.at, thread: e.name, line: 1, message: `Sub Call Budget: ${e.prefix.n} but this root sequence alone names ${children} child threads (in its spawns and joins)` });
  }
  // An APR thread: the root (node #0) is level 0; a child's level is what its spawn and join
  // lines say, less one (else 1).
  const named = namedLevel(e.body);
  const level = s.start.id === '0' ? 0 : named !== undefined ? named - 1 : 1;
  // Each level hands out nodes at least one operation deeper: a child thread's level is 1 to its node's depth.
  const depth = s.start.id.split(',').length - 1;
  if (s.start.id !== '0' && (level < 1 || level > depth)) {
    issues.push({ entry: e.at, thread: e.name, line: 0, message: `a thread starting at node #${s.start.id} is a child thread of level 1 to ${depth}, but its spawn and join lines (at level ${named}) make it level ${level}` });
    return;
  }
  push(issues, e, verifyThread(e.text, { name: e.name, kind: 'apr', target: s.target, start: s.start, level }));
}

/** The sequences of one record as one search: an APR tree as its trace_dict, or one single-sequence search. */
function verifyRecordThreads(tree: Map<string, Entry[]>, issues: SequenceIssue[], solver: SearchKind | undefined, problemLine: Entry | undefined): void {
  const roots = tree.get('root')!;
  const root = roots[0]!;
  // A root line may name no problem while another line of its record does: the search is held to that one.
  const record = problemLine?.problem && { problem: problemLine.problem, name: problemLine.name };
  const s = startOf(root, issues, true);
  if (!s) return;
  // Every root sequence starts as the first does (each repeats the one before it up to its
  // spawn), and the last is the one graded solved: each is held to the problem, not the first alone.
  if (!roots.map((e) => heldToProblem(e, s, issues, record)).every(Boolean)) return;
  if (otherSearch(root, s.moved, solver, issues)) return;
  if (s.start.ops.length > 0 || s.start.id !== '0') {
    issues.push({ entry: root.at, thread: root.name, line: 1, message: 'the root thread starts at node #0 with no operations done' });
    return;
  }
  checkSubCallBudgets(tree, issues);
  if (!s.moved) {
    if (tree.size > 1 || tree.get('root')!.length > 1) {
      issues.push({ entry: root.at, thread: root.name, line: 0, message: 'only an APR search has more than one sequence, and its threads start with Moving to Node #' });
      return;
    }
    const r = verifySingle(root, s.target, s.start, issues, solver);
    if (r.goal) finalPath(s.target, s.start, r.goal, root, issues);
    return;
  }
  // Rebuild the trace_dict: sub_calls[k] are the children the k-th main call spawned, in order.
  const names = new Map<string, string>(); // trace_dict path -> thread name
  const build = (name: string, path: string): TraceDictTree => {
    names.set(path, name);
    const main = tree.get(name)!;
    const kids: string[] = [];
    for (let k = 0; tree.has(`${name}.${k}`); k++) kids.push(`${name}.${k}`);
    const sub: TraceDictTree[][] = [];
    let next = 0;
    for (let k = 0; k + 1 < main.length; k++) {
      const n = spawnCount(main[k]!.body);
      const at = (j: number) => `${path ? `${path}.` : ''}sub[${k}][${j}]`;
      // named before they are built: a join's report on a child the file lacks names it too
      for (let j = 0; j < n; j++) names.set(at(j), `${name}.${next + j}`);
      sub.push(kids.slice(next, next + n).map((kid, j) => build(kid, at(j))));
      next += n;
    }
    if (next < kids.length) {
      const e = main[main.length - 1]!;
      issues.push({ entry: e.at, thread: e.name, line: 0, message: `${kids.length - next} child thread(s) of ${name} that none of its spawns names` });
    }
    // As written, prefix included: the walk checks a prefix against its thread.
    return { main_calls: main.map((e) => e.text), sub_calls: sub };
  };
  const td = build('root', '');
  const found: VerifyIssue[] = [];
  // Messages name threads as this file does (`root.1#0`), not by the rebuilt trace_dict's paths.
  const threadName = (at: string) => names.get(at) ?? at;
  // A line of a thread found faulty before the walk (naming another problem than its record's)
  // leaves its thread unsound: a join's report of its goal does not carry the parent.
  const faultedLines = new Set(issues.map((i) => i.entry));
  const treeNames: TreeNames = {
    thread: threadName,
    call: (at, k) => `${threadName(at)}#${k}`,
    held: (at, k, held, spawned) => `the file holds ${held} child threads of ${threadName(at)}#${k}, which spawned ${spawned}`,
    faulted: (at) => (tree.get(threadName(at)) ?? []).some((e) => faultedLines.has(e.at)),
  };
  const result = verifyTraceDict(td, '', { target: s.target, start: s.start, level: 0 }, found, treeNames);
  for (const i of found) {
    // `main[1]`, `sub[0][2].main[0]` or a tree path such as `sub[0][2]` back to a sequence.
    const m = /^(?:(.*)\.)?main\[(\d+)\]$/.exec(i.thread);
    const name = names.get(m ? (m[1] ?? '') : i.thread) ?? 'root';
    const e = tree.get(name)![m ? Number(m[2]) : 0] ?? tree.get(name)![0]!;
    issues.push({ ...i, entry: e.at, thread: e.name });
  }
  if (result?.goal) finalPath(s.target, s.start, result.goal, tree.get('root')!.at(-1)!, issues);
}

/** A solved search's final path replays from the root's numbers to the target. */
function finalPath(target: number, root: NodeState, goal: ThreadGoal, e: Entry, issues: SequenceIssue[]): void {
  const found: VerifyIssue[] = [];
  verifyFinalPath({ nums: [...root.nums], target, startSize: root.nums.length }, goal, e.name, found);
  for (const i of found) issues.push({ ...i, entry: e.at });
}

/** The root's Sub Call Budgets against its child threads (one before a child thread is the walk's finding). */
function checkSubCallBudgets(tree: Map<string, Entry[]>, issues: SequenceIssue[]): void {
  let children = 0;
  while (tree.has(`root.${children}`)) children++;
  const roots = tree.get('root')!;
  for (const f of subCallBudgetFaults(roots.map((e) => e.prefix), children)) {
    const e = roots[f.at]!;
    issues.push({ entry: e.at, thread: e.name, line: 1, message: f.message });
  }
}
