import { has, hasTraceDict } from '../records/kind.js';
import { recordSolved, threadSolved } from '../records/outcome.js';
import { parseStep, type Step } from '../core/countdown.js';
import { recordTraceDict, threadsOf } from '../records/trace-dict.js';
import { parseTraceLine } from '../records/trace-lines.js';
import { solutionExpression } from './expression.js';
import { sequenceLength, textTokensOf } from '../tokens/llama.js';
import { PyFloat, type PyJson } from './pyjson.js';
import { tokenFieldsOf, treeFigures, type ThreadFigures } from './sequences.js';
import { fmtInt, plural } from '../io/numbers.js';

/** One thread of a record as read back from its text: for `inspect` and reports. */
export interface ThreadView {
  /** `root`, `root.2`, `root.1.0` (child 2 of the root, ...). */
  readonly name: string;
  readonly level: number;
  /** The node the thread was handed (from its first `Moving to Node` line). */
  readonly startNode: string;
  /** Its sequences (the reference's main_calls); other searches have one. */
  readonly sequences: readonly string[];
  readonly solved: boolean;
}

/**
 * The threads of a search record in flattening order (`threadsOf`): an APR trace_dict's, or
 * the one thread of the other searches' search_path, from the root.
 */
function recordThreads(record: Record<string, unknown>): ThreadView[] {
  const dict = recordTraceDict(record);
  if (!hasTraceDict(record)) {
    const path = dict.main_calls[0]!;
    return [{ name: 'root', level: 0, startNode: '0', sequences: [path], solved: recordSolved(record) }];
  }
  return [...threadsOf(dict)].map(({ dict: d, level, name }) => ({
    name,
    level,
    startNode: firstMove(d.main_calls[0] ?? '') ?? '?',
    sequences: d.main_calls,
    solved: threadSolved(d), // the root's is recordSolved's: the rule stats counts by
  }));
}

/**
 * A record's thread-tree figures read back from its text alone (an APR `trace_dict`, or the
 * single `search_path` of the other searches), so they hold for records of any origin, the
 * reference's included, and check the record's own figure fields rather than trust them.
 * `textTokens` counts a text's tokens (no `<s>`, `</s>`); `onSequence` sees every sequence
 * in the reference's flattening order with its text tokens and its thread's level.
 * The definitions are `treeFigures`' (src/serializers/sequences.ts), as for a search's own.
 */
export function recordFigures(
  record: Record<string, unknown>,
  textTokens: (text: string) => number,
  onSequence?: (text: string, tokens: number, level: number) => void,
): ThreadFigures {
  return treeFigures(recordTraceDict(record), (d, level) => ({
    seqTokens: d.main_calls.map((text) => {
      const n = textTokens(text);
      onSequence?.(text, n, level);
      return n;
    }),
    spawns: d.sub_calls,
  }));
}

/** The record field that holds each thread figure. */
const FIGURE_FIELDS: readonly (readonly [keyof ThreadFigures, string])[] = [
  ['threads', 'thread_count'],
  ['sequences', 'seq_count'],
  ['depth', 'thread_depth'],
  ['totalTokens', 'text_token_count'],
  ['sequentialTokens', 'sequential_token_count'],
];

/**
 * What is wrong with a record's own figure fields (default-mode search records) against the
 * recount of its text: `thread_count 7 (the text: 3)`, a field that is not a number, or
 * fields missing beside the others or beside `seq_token_counts`. Undefined when the record
 * has none of them (a reference record: nothing to check, and `recount` is not called).
 */
export function figureFieldFaults(record: Record<string, unknown>, recount: () => ThreadFigures): string[] | undefined {
  const fields = FIGURE_FIELDS.map(([, field]) => field);
  const faults = fieldGroupFaults(record, 'figure', fields, () => {
    const text = recount();
    return Object.fromEntries(FIGURE_FIELDS.map(([key, field]) => [field, text[key]]));
  });
  // seq_token_counts is written with the figure fields (figureFields): beside it, they are missing.
  if (faults === undefined && has(record, 'seq_token_counts')) return [`figure fields ${fields.join(', ')} missing beside seq_token_counts`];
  return faults;
}

/**
 * Whether a record lacks every figure field (a reference record, or such a row of a table of
 * several kinds of rows, whose cells are null: kind.ts's `has`).
 */
const lacksFigures = (record: Record<string, unknown>): boolean => FIGURE_FIELDS.every(([, field]) => !has(record, field));

/**
 * One rule for a group of numeric fields a record carries all or none of (the figure fields,
 * the token fields): undefined when none is present; else each field missing beside the
 * others, not a number, or not the value `recount` gives it (called only then).
 */
