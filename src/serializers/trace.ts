import { intStr, pyIntList, stepString } from '../core/countdown.js';
import type { Thread, TraceEvent } from '../solver/events.js';
import { pathBetween, type NodeText, type SearchNode } from '../solver/node.js';
import { ascii, ByteText, type BytePool } from './bytes.js';

/** The escaped newline (see LineWriter). */
const NL = '\\n';

/**
 * Renders search events as the reference's trace lines, as ASCII bytes. Every line ends
 * with a newline, except the original BFS's final `No solution found.`.
 *
 * The newline is written escaped, as the two characters `\n`: trace text holds no other
 * character that JSON escapes (and never a backslash), so the rendered bytes are already
 * the body of a JSON string, and every output (records, sequences) copies them as they
 * are. `unescapeTrace` gives the plain text; the token counter reads the escaped form.
 * Each line is one template string written with one native copy; a node's printed
 * numbers, operation and operation list are made once and kept on the node.
 */
export class LineWriter {
  /** `Exploring Operation` lines written so far (the reference's rating counts them). */
  explored = 0;
  private readonly t: string;

  constructor(target: number) {
    this.t = String(target);
  }

  private text(node: SearchNode): NodeText {
    let t = node.text;
    if (t === undefined) {
      const op = node.step ? stepString(node.step) : '';
      let ops = '[]';
      if (node.parent) {
        const up = this.text(node.parent).ops;
        ops = up === '[]' ? `['${op}']` : `${up.slice(0, -1)}, '${op}']`;
      }
      t = { nums: pyIntList(node.nums), op, ops };
      node.text = t;
    }
    return t;
  }

  state(out: ByteText, node: SearchNode): void {
    const t = this.text(node);
    out.line(`Current State: ${this.t}:${t.nums}, Operations: ${t.ops}${NL}`);
  }

  explore(out: ByteText, node: SearchNode): void {
    this.explored++;
    const t = this.text(node);
    out.line(`Exploring Operation: ${t.op}, Resulting Numbers: ${t.nums}${NL}`);
  }

  generated(out: ByteText, node: SearchNode): void {
    const t = this.text(node);
    out.line(`Generated Node #${node.id}: ${this.t}:${t.nums} Operation: ${t.op}${NL}`);
  }

  move(out: ByteText, node: SearchNode): void {
    out.line(`Moving to Node #${node.id}${NL}`);
  }

  goal(out: ByteText, node: SearchNode): void {
    out.line(`${intStr(node.nums[0]!)},${this.t} equal: Goal Reached${NL}`);
  }

  /** The reference's get_path_to_target: from `from` down to the goal `to`. */
  path(out: ByteText, from: SearchNode, to: SearchNode): void {
    const nodes = pathBetween(from, to);
    this.move(out, from);
    for (let k = 0; k + 1 < nodes.length; k++) {
      const next = nodes[k + 1]!;
      this.state(out, nodes[k]!);
      this.explore(out, next);
      if (next === to) {
        this.goal(out, next);
        return;
      }
      this.generated(out, next);
      this.move(out, next);
    }
    throw new Error(`no goal at the end of the path to node #${to.id}`);
  }

  /** Appends the text of one event (spawn and join blocks included). */
  write(out: ByteText, e: TraceEvent): void {
    switch (e.type) {
      case 'move':
        return this.move(out, e.node);
      case 'state':
        return this.state(out, e.node);
      case 'explore':
        return this.explore(out, e.node);
      case 'generated':
        return this.generated(out, e.node);
      case 'goal':
        return this.goal(out, e.node);
      case 'dead-end':
        return out.line(`${intStr(e.node.nums[0]!)},${this.t} unequal: No Solution${NL}`);
      case 'path':
        return this.path(out, e.from, e.to);
      case 'sub-start':
        return out.line(`Start Sub Search at level ${e.level}: Moving to Node #${e.node.id}${NL}`);
      case 'sub-exit':
        return out.line(`Exit Sub Search at level ${e.level}${NL}`);
      case 'sub-failed':
        return out.line(`No solution found in sub search${NL}`);
      case 'exhausted':
        return out.line(e.newline ? `No solution found.${NL}` : 'No solution found.');
      case 'spawn':
        out.line(`<Calling Sub Searches>${NL}`);
        e.children.forEach((kid, i) => {
          out.line(`<Start Sub Search ${i} at level ${e.level}> Moving to Node #${kid.start.id}${NL}`);
        });
        return out.line(`<End Calling Sub Searches>${NL}`);
      case 'join':
        out.line(`<Sub Searches>${NL}`);
        e.children.forEach((kid, i) => {
          const where = `${i} at level ${e.level} at Node #${kid.start.id}>${NL}`;
          if (kid.goal) {
            out.line(`<Goal Reached in Sub Search ${where}`);
            this.path(out, kid.start, kid.goal);
          } else {
            out.line(`<No Solution in Sub Search ${where}`);
          }
        });
        return out.line(`<End Sub Searches>${NL}`);
    }
  }
}

