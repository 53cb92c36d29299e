import { intStr, type Operator, type Step } from '../core/countdown.js';
import type { TraceDictTree } from '../records/trace-dict.js';
import type { Thread, TraceEvent } from '../solver/events.js';
import type { TextCosts } from '../solver/window.js';
import { pathBetween, type SearchNode } from '../solver/node.js';
import { ByteText, Piece, type BytePool } from './bytes.js';

/** Constant pieces of trace lines, as bytes. */
const B = {
  nl: new Piece('\\n'),
  operations: new Piece(', Operations: '),
  explore: new Piece('Exploring Operation: '),
  resulting: new Piece(', Resulting Numbers: '),
  resultingList: new Piece(', Resulting Numbers: ['),
  listEnd: new Piece(']\\n'),
  generated: new Piece('Generated Node #'),
  operation: new Piece(' Operation: '),
  move: new Piece('Moving to Node #'),
  subStart: new Piece('Start Sub Search at level '),
  subStartMove: new Piece(': Moving to Node #'),
  subExit: new Piece('Exit Sub Search at level '),
  startSub: new Piece('<Start Sub Search '),
  atLevel: new Piece(' at level '),
  startSubMove: new Piece('> Moving to Node #'),
  goalIn: new Piece('<Goal Reached in Sub Search '),
  noneIn: new Piece('<No Solution in Sub Search '),
  atNode: new Piece(' at Node #'),
  joinClose: new Piece('>\\n'),
  emptyOpsEnd: new Piece('[]\\n'),
  opsEnd: new Piece("']\\n"),
  listSep: new Piece(', '),
  quoteSep: new Piece("', '"),
};

/** The line pieces that hold the target: writers are made per record, pieces per target. */
interface TargetText {
  /** `Current State: t:` */
  readonly state: Piece;
  /** `: t:` after a generated node's id */
  readonly generated: Piece;
  /** `,t equal: Goal Reached` and newline, after a terminal's number */
  readonly goal: Piece;
  /** `,t unequal: No Solution` and newline */
  readonly deadEnd: Piece;
}
const targetTexts = new Map<number, TargetText>();

/** Lines without numbers. */
const FIXED = {
  subFailed: new Piece('No solution found in sub search\\n'),
  exhausted: new Piece('No solution found.\\n'),
  /** The original BFS's ending, without a newline. */
  exhaustedAtEnd: new Piece('No solution found.'),
  calling: new Piece('<Calling Sub Searches>\\n'),
  endCalling: new Piece('<End Calling Sub Searches>\\n'),
  joinOpen: new Piece('<Sub Searches>\\n'),
  endJoin: new Piece('<End Sub Searches>\\n'),
} as const;
export type FixedLine = keyof typeof FIXED;

/** `[a, b, c]` */
function writeNums(out: ByteText, nums: readonly number[]): void {
  out.unsafeByte(0x5b);
  for (let k = 0; k < nums.length; k++) {
    if (k > 0) out.unsafePiece(B.listSep);
    out.unsafeInt(nums[k]!);
  }
  out.unsafeByte(0x5d);
}

/** `a+b=c` */
function writeStep(out: ByteText, step: Step): void {
  out.unsafeInt(step.left);
  out.unsafeByte(step.op.charCodeAt(0));
  out.unsafeInt(step.right);
  out.unsafeByte(0x3d);
  out.unsafeInt(step.result);
}

/** LineWriters made so far: each marks the node text it makes with its serial. */
let writers = 0;

/** Room for a line's fixed text, ids and small numbers (numbers and operations are added). */
const FIXED_ROOM = 160;

/**
 * Renders search events as the reference's trace lines, as ASCII bytes. Every line ends
 * with a newline, except the original BFS's final `No solution found.`.
 *
 * The newline is written escaped, as the two characters `\n`: trace text holds no other
 * character that JSON escapes (and never a backslash), so the rendered bytes are already
 * the body of a JSON string, and every output (records, sequences) copies them as they
 * are. `unescapeTrace` gives the plain text; the token counter reads the escaped form.
 *
 * Lines are assembled from byte pieces, never strings: a node's printed numbers and
 * operation are written once (where is recorded on the node) and copied from there into
 * every later line that shows them; an operation list is the operations of the node's
 * ancestors, copied in order. The first line showing a child is usually its
 * `Exploring Operation`, which holds both: a writer whose buffers outlive it (a pool's)
 * keeps them there; otherwise, and for nodes first shown elsewhere, in its arena.
 */