function fieldGroupFaults(record: Record<string, unknown>, group: string, fields: readonly string[], recount: () => Record<string, number>): string[] | undefined {
  // A null beside the group's numbers is a cell the row lacks (kind.ts's `has`): named as missing.
  const present = fields.filter((f) => has(record, f));
  if (present.length === 0) return undefined;
  const out: string[] = [];
  const missing = fields.filter((f) => !present.includes(f));
  if (missing.length > 0) out.push(`${group} fields ${missing.join(', ')} missing beside ${present.join(', ')}`);
  const want = recount();
  for (const f of present) {
    const v = record[f];
    if (typeof v !== 'number') out.push(`${f} ${JSON.stringify(v)} is not a number`);
    else if (v !== want[f]) out.push(`${f} ${v} (the text: ${want[f]})`);
  }
  return out;
}

/** The reference's token fields (tokenFieldsOf), which default-mode records also carry. */
const TOKEN_FIELDS = ['token_count', 'longest_seq_token_count', 'avg_seq_token_count', 'avg_sub_seq_token_count', 'sub_call_count'] as const;

/**
 * Each token field (and `seq_token_counts`) of a record that is not what its text gives,
 * recounted by the rule that made it (tokenFieldsOf): `token_count 1234 (the text: 1230)`.
 * A record without token fields has nothing to disagree with; one with some of them, or
 * with one that is not a number, is named.
 */
export function tokenFieldDisagreements(record: Record<string, unknown>, textTokens: (text: string) => number): string[] {
  const present = TOKEN_FIELDS.filter((f) => has(record, f));
  // A null seq_token_counts is a table's cell only in a row that lacks the figure fields it is written with.
  const counts = record.seq_token_counts === null && lacksFigures(record) ? undefined : record.seq_token_counts;
  if (present.length === 0 && counts === undefined) return []; // a reference record: nothing to recount
  const out: string[] = [];
  const seqs = [...threadsOf(recordTraceDict(record))].flatMap(({ dict, level }) =>
    dict.main_calls.map((text) => ({ text, isRoot: level === 0, tokens: textTokens(text), chars: text.length })),
  );
  out.push(
    ...(fieldGroupFaults(record, 'token', TOKEN_FIELDS, () => {
      const recount = tokenFieldsOf(seqs, (a, b) => textTokens(commonPrefix(a.text, b.text)));
      const value = (v: PyJson | undefined) => (v instanceof PyFloat ? v.value : v);
      return Object.fromEntries(TOKEN_FIELDS.map((f) => [f, value(recount[f]) as number]));
    }) ?? []),
  );
  if (counts !== undefined) {
    const want = seqs.map((q) => q.tokens);
    if (!Array.isArray(counts)) out.push('seq_token_counts is not a list');
    else if (counts.length !== want.length || counts.some((c, i) => c !== want[i])) out.push(`seq_token_counts [${counts.join(', ')}] (the text: [${want.join(', ')}])`);
  }
  return out;
}

function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return a.slice(0, i);
}

/**
 * The operations of the final solution in a trace: the last `Goal Reached` line closes it,
 * the `Exploring Operation` line just before it is the last one, and the nearest `Current
 * State` line above that (the node it expanded) lists the earlier ones. In SoS+ and APR that
 * line is right above; BFS and DFS print the node's other children between them.
 */
export function finalOperations(text: string): Step[] | undefined {
  const lines = text.split('\n');
  let goal = -1;
  for (let k = lines.length - 1; k >= 0; k--) {
    if (lines[k]!.endsWith(' equal: Goal Reached') && parseTraceLine(lines[k]!)?.kind === 'goal') {
      goal = k;
      break;
    }
  }
  if (goal < 0) return undefined;
  const explore = parseTraceLine(lines[goal - 1] ?? '');
  let at = goal - 2;
  while (at >= 0 && !lines[at]!.startsWith('Current State: ')) at--;
  const state = parseTraceLine(lines[at] ?? '');
  if (explore?.kind !== 'explore' || state?.kind !== 'state') return undefined;
  const earlier = state.ops.map(parseStep);
  return earlier.every((s) => s !== undefined) ? [...(earlier as Step[]), explore.step] : undefined;
}

/** The node of the first line that moves to one (a thread's start), if any. */
function firstMove(text: string): string | undefined {
  for (let at = 0; at < text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    if (text.startsWith('Moving to Node #', at)) {
      const line = parseTraceLine(text.slice(at, end));
      if (line?.kind === 'move') return line.id;
    }
    at = end + 1;
  }
  return undefined;
}

const lineCount = (text: string) => text.split('\n').filter((l) => l !== '').length;

/** Min, median (nearest rank, as the reports' percentiles) and max of some values; zeros when there are none. */
export function minMedianMax(values: readonly number[]): { min: number; median: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return { min: 0, median: 0, max: 0 };
  return { min: sorted[0]!, median: sorted[Math.ceil(sorted.length / 2) - 1]!, max: sorted[sorted.length - 1]! };
}

