import { countAsciiTokens } from '../tokens/llama.js';
import { ByteText } from './bytes.js';
import { PyFloat, type PyJson } from './pyjson.js';
import type { RenderedThread } from './trace.js';

/** One training sequence of a record, as escaped byte ranges of its thread's text. */
export interface SequenceInfo {
  /** `root`, `root.0`, `root.1.2`: child i of a thread is `{thread}.{i}`, counting across its spawns. */
  readonly thread: string;
  /** Which of the thread's sequences (its `main_calls` index). */
  readonly index: number;
  readonly isRoot: boolean;
  readonly parts: ReadonlyArray<readonly [ByteText, number, number]>;
  /** Llama-2 tokens of the text alone. */
  readonly tokens: number;
  /** Tokens of the first part alone (the thread text up to this sequence's spawn). */
  readonly headTokens: number;
  /** Characters of the plain text (Python's len). */
  readonly chars: number;
}

/**
 * Every sequence of a rendered search in the reference's `add_all_calls` order (a thread's
 * main calls, then each child's, recursively), with exact token counts. The search must
 * have been rendered with costs: a thread's sequences share their text up to each spawn,
 * and each piece was counted once, event by event, as it was rendered.
 */
export function sequenceInfos(root: RenderedThread): SequenceInfo[] {
  const out: SequenceInfo[] = [];
  collect(root, 'root', true, out);
  return out;
}

function collect(t: RenderedThread, name: string, isRoot: boolean, out: SequenceInfo[]): void {
  const counts = t.tokens;
  if (counts === undefined) throw new Error('sequenceInfos needs a search rendered with token costs');
  const text = t.text;
  const n = t.cuts.length;
  for (let k = 0; k < n; k++) {
    const cut = t.cuts[k]!;
    const spawn = t.spawns[k]!;
    const before = counts.cuts[k]!;
    out.push({
      thread: name,
      index: k,
      isRoot,
      parts: [
        [text, 0, cut],
        [spawn, 0, spawn.length],
      ],
      tokens: before + counts.spawns[k]!,
      headTokens: before,
      chars: cut + spawn.length - t.cutLines[k]! - t.spawnLines[k]!,
    });
  }
  out.push({ thread: name, index: n, isRoot, parts: [[text, 0, text.length]], tokens: counts.total, headTokens: counts.total, chars: text.length - t.lines });
  let child = 0;
  for (const group of t.children) for (const kid of group) collect(kid, `${name}.${child++}`, false, out);
}

/** The shape and cost of a record's thread tree (text tokens: no `<s>`, `</s>` or prefix). */
export interface ThreadFigures {
  readonly threads: number;
  readonly sequences: number;
  /** Deepest thread level used (0: the root thread alone). */
  readonly depth: number;
  /** Text tokens of every sequence, added up: the compute a record's demonstration costs. */
  readonly totalTokens: number;
  /**
   * The latency path when children run in parallel: a thread's last sequence plus, for each
   * of its spawns, the sequential tokens of its longest child.
   */
  readonly sequentialTokens: number;
}

/** What the figures need of one thread: its sequences' text tokens, in order, and the child threads of each spawn. */
export interface FigureThread<T> {
  readonly seqTokens: readonly number[];
  readonly spawns: ReadonlyArray<ReadonlyArray<T>>;
}

/**
 * The figures of any thread tree, the one place they are defined: `visit` describes each
 * thread, called in the reference's flattening order (a thread, then each child's subtree).
 */
export function treeFigures<T>(root: T, visit: (t: T, level: number) => FigureThread<T>): ThreadFigures {
  let threads = 0;
  let sequences = 0;
  let depth = 0;
  let totalTokens = 0;
  const walk = (t: T, level: number): number => {
    const v = visit(t, level);
    threads++;
    depth = Math.max(depth, level);
    sequences += v.seqTokens.length;
    for (const n of v.seqTokens) totalTokens += n;
    let sequential = v.seqTokens[v.seqTokens.length - 1] ?? 0;
    for (const group of v.spawns) {
      let longest = 0;
      for (const kid of group) longest = Math.max(longest, walk(kid, level + 1));
      sequential += longest;
    }
    return sequential;
  };
  const sequentialTokens = walk(root, 0);
  return { threads, sequences, depth, totalTokens, sequentialTokens };
}

/** Figures of a rendered search's thread tree; it must have been rendered with costs. */
export function threadFigures(root: RenderedThread): ThreadFigures {
  return treeFigures(root, (t) => {
    const counts = t.tokens;
    if (counts === undefined) throw new Error('threadFigures needs a search rendered with token costs');
    // Pushed, not mapped (see packedTokens).
    const seqTokens: number[] = [];
    for (let k = 0; k < t.cuts.length; k++) seqTokens.push(counts.cuts[k]! + counts.spawns[k]!);
    seqTokens.push(counts.total);
    return { seqTokens, spawns: t.children };
  });
}

/** The record fields of `threadFigures` and each sequence's text tokens, in flattening order. */
export function figureFields(f: ThreadFigures, seqs: readonly SequenceInfo[]): Record<string, PyJson> {
  return {
    thread_count: f.threads,
    seq_count: f.sequences,
    thread_depth: f.depth,
    text_token_count: f.totalTokens,
    sequential_token_count: f.sequentialTokens,
    seq_token_counts: packedTokens(seqs, 0),
  };
}