export class LineWriter {
  /** `Exploring Operation` lines written so far (the reference's rating counts them). */
  explored = 0;
  /**
   * Lines written so far, each ending with an escaped newline (two bytes for one character
   * of the plain text): what a text's plain length is found from.
   */
  lines = 0;
  /** The line pieces that hold the target, as bytes. */
  private readonly t: TargetText;
  private readonly arena: ByteText;
  /** The buffers node text was kept in (a node's `textIn` indexes them): the arena first. */
  private readonly buffers: ByteText[];
  /** Marks the node text this writer made (serials start at 1; 0 is no text). */
  private readonly serial = ++writers;
  /**
   * Whether the buffers written to live as long as the writer (buffers of a pool, kept until
   * it is recycled), so a node's text may stay where its first line put it.
   */
  private readonly stable: boolean;

  constructor(target: number, pool?: BytePool) {
    let t = targetTexts.get(target);
    if (t === undefined) {
      const s = intStr(target);
      t = {
        state: new Piece(`Current State: ${s}:`),
        generated: new Piece(`: ${s}:`),
        goal: new Piece(`,${s} equal: Goal Reached\\n`),
        deadEnd: new Piece(`,${s} unequal: No Solution\\n`),
      };
      if (targetTexts.size < 1 << 16) targetTexts.set(target, t);
    }
    this.t = t;
    this.arena = pool ? pool.take() : new ByteText(1 << 13);
    this.buffers = [this.arena];
    this.stable = pool !== undefined;
  }

  /** The node with its render cache filled by this writer (in the arena, unless a line put it elsewhere first). */
  private text(node: SearchNode): SearchNode {
    if (node.textBy === this.serial) return node;
    // The parent first: its bytes must not land between this node's.
    const up = node.parent === undefined ? undefined : this.text(node.parent);
    const a = this.arena;
    const nums = node.nums;
    a.reserve(24 * nums.length + 80);
    const numsAt = a.length;
    writeNums(a, nums);
    const numsEnd = a.length;
    const step = node.step;
    if (step !== undefined && up !== undefined) writeStep(a, step);
    this.keep(node, up, 0, numsAt, numsEnd, numsEnd, a.length);
    return node;
  }

  /** The index of `out` in `buffers`, added when new (output is written one buffer after another, so the last one is checked). */
  private keptIn(out: ByteText): number {
    const last = this.buffers.length - 1;
    return this.buffers[last] === out ? last : this.buffers.push(out) - 1;
  }

  /**
   * Records where the node's text is. Its operation list's printed length follows from its
   * parent's: `[]` is 2; each operation adds its length and two quotes, and `, ` after the first.
   */
  private keep(node: SearchNode, up: SearchNode | undefined, where: number, numsAt: number, numsEnd: number, opAt: number, opEnd: number): void {
    node.textBy = this.serial;
    node.textIn = where;
    node.numsAt = numsAt;
    node.numsEnd = numsEnd;
    node.opAt = opAt;
    node.opEnd = opEnd;
    node.opsLen = up === undefined || opEnd === opAt ? 2 : up.opsLen + (opEnd - opAt) + (up.opsLen === 2 ? 2 : 4);
  }

  /** `['a+b=c', 'd*e=f']` and the newline: the operations from the root down to `node`. */
  private opsLine(out: ByteText, node: SearchNode): void {
    if (node.parent === undefined) {
      out.unsafePiece(B.emptyOpsEnd);
    } else {
      out.unsafeByte(0x5b);
      this.opsFrom(out, node);
      out.unsafePiece(B.opsEnd);
    }
    this.lines++;
  }

  /** The quoted operations down to `node`, the last one unclosed. */
  private opsFrom(out: ByteText, node: SearchNode): void {
    const parent = node.parent!;
    if (parent.parent !== undefined) {
      this.opsFrom(out, parent);
      out.unsafePiece(B.quoteSep);
    } else {
      out.unsafeByte(0x27);
    }
    const t = this.text(node);
    out.unsafeCopy(this.buffers[t.textIn]!, t.opAt, t.opEnd);
  }

  private end(out: ByteText): void {
    out.unsafePiece(B.nl);
    this.lines++;
  }

  state(out: ByteText, node: SearchNode): void {
    const t = this.text(node);
    out.reserve(FIXED_ROOM + (t.numsEnd - t.numsAt) + t.opsLen);
    out.unsafePiece(this.t.state);
    out.unsafeCopy(this.buffers[t.textIn]!, t.numsAt, t.numsEnd);
    out.unsafePiece(B.operations);
    this.opsLine(out, node);
  }