/** Sequence lengths in bins that double in width (`128–255: 3`), as one compact line. */
function lengthBins(lengths: readonly number[]): string {
  const bins = new Map<number, number>();
  for (const n of lengths) {
    const lo = n < 2 ? 0 : 2 ** Math.floor(Math.log2(n));
    bins.set(lo, (bins.get(lo) ?? 0) + 1);
  }
  return [...bins]
    .sort((a, b) => a[0] - b[0])
    .map(([lo, k]) => `${fmtInt(lo)}–${fmtInt(Math.max(1, lo * 2 - 1))}: ${fmtInt(k)}`)
    .join(', ');
}

/** What checking a record found, in one line: its first fault and how many more. */
export function unverified(faults: readonly string[]): string {
  return `the record does not verify: ${faults[0]}${faults.length > 1 ? ` (and ${plural(faults.length - 1, 'more issue')}; verify lists them)` : ''}`;
}

/** A record's search type (`problem` for a problem record) and its settings, as `inspect` and its page show them. */
export function searchFacts(record: Readonly<Record<string, unknown>>): { readonly searchType: string; readonly settings: readonly string[] } {
  const shown = (label: string, v: unknown) => (v === undefined ? [] : [`${label} ${String(v)}`]);
  return {
    searchType: typeof record.search_type === 'string' ? record.search_type : 'problem',
    settings: [
      ...shown('beam', record.beam_size),
      ...shown('child beam', record.sub_call_beam_size),
      ...shown('promising', record.promising_threshold),
      ...shown('heuristic', record.heuristic),
    ],
  };
}

/** Whether a record to show is a problem record: no search of its own (the view shows its solution). */
export function isProblemRecord(record: Record<string, unknown>): boolean {
  return record.search_path === undefined && !hasTraceDict(record);
}

/**
 * What a record's own figure and token fields get wrong against its text, one line each
 * (`figures`: recordFigures of the record); the text view and the page both say it.
 */
export function fieldWarnings(record: Record<string, unknown>, figures: ThreadFigures, textTokens: (text: string) => number): string[] {
  const out: string[] = [];
  const faults = figureFieldFaults(record, () => figures) ?? [];
  if (faults.length > 0) out.push(`the record's figure fields disagree with its text: ${faults.join(', ')}`);
  const tokenFaults = tokenFieldDisagreements(record, textTokens);
  if (tokenFaults.length > 0) out.push(`the record's token fields disagree with its text: ${tokenFaults.join(', ')}`);
  return out;
}

/** How many sequence lengths (with <s> and </s>) are over `window`; none when there is no window (0). */
export function overWindow(lengths: readonly number[], window: number): number {
  return window > 0 ? lengths.filter((t) => t > window).length : 0;
}

/** `; N over the W-token window` (overWindow), or nothing for none. */
export function overWindowNote(lengths: readonly number[], window: number): string {
  const over = overWindow(lengths, window);
  return over > 0 ? `; ${fmtInt(over)} over the ${fmtInt(window)}-token window` : '';
}

/** How a record is shown as text: every thread's text too (`full`); thread levels 0..`levels` only. */
export interface TextView {
  readonly full: boolean;
  readonly levels?: number | undefined;
}

/** What `--levels` folds into a thread's line. */
interface Folded {
  threads: number;
  solved: number;
  tokens: number;
}

/**
 * Per thread at level `levels` (by index) with threads below it: how many, how many of them
 * solved, and their text tokens (as the tokens line counts them). Threads are in preorder, so a
 * thread's descendants follow it until the next thread at its level or above.
 */
function foldedBelow(threads: readonly ThreadView[], seqLengths: readonly (readonly number[])[], levels: number): Map<number, Folded> {
  const folds = new Map<number, Folded>();
  let owner: Folded | undefined;
  threads.forEach((t, i) => {
    if (t.level <= levels) {
      owner = undefined;
      if (t.level === levels) folds.set(i, (owner = { threads: 0, solved: 0, tokens: 0 }));
      return;
    }
    owner!.threads++;
    if (t.solved) owner!.solved++;
    owner!.tokens += seqLengths[i]!.reduce((a, n) => a + textTokensOf(n), 0);
  });
  for (const [i, f] of folds) if (f.threads === 0) folds.delete(i);
  return folds;
}

/**
 * A readable summary of a record: problem, outcome, the solution, the thread tree's figures
 * (recounted from the text with `textTokens`) and the tree itself. `traceFaults`: what checking the
 * record found (the outcome shown is what its text says; a warning says it does not hold).
 * `window` (0: none) is the one its sequences are judged against: the search's own, or the one
 * given for a stored record, as stats and verify take one.
 */