/**
 * A thread rendered once. Its sequences (the reference's `main_calls`) share text: each
 * spawn ends one sequence, and the next repeats the text before the spawn block and goes on
 * with the join block. So the thread's text is kept without spawn blocks, with the offset of
 * each spawn; sequence k is text[0, cuts[k]) + spawns[k], the last one the whole text.
 */
export interface RenderedThread {
  readonly text: ByteText;
  readonly cuts: readonly number[];
  /** Lines of text before each cut. */
  readonly cutLines: readonly number[];
  readonly spawns: readonly ByteText[];
  /** `Exploring Operation` lines in each sequence. */
  readonly explores: readonly number[];
  readonly children: ReadonlyArray<readonly RenderedThread[]>;
}

export function renderThread(thread: Thread, w: LineWriter, pool?: BytePool): RenderedThread {
  const text = pool ? pool.take() : new ByteText(1024);
  const cuts: number[] = [];
  const cutLines: number[] = [];
  const spawns: ByteText[] = [];
  const explores: number[] = [];
  const children: RenderedThread[][] = [];
  const start = w.explored;
  for (const e of thread.events) {
    if (e.type === 'spawn') {
      cuts.push(text.len);
      cutLines.push(text.lines);
      explores.push(w.explored - start);
      const block = pool ? pool.take() : new ByteText(128 + 64 * e.children.length);
      block.lines = 0;
      w.write(block, e);
      spawns.push(block);
      continue;
    }
    w.write(text, e);
  }
  explores.push(w.explored - start);
  // Children are rendered after the parent so the parent's explore counts stay its own.
  for (const e of thread.events) if (e.type === 'spawn') children.push(e.children.map((kid) => renderThread(kid, w, pool)));
  return { text, cuts, cutLines, spawns, explores, children };
}

/** How many sequences a rendered thread has. */
export function sequenceCount(t: RenderedThread): number {
  return t.cuts.length + 1;
}

/** Plain text from rendered (escaped) trace bytes. */
export function unescapeTrace(escaped: string): string {
  return escaped.replaceAll('\\n', '\n');
}

/** Sequence k of a thread as plain text. */
export function sequenceText(t: RenderedThread, k: number): string {
  if (k === t.cuts.length) return unescapeTrace(t.text.toString());
  return unescapeTrace(t.text.toString(0, t.cuts[k]) + t.spawns[k]!.toString());
}

export interface TraceDict {
  readonly main_calls: string[];
  readonly sub_calls: TraceDict[][];
}

/** The reference's `trace_dict` with string texts (tests, inspect). */
export function traceDictOf(t: RenderedThread): TraceDict {
  const main_calls: string[] = [];
  for (let k = 0; k < sequenceCount(t); k++) main_calls.push(sequenceText(t, k));
  return { main_calls, sub_calls: t.children.map((group) => group.map(traceDictOf)) };
}

/** Every sequence in the reference's `add_all_calls` order, with the thread it belongs to. */
export function* flattenSequences(t: RenderedThread, name = 'root'): Generator<{ thread: string; index: number; text: string }> {
  for (let k = 0; k < sequenceCount(t); k++) yield { thread: name, index: k, text: sequenceText(t, k) };
  let child = 0;
  for (const group of t.children) for (const kid of group) yield* flattenSequences(kid, `${name}.${child++}`);
}

/** Appends sequence k of a thread as a JSON string literal. */
export function writeSequenceJson(out: ByteText, t: RenderedThread, k: number): void {
  out.ensure(2);
  out.byte(0x22);
  if (k === t.cuts.length) {
    out.slice(t.text, 0, t.text.len);
  } else {
    out.slice(t.text, 0, t.cuts[k]!);
    out.slice(t.spawns[k]!, 0, t.spawns[k]!.len);
  }
  out.ensure(1);
  out.byte(0x22);
}

const D = { main: ascii('{"main_calls": ['), sub: ascii('], "sub_calls": ['), end: ascii(']}'), sep: ascii(', ') };

/** Appends the thread's `trace_dict` as JSON, exactly as Python's json.dumps writes it. */
export function writeTraceDictJson(out: ByteText, t: RenderedThread): void {
  out.ensure(64);
  out.bytes(D.main);
  for (let k = 0; k < sequenceCount(t); k++) {
    if (k > 0) {
      out.ensure(2);
      out.bytes(D.sep);
    }
    writeSequenceJson(out, t, k);
  }
  out.ensure(64);
  out.bytes(D.sub);
  t.children.forEach((group, g) => {
    out.ensure(4);
    if (g > 0) out.bytes(D.sep);
    out.byte(0x5b);
    group.forEach((kid, i) => {
      if (i > 0) {
        out.ensure(2);
        out.bytes(D.sep);
      }
      writeTraceDictJson(out, kid);
    });
    out.ensure(1);
    out.byte(0x5d);
  });
  out.ensure(2);
  out.bytes(D.end);
}