  explore(out: ByteText, node: SearchNode): void {
    this.explored++;
    if (node.textBy !== this.serial && this.stable && node.step !== undefined && node.parent !== undefined) {
      // The node's first line: its operation and numbers are written here, once, and later
      // lines copy them from this line.
      const up = this.text(node.parent);
      const step = node.step;
      const nums = node.nums;
      out.reserve(FIXED_ROOM + 24 * nums.length + 80);
      out.unsafePiece(B.explore);
      const opAt = out.length;
      writeStep(out, step);
      const opEnd = out.length;
      out.unsafePiece(B.resulting);
      const numsAt = out.length;
      writeNums(out, nums);
      this.keep(node, up, this.keptIn(out), numsAt, out.length, opAt, opEnd);
      this.end(out);
      return;
    }
    const t = this.text(node);
    out.reserve(FIXED_ROOM + (t.numsEnd - t.numsAt + t.opEnd - t.opAt));
    const b = this.buffers[t.textIn]!;
    out.unsafePiece(B.explore);
    out.unsafeCopy(b, t.opAt, t.opEnd);
    out.unsafePiece(B.resulting);
    out.unsafeCopy(b, t.numsAt, t.numsEnd);
    this.end(out);
  }

  generated(out: ByteText, node: SearchNode): void {
    const t = this.text(node);
    out.reserve(FIXED_ROOM + node.id.length + (t.numsEnd - t.numsAt + t.opEnd - t.opAt));
    out.unsafePiece(B.generated);
    out.unsafeStr(node.id);
    const b = this.buffers[t.textIn]!;
    out.unsafePiece(this.t.generated);
    out.unsafeCopy(b, t.numsAt, t.numsEnd);
    out.unsafePiece(B.operation);
    out.unsafeCopy(b, t.opAt, t.opEnd);
    this.end(out);
  }

  move(out: ByteText, node: SearchNode): void {
    out.reserve(FIXED_ROOM + node.id.length);
    out.unsafePiece(B.move);
    out.unsafeStr(node.id);
    this.end(out);
  }

  /** `x,t equal: Goal Reached` or `x,t unequal: No Solution` for a terminal node. */
  private terminal(out: ByteText, node: SearchNode, verdict: Piece): void {
    out.reserve(FIXED_ROOM + verdict.length);
    out.unsafeInt(node.nums[0]!);
    out.unsafePiece(verdict);
    this.lines++;
  }

  goal(out: ByteText, node: SearchNode): void {
    this.terminal(out, node, this.t.goal);
  }

  /** A beam expansion of a node of three or more numbers: the state, then each child's two lines. */
  private expansion(out: ByteText, node: SearchNode, children: readonly SearchNode[]): void {
    this.state(out, node);
    for (let k = 0; k < children.length; k++) {
      this.explore(out, children[k]!);
      this.generated(out, children[k]!);
    }
  }

  /** A two-number node's expansion: terminal children written straight from their operations. */
  private leaves(out: ByteText, node: SearchNode, ops: readonly Operator[], goal: SearchNode | undefined): void {
    this.state(out, node);
    for (let k = 0; k < ops.length; k++) this.leaf(out, node, ops[k]!);
    if (goal !== undefined) {
      this.explore(out, goal);
      this.goal(out, goal);
    }
  }

  /** The `explore` and `dead-end` lines of the terminal child `op` of a two-number node. */
  leaf(out: ByteText, node: SearchNode, op: Operator): void {
    const a = node.nums[0]!;
    const b = node.nums[1]!;
    // leftOperand / rightOperand / applyOp of src/core/countdown.ts, written out: this is
    // the most frequent line of a trace, and the calls cost a few percent of rendering.
    const ordered = op === '+' || op === '*';
    const left = ordered || a > b ? a : b;
    const right = left === a ? b : a;
    const result = op === '+' ? a + b : op === '*' ? a * b : op === '-' ? left - right : left / right;
    this.explored++;
    out.reserve(2 * FIXED_ROOM + this.t.deadEnd.length);
    let at = out.unsafePieceAt(out.length, B.explore);
    at = out.unsafeIntAt(at, left);
    at = out.unsafeByteAt(at, op.charCodeAt(0));
    at = out.unsafeIntAt(at, right);
    at = out.unsafeByteAt(at, 0x3d);
    at = out.unsafeIntAt(at, result);
    at = out.unsafePieceAt(at, B.resultingList);
    at = out.unsafeIntAt(at, result);
    at = out.unsafePieceAt(at, B.listEnd);
    at = out.unsafeIntAt(at, result);
    out.unsafeEnd(out.unsafePieceAt(at, this.t.deadEnd));
    this.lines += 2;
  }