export function describeRecord(record: Record<string, unknown>, view: TextView, textTokens: (text: string) => number, traceFaults: readonly string[] = [], window = 0): string {
  const { full } = view;
  const nums = record.nums as number[];
  const target = record.target as number;
  const out: string[] = [];
  out.push(`problem   ${nums.join(', ')} -> ${target} (${nums.length} numbers)`);
  const { searchType, settings } = searchFacts(record);
  const params = [searchType, ...settings];
  out.push(`search    ${params.join(', ')}`);
  if (isProblemRecord(record)) {
    const steps = Array.isArray(record.solution) ? record.solution.map((s) => (typeof s === 'string' ? parseStep(s) : undefined)) : [];
    const expr = steps.length > 0 && steps.every((s) => s !== undefined) ? solutionExpression(nums, steps as Step[]) : undefined;
    const given = Array.isArray(record.solution) && record.solution.length > 0;
    out.push(`solution  ${expr ?? (given ? `(not an expression of these numbers: ${JSON.stringify(record.solution)})` : '(none given)')}`);
    if (traceFaults.length > 0) out.push(`warning   ${unverified(traceFaults)}`);
    if (full && typeof record.optimal_path === 'string') out.push('', '=== optimal_path ===', record.optimal_path.trimEnd());
    return out.join('\n') + '\n';
  }
  const threads = recordThreads(record);
  const tree = threads[0]!;
  const path = tree.sequences[tree.sequences.length - 1] ?? '';
  const steps = finalOperations(path);
  const expr = steps ? solutionExpression(nums, steps) : undefined;
  const rating = typeof record.rating === 'number' ? `, rating ${record.rating}` : '';
  out.push(`outcome   ${tree.solved ? `solved: ${expr ?? '(path unreadable)'}` : 'no solution found'}${rating}`);
  if (traceFaults.length > 0) out.push(`warning   ${unverified(traceFaults)}`);
  // Sequence lengths in flattening order, which is recordThreads' order, thread by thread.
  const lengths: number[] = [];
  const f = recordFigures(record, textTokens, (_, n) => lengths.push(sequenceLength(n)));
  out.push(`threads   ${fmtInt(f.threads)} (${plural(f.threads - 1, 'child thread')}), ${plural(f.sequences, 'sequence')}, depth used ${f.depth}`);
  out.push(`tokens    ${fmtInt(f.totalTokens)} in all, ${fmtInt(f.sequentialTokens)} sequential (text tokens; sequential: the longest path when child threads run in parallel)`);
  const m = minMedianMax(lengths);
  out.push(`sequences ${fmtInt(m.min)} / ${fmtInt(m.median)} / ${fmtInt(m.max)} tokens (min / median / max, with <s> and </s>); by length ${lengthBins(lengths)}${overWindowNote(lengths, window)}`);
  for (const w of fieldWarnings(record, f, textTokens)) out.push(`warning   ${w}`);
  let at = 0;
  const seqLengths = threads.map((t) => lengths.slice(at, (at += t.sequences.length)));
  // Columns as wide as their widest entry: a deep thread's name pushed the rest over.
  const head = (t: (typeof threads)[number]) => `${'  '.repeat(t.level + 1)}${t.name}`;
  const levels = view.levels ?? Infinity;
  const below = foldedBelow(threads, seqLengths, levels);
  const shown = threads.filter((t) => t.level <= levels);
  const nameWidth = Math.max(...shown.map((t) => head(t).length));
  const nodeWidth = Math.max(...shown.map((t) => t.startNode.length));
  threads.forEach((t, i) => {
    if (t.level > levels) return;
    const seqs = plural(t.sequences.length, 'sequence');
    const lines = t.sequences.reduce((n, s) => n + lineCount(s), 0);
    const fold = below.get(i);
    const folded = fold ? `; below it ${plural(fold.threads, 'thread')} (${fmtInt(fold.solved)} solved), ${fmtInt(fold.tokens)} text tokens` : '';
    out.push(`${head(t).padEnd(nameWidth)}  from #${t.startNode.padEnd(nodeWidth)}  ${seqs}, ${fmtInt(lines)} lines, longest ${fmtInt(Math.max(...seqLengths[i]!))} tokens, ${t.solved ? 'solved' : 'no solution'}${folded}`);
  });
  const hidden = threads.length - shown.length;
  if (hidden > 0) out.push(`(${plural(hidden, 'thread')} below level ${levels} folded into their ancestors' lines${full ? ', and their texts left out' : ''})`);
  if (full) {
    threads.forEach((t, i) => {
      if (t.level > levels) return;
      t.sequences.forEach((s, k) => {
        out.push('', `=== ${t.name}, sequence ${k + 1} of ${t.sequences.length} (${fmtInt(lineCount(s))} lines, ${fmtInt(seqLengths[i]![k]!)} tokens) ===`, s.trimEnd());
      });
    });
  }
  return out.join('\n') + '\n';
}