/**
 * Each sequence's tokens plus `extra`, pushed into a packed array. Not `map`: the builtin
 * makes a packed array and a `map` the optimizing compiler inlines a holey one, so code that
 * reads the result (writePyJson, treeFigures) meets both kinds and deoptimizes.
 */
function packedTokens(seqs: readonly CountedSequence[], extra: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < seqs.length; k++) out.push(seqs[k]!.tokens + extra);
  return out;
}

/**
 * Tokens of the longest common prefix of two sequences' plain texts. Sequences of one
 * thread share their text up to the earlier one's spawn, whose tokens are known; only the
 * bytes after it are compared (gathered in `scratch`) and counted (from a line start, so the
 * counts add up).
 */
function commonPrefixTokens(a: SequenceInfo, b: SequenceInfo, scratch: ByteText): number {
  let base = 0;
  let skip = 0;
  if (a.parts[0]![0] === b.parts[0]![0]) {
    if (b.parts[0]![2] < a.parts[0]![2]) [a, b] = [b, a];
    skip = a.parts[0]![2];
    base = a.headTokens;
  }
  scratch.clear();
  const ia = partsCursor(a, skip);
  const ib = partsCursor(b, skip);
  for (;;) {
    const x = ia();
    if (x < 0 || x !== ib()) break;
    scratch.byte(x);
  }
  // An escaped newline cut in half is not part of the plain prefix.
  const end = scratch.length;
  if (end > 0 && scratch.byteAt(end - 1) === 0x5c) scratch.truncate(end - 1);
  return base + countAsciiTokens(scratch.view(), 0, scratch.length, skip === 0, true);
}

/** Reads a sequence's bytes one at a time from position `from`; -1 at the end. */
function partsCursor(s: SequenceInfo, from: number): () => number {
  let p = 0;
  let i = s.parts[0]![1] + from;
  return () => {
    while (p < s.parts.length && i >= s.parts[p]![2]) {
      const over = i - s.parts[p]![2];
      p++;
      if (p < s.parts.length) i = s.parts[p]![1] + over;
    }
    if (p >= s.parts.length) return -1;
    return s.parts[p]![0].byteAt(i++);
  };
}

/**
 * The reference's `calculate_token_counts`, with its conventions: a sequence counts its
 * text tokens + 3 (it encodes `<s>` + text + `</s>` with a tokenizer that adds another
 * `<s>`), and the shared prefixes of consecutive root sequences (sorted by length) are
 * subtracted once each as their token count - 1 (`encode(prefix)` - 2 with one BOS).
 * The two counts are ints; the two averages and `sub_call_count` are always floats
 * (PyFloat), where the reference writes ints for a record of one sequence (and for
 * `avg_sub_seq_token_count` without child threads): a column of one type, as a dataset
 * loader infers it from the first lines it reads. `scratch` is a buffer to compare prefixes
 * in (the caller's, reused: its content is overwritten).
 */
export function tokenFields(seqs: readonly SequenceInfo[], scratch: ByteText): Record<string, PyJson> {
  return tokenFieldsOf(seqs, (a, b) => commonPrefixTokens(a, b, scratch));
}

/** What the token fields need of a sequence: its text tokens, its thread, its length in characters. */
export type CountedSequence = Pick<SequenceInfo, 'isRoot' | 'tokens' | 'chars'>;

/**
 * The reference's token fields of a record's sequences (in flattening order), given the tokens
 * of the common prefix of two of them: the rule itself, for sequences rendered (tokenFields)
 * or read back from a record's text (verify).
 */
export function tokenFieldsOf<S extends CountedSequence>(seqs: readonly S[], sharedTokens: (a: S, b: S) => number): Record<string, PyJson> {
  const per = packedTokens(seqs, 3);
  if (seqs.length <= 1) {
    const t = per[0] ?? 3;
    return { token_count: t, longest_seq_token_count: t, avg_seq_token_count: new PyFloat(t), avg_sub_seq_token_count: new PyFloat(0), sub_call_count: new PyFloat(0) };
  }
  const roots = seqs.filter((s) => s.isRoot);
  const subs = seqs.filter((s) => !s.isRoot);
  const subCallCount = subs.length / (roots.length - 1);
  let total = 0;
  let longest = 0;
  for (const t of per) {
    total += t;
    longest = Math.max(longest, t);
  }
  const avgSub = new PyFloat(subs.length > 0 ? subs.reduce((n, s) => n + s.tokens + 3, 0) / subs.length : 0);
  const sorted = [...roots].sort((x, y) => x.chars - y.chars);
  let redundant = 0;
  for (let i = 0; i + 1 < sorted.length; i++) redundant += Math.max(0, sharedTokens(sorted[i]!, sorted[i + 1]!) - 1);
  const tokenCount = total - redundant;
  return {
    token_count: tokenCount,
    longest_seq_token_count: longest,
    avg_seq_token_count: new PyFloat(tokenCount / seqs.length),
    avg_sub_seq_token_count: avgSub,
    sub_call_count: new PyFloat(subCallCount),
  };
}

/** Appends a sequence's text (with `prefix` before it) as a JSON string literal. */
export function writeSequenceText(out: ByteText, s: SequenceInfo, prefix: string): void {
  out.text(`"${prefix}`);
  for (const [buf, start, end] of s.parts) out.append(buf, start, end);
  out.text('"');
}