  deadEnd(out: ByteText, node: SearchNode): void {
    this.terminal(out, node, this.t.deadEnd);
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

  /** `<prefix>i at level L<idPrefix>id` of spawn and join lines. */
  private childLine(out: ByteText, prefix: Piece, i: number, level: number, idPrefix: Piece, id: string): void {
    out.reserve(FIXED_ROOM + id.length);
    out.unsafePiece(prefix);
    out.unsafeInt(i);
    out.unsafePiece(B.atLevel);
    out.unsafeInt(level);
    out.unsafePiece(idPrefix);
    out.unsafeStr(id);
  }

  /** `<Start Sub Search i at level L> Moving to Node #id` */
  spawnChild(out: ByteText, i: number, level: number, kid: Thread): void {
    this.childLine(out, B.startSub, i, level, B.startSubMove, kid.start.id);
    this.end(out);
  }

  /** `<Goal Reached in Sub Search i at level L at Node #id>` or `<No Solution in ...>` (without the path). */
  joinChild(out: ByteText, i: number, level: number, kid: Thread): void {
    this.childLine(out, kid.goal ? B.goalIn : B.noneIn, i, level, B.atNode, kid.start.id);
    out.unsafePiece(B.joinClose);
    this.lines++;
  }

  subStart(out: ByteText, level: number, node: SearchNode): void {
    out.reserve(FIXED_ROOM + node.id.length);
    out.unsafePiece(B.subStart);
    out.unsafeInt(level);
    out.unsafePiece(B.subStartMove);
    out.unsafeStr(node.id);
    this.end(out);
  }

  subExit(out: ByteText, level: number): void {
    out.reserve(FIXED_ROOM);
    out.unsafePiece(B.subExit);
    out.unsafeInt(level);
    this.end(out);
  }

  /** A line without numbers. */
  fixed(out: ByteText, line: FixedLine): void {
    const bytes = FIXED[line];
    out.reserve(bytes.length);
    out.unsafePiece(bytes);
    if (line !== 'exhaustedAtEnd') this.lines++;
  }

  /** Appends the text of one event (spawn and join blocks included). */
  write(out: ByteText, e: TraceEvent): void {
    switch (e.type) {
      case 'move':
        return this.move(out, e.node);
      case 'state':
        return this.state(out, e.node);
      case 'expand':
        return this.expansion(out, e.node, e.children);
      case 'leaves':
        return this.leaves(out, e.node, e.ops, e.goal);
      case 'explore':
        return this.explore(out, e.node);
      case 'generated':
        return this.generated(out, e.node);
      case 'goal':
        return this.goal(out, e.node);
      case 'dead-end':
        return this.deadEnd(out, e.node);
      case 'path':
        return this.path(out, e.from, e.to);
      case 'sub-start':
        return this.subStart(out, e.level, e.node);
      case 'sub-exit':
        return this.subExit(out, e.level);
      case 'sub-failed':
        return this.fixed(out, 'subFailed');
      case 'exhausted':
        return this.fixed(out, e.newline ? 'exhausted' : 'exhaustedAtEnd');
      case 'spawn':
        return this.spawn(out, e.level, e.children);
      case 'join':
        return this.join(out, e.level, e.children);
    }
  }

  /*
   * The spawn and join blocks are methods of their own, with plain loops: a closure in
   * `write` that reads its parameters made V8 give every call of it, one per event, a
   * context object on the heap (a tenth of what a SoS+ search allocated), blocks or not.
   */

  /** `<Calling Sub Searches>`, a line per child, `<End Calling Sub Searches>`. */
  private spawn(out: ByteText, level: number, children: readonly Thread[]): void {
    this.fixed(out, 'calling');
    for (let i = 0; i < children.length; i++) this.spawnChild(out, i, level, children[i]!);
    this.fixed(out, 'endCalling');
  }

  /** `<Sub Searches>`, each child's outcome (and a goal's path), `<End Sub Searches>`. */
  private join(out: ByteText, level: number, children: readonly Thread[]): void {
    this.fixed(out, 'joinOpen');
    for (let i = 0; i < children.length; i++) {
      const kid = children[i]!;
      this.joinChild(out, i, level, kid);
      if (kid.goal) this.path(out, kid.start, kid.goal);
    }
    this.fixed(out, 'endJoin');
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
  /** Lines of text before each cut (each line's escaped newline is two bytes for one character). */
  readonly cutLines: readonly number[];
  /** Lines of the whole text. */
  readonly lines: number;
  readonly spawns: readonly ByteText[];
  /** Lines of each spawn block. */
  readonly spawnLines: readonly number[];
  /** `Exploring Operation` lines in each sequence. */
  readonly explores: readonly number[];
  readonly children: ReadonlyArray<readonly RenderedThread[]>;
  /** Token counts, when rendered with costs. */
  readonly tokens: ThreadTokens | undefined;
}

/** Llama-2 tokens of a rendered thread's pieces (no `<s>`, `</s>` or prefix). */
export interface ThreadTokens {
  /** Of the text before each cut. */
  readonly cuts: readonly number[];
  /** Of each spawn block, following the text before it. */
  readonly spawns: readonly number[];
  /** Of the whole text. */
  readonly total: number;
}

/** Renders a thread and its children; with `costs`, counts their tokens event by event as well. */
export function renderThread(thread: Thread, w: LineWriter, pool?: BytePool, costs?: TextCosts): RenderedThread {
  const text = pool ? pool.take() : new ByteText(1024);
  const cuts: number[] = [];
  const cutLines: number[] = [];
  const spawns: ByteText[] = [];
  const spawnLines: number[] = [];
  let lines = 0;
  const explores: number[] = [];
  const children: RenderedThread[][] = [];
  const cutTokens: number[] = [];
  const spawnTokens: number[] = [];
  let tokens = 0;
  const start = w.explored;
  const events = thread.events;
  // The window's counts, when the search kept them (the same costs, so the same numbers).
  const known = costs && thread.eventTokens?.length === events.length ? thread.eventTokens : undefined;
  for (let k = 0; k < events.length; k++) {
    const e = events[k]!;
    if (e.type === 'spawn') {
      cuts.push(text.length);
      cutLines.push(lines);
      explores.push(w.explored - start);
      const block = pool ? pool.take() : new ByteText(128 + 64 * e.children.length);
      const before = w.lines;
      w.write(block, e);
      spawns.push(block);
      spawnLines.push(w.lines - before);
      if (costs) {
        cutTokens.push(tokens);
        spawnTokens.push(known ? known[k]! : costs.following(e));
      }
      continue;
    }
    const before = w.lines;
    w.write(text, e);
    lines += w.lines - before;
    if (costs) tokens += known ? known[k]! : k === 0 ? costs.opening(e) : costs.following(e);
  }
  explores.push(w.explored - start);
  // Children are rendered after the parent so the parent's explore counts stay its own.
  for (const e of events) if (e.type === 'spawn') children.push(e.children.map((kid) => renderThread(kid, w, pool, costs)));
  const counted = costs ? { cuts: cutTokens, spawns: spawnTokens, total: tokens } : undefined;
  return { text, cuts, cutLines, lines, spawns, spawnLines, explores, children, tokens: counted };
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
function sequenceText(t: RenderedThread, k: number): string {
  if (k === t.cuts.length) return unescapeTrace(t.text.toString());
  return unescapeTrace(t.text.toString(0, t.cuts[k]) + t.spawns[k]!.toString());
}

/** The reference's `trace_dict` with string texts (the render tests compare trees by it). */
export function traceDictOf(t: RenderedThread): TraceDictTree {
  const main_calls: string[] = [];
  for (let k = 0; k < sequenceCount(t); k++) main_calls.push(sequenceText(t, k));
  return { main_calls, sub_calls: t.children.map((group) => group.map(traceDictOf)) };
}

/** Appends sequence k of a thread as a JSON string literal. */
export function writeSequenceJson(out: ByteText, t: RenderedThread, k: number): void {
  out.byte(0x22);
  if (k === t.cuts.length) {
    out.append(t.text);
  } else {
    out.append(t.text, 0, t.cuts[k]!);
    out.append(t.spawns[k]!);
  }
  out.byte(0x22);
}

const D = { main: new Piece('{"main_calls": ['), sub: new Piece('], "sub_calls": ['), end: new Piece(']}'), sep: new Piece(', ') };

/** Appends the thread's `trace_dict` as JSON, exactly as Python's json.dumps writes it. */
export function writeTraceDictJson(out: ByteText, t: RenderedThread): void {
  out.piece(D.main);
  for (let k = 0; k < sequenceCount(t); k++) {
    if (k > 0) out.piece(D.sep);
    writeSequenceJson(out, t, k);
  }
  out.piece(D.sub);
  t.children.forEach((group, g) => {
    if (g > 0) out.piece(D.sep);
    out.byte(0x5b);
    group.forEach((kid, i) => {
      if (i > 0) out.piece(D.sep);
      writeTraceDictJson(out, kid);
    });
    out.byte(0x5d);
  });
  out.piece(D.end);
}
