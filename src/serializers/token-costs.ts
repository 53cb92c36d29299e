import { newThread, type Thread, type TraceEvent } from '../solver/events.js';
import type { TextCosts, WindowRules } from '../solver/window.js';
import { countAsciiTokens } from '../tokens/llama.js';
import { ByteText } from './bytes.js';
import { LineWriter, type FixedLine } from './trace.js';
import { childId, pathBetween, type SearchNode } from '../solver/node.js';
import { applyOp, leftOperand, OPERATORS, rightOperand, type Operator, type Step } from '../core/countdown.js';

/** Line kinds, the high part of a shape key. */
const enum Kind {
  Explore = 1 << 16,
  Generated = 2 << 16,
  State = 3 << 16,
  Move = 4 << 16,
  Goal = 5 << 16,
  DeadEnd = 6 << 16,
  Leaf = 7 << 16,
  SpawnChild = 8 << 16,
  JoinChild = 9 << 16,
  SubStart = 10 << 16,
  SubExit = 11 << 16,
  /** A thread's first `Moving to Node` line, counted with the tokenizer's leading space. */
  OpeningMove = 12 << 16,
  /**
   * What opening a sequence adds to an event that starts with a `Current State` line: only
   * the text's first piece (`Current`) takes the tokenizer's leading space, so this is the
   * same for every such event. Learnt from the first one measured.
   */
  StateOpening = 13 << 16,
}

/**
 * Token counts of line shapes: a line with every number written as one digit. Shared by
 * all records (a shape holds no target or value); a few hundred entries.
 */
const shapes = new Map<number, number>();

/**
 * `joinCeiling`'s join floors of one-digit stand-ins, by the stand-in's shape (its operators,
 * count of numbers and id parts, and the target's extra digits). Shared by all records, as
 * `shapes` is; a few hundred entries.
 */
const joinShapes = new Map<number, number>();

/** Token counts of the lines without numbers, following other lines and opening a sequence. */
const fixedCounts = new Map<FixedLine, number>();
const fixedOpenings = new Map<FixedLine, number>();

/**
 * Tokens a printed number adds beyond a one-digit one: every digit is a token of its own.
 * NaN for a number printed in exponent form (from 1e21 up), whose tokens its value does not
 * tell: NaN carries through the sums, and a count that comes out NaN is measured instead.
 */
function extra(n: number): number {
  if (n < 10) return 0;
  if (n < 100) return 1;
  if (n < 1000) return 2;
  if (n < 10000) return 3;
  if (n >= 1e21) return NaN;
  // Powers of ten up to 1e21 are exact doubles, so the comparisons are exact too.
  let digits = 5;
  for (let p = 1e5; n >= p; p *= 10) digits++;
  return digits - 1;
}

function numsExtra(nums: readonly number[]): number {
  let x = 0;
  for (let k = 0; k < nums.length; k++) x += extra(nums[k]!);
  return x;
}

function stepExtra(s: Step): number {
  return extra(s.left) + extra(s.right) + extra(s.result);
}

/** Components of a node id (solver/node.ts childId): `0,2,11` has 3. */
function idDepth(id: string): number {
  let depth = 1;
  for (let k = 0; k < id.length; k++) if (id.charCodeAt(k) === 0x2c) depth++;
  return depth;
}

/** Extra digits of the components of a node id of `depth` components (`0,2,11`: 1). */
function idExtra(id: string, depth: number): number {
  return id.length - (2 * depth - 1);
}

/**
 * A line `learn` renders to count its shape, described by what the writer needs. Made only on
 * a miss; render closures in the looking-up methods made V8 give every call of them (several
 * an event) a context object on the heap, hit or miss: a fifth of what a default-mode search
 * allocated.
 */
type UnseenLine =
  | { readonly line: 'move' | 'state' | 'explore' | 'generated' | 'goal' | 'deadEnd'; readonly node: SearchNode }
  | { readonly line: 'leaf'; readonly node: SearchNode; readonly op: Operator }
  | { readonly line: 'subStart'; readonly level: number; readonly node: SearchNode }
  | { readonly line: 'subExit'; readonly level: number }
  | { readonly line: 'spawnChild' | 'joinChild'; readonly i: number; readonly level: number; readonly kid: Thread };

/**
 * Exact token costs of trace events, computed from their structure. Pieces never cross a
 * digit (each digit is one token; proved over the vocabulary in test/tokens.test.ts), so a
 * line's count is the count of its shape, with every number written as one digit, plus the
 * extra digits of its numbers. A shape is counted once, by rendering the first line of that
 * shape with the LineWriter that writes the output; after that a line costs a table lookup
 * and a few comparisons (a line with a number in exponent form, whose digit count is NaN,
 * is rendered and counted whole). Lines join at newlines, where no Llama-2 token can span, so line
 * counts add up; an event that opens a sequence (a thread's first `Moving to Node`) counts
 * with the tokenizer's leading space.
 */
export class EventCosts implements TextCosts {
  private readonly target: number;
  private readonly targetExtra: number;
  private lineWriter: LineWriter | undefined;
  private scratchText: ByteText | undefined;

  constructor(target: number) {
    this.target = target;
    this.targetExtra = extra(target);
  }

  /** The writer that renders unseen shapes (made on the first, as most records meet none). */
  private get writer(): LineWriter {
    return (this.lineWriter ??= new LineWriter(this.target));
  }

  /** Scratch text for the lines measured (made on the first, as the writer is). */
  private get scratch(): ByteText {
    return (this.scratchText ??= new ByteText(1 << 12));
  }

  opening(e: TraceEvent): number {
    if (e.type === 'move') {
      const node = e.node;
      const depth = idDepth(node.id);
      const key = Kind.OpeningMove | depth;
      const digits = idExtra(node.id, depth);
      const n = (shapes.get(key) ?? this.learn(key, digits, { line: 'move', node }, true)) + digits;
      if (!Number.isNaN(n)) return n;
    } else if (e.type === 'state' || e.type === 'expand' || e.type === 'leaves') {
      // A single-thread search opens with its root's expansion: its following count, and the first piece's leading space.
      const n = this.event(e);
      if (!Number.isNaN(n)) {
        let opening = shapes.get(Kind.StateOpening);
        if (opening === undefined) {
          opening = this.measure(e, true) - n;
          shapes.set(Kind.StateOpening, opening);
        }
        return n + opening;
      }
    } else if (e.type === 'exhausted') {
      // What closing a search would cost before it wrote anything (SoS+ reserves it first).
      return this.fixed(e.newline ? 'exhausted' : 'exhaustedAtEnd', true);
    }
    return this.measure(e, true);
  }

  following(e: TraceEvent): number {
    const n = this.event(e);
    return Number.isNaN(n) ? this.measure(e, false) : n;
  }

  /** Renders and counts (events with numbers in exponent form, and opening events). */
  private measure(e: TraceEvent, atStart: boolean): number {
    this.scratch.clear();
    this.writer.write(this.scratch, e);
    return countAsciiTokens(this.scratch.view(), 0, this.scratch.length, atStart, true);
  }

  /**
   * Counts a line shape the first time it is met, by rendering one line of it (callers look
   * the shape up first, so the line's description is only made on a miss): the line's count
   * less its `digits` (NaN, and not kept, for a line with a number in exponent form).
   */
  private learn(key: number, digits: number, line: UnseenLine, atStart = false): number {
    this.scratch.clear();
    this.render(line);
    const shape = countAsciiTokens(this.scratch.view(), 0, this.scratch.length, atStart, true) - digits;
    if (!Number.isNaN(shape)) shapes.set(key, shape);
    return shape;
  }

  /** Renders an unseen line into the scratch text. */
  private render(l: UnseenLine): void {
    const w = this.writer;
    const out = this.scratch;
    switch (l.line) {
      case 'move':
        return w.move(out, l.node);
      case 'state':
        return w.state(out, l.node);
      case 'explore':
        return w.explore(out, l.node);
      case 'generated':
        return w.generated(out, l.node);
      case 'goal':
        return w.goal(out, l.node);
      case 'deadEnd':
        return w.deadEnd(out, l.node);
      case 'leaf':
        return w.leaf(out, l.node, l.op);
      case 'subStart':
        return w.subStart(out, l.level, l.node);
      case 'subExit':
        return w.subExit(out, l.level);
      case 'spawnChild':
        return w.spawnChild(out, l.i, l.level, l.kid);
      case 'joinChild':
        return w.joinChild(out, l.i, l.level, l.kid);
    }
  }

  private event(e: TraceEvent): number {
    switch (e.type) {
      case 'move':
        return this.move(e.node);
      case 'state':
        return this.state(e.node);
      case 'expand': {
        let n = this.state(e.node);
        for (const child of e.children) n += this.explore(child) + this.generated(child);
        return n;
      }
      case 'leaves': {
        let n = this.state(e.node);
        for (const op of e.ops) n += this.leaf(e.node, op);
        if (e.goal) n += this.explore(e.goal) + this.terminal(e.goal, true);
        return n;
      }
      case 'explore':
        return this.explore(e.node);
      case 'generated':
        return this.generated(e.node);
      case 'goal':
        return this.terminal(e.node, true);
      case 'dead-end':
        return this.terminal(e.node, false);
      case 'path':
        return this.path(e.from, e.to);
      case 'sub-start': {
        const { level, node } = e;
        const depth = idDepth(node.id);
        const key = Kind.SubStart | depth;
        const digits = extra(level) + idExtra(node.id, depth);
        return (shapes.get(key) ?? this.learn(key, digits, { line: 'subStart', level, node })) + digits;
      }
      case 'sub-exit': {
        const level = e.level;
        const digits = extra(level);
        return (shapes.get(Kind.SubExit) ?? this.learn(Kind.SubExit, digits, { line: 'subExit', level })) + digits;
      }
      case 'sub-failed':
        return this.fixed('subFailed');
      case 'exhausted':
        return this.fixed(e.newline ? 'exhausted' : 'exhaustedAtEnd');
      case 'spawn': {
        let n = this.fixed('calling') + this.fixed('endCalling');
        for (let i = 0; i < e.children.length; i++) n += this.child(Kind.SpawnChild, i, e.level, e.children[i]!);
        return n;
      }
      case 'join': {
        let n = this.fixed('joinOpen') + this.fixed('endJoin');
        for (let i = 0; i < e.children.length; i++) {
          const kid = e.children[i]!;
          n += this.child(Kind.JoinChild, i, e.level, kid);
          if (kid.goal) n += this.path(kid.start, kid.goal);
        }
        return n;
      }
    }
  }

  /** A spawn or join block's line for child `i`. */
  private child(kind: Kind.SpawnChild | Kind.JoinChild, i: number, level: number, kid: Thread): number {
    const id = kid.start.id;
    const depth = idDepth(id);
    const key = kind | (kind === Kind.JoinChild && kid.goal ? 64 : 0) | depth;
    const digits = extra(i) + extra(level) + idExtra(id, depth);
    const shape = shapes.get(key) ?? this.learn(key, digits, { line: kind === Kind.SpawnChild ? 'spawnChild' : 'joinChild', i, level, kid });
    return shape + digits;
  }

  private fixed(line: FixedLine, atStart = false): number {
    const counts = atStart ? fixedOpenings : fixedCounts;
    let n = counts.get(line);
    if (n === undefined) {
      this.scratch.clear();
      this.writer.fixed(this.scratch, line);
      n = countAsciiTokens(this.scratch.view(), 0, this.scratch.length, atStart, true);
      counts.set(line, n);
    }
    return n;
  }

  private move(node: SearchNode): number {
    const depth = idDepth(node.id);
    const key = Kind.Move | depth;
    const digits = idExtra(node.id, depth);
    return (shapes.get(key) ?? this.learn(key, digits, { line: 'move', node })) + digits;
  }

  private state(node: SearchNode): number {
    // The shape: how many numbers, and the operators of the operation list in order.
    let ops = 0;
    let digits = this.targetExtra + numsExtra(node.nums);
    for (let n = node; n.step !== undefined && n.parent !== undefined; n = n.parent) {
      ops = ops * 5 + OPERATORS.indexOf(n.step.op) + 1;
      digits += stepExtra(n.step);
    }
    const key = Kind.State | (ops << 3) | node.nums.length;
    return (shapes.get(key) ?? this.learn(key, digits, { line: 'state', node })) + digits;
  }

  private explore(node: SearchNode): number {
    const step = node.step!;
    const key = Kind.Explore | (OPERATORS.indexOf(step.op) << 3) | node.nums.length;
    const digits = stepExtra(step) + numsExtra(node.nums);
    return (shapes.get(key) ?? this.learn(key, digits, { line: 'explore', node })) + digits;
  }

  private generated(node: SearchNode): number {
    const step = node.step!;
    const depth = idDepth(node.id);
    const key = Kind.Generated | (depth << 6) | (OPERATORS.indexOf(step.op) << 3) | node.nums.length;
    const digits = idExtra(node.id, depth) + this.targetExtra + numsExtra(node.nums) + stepExtra(step);
    return (shapes.get(key) ?? this.learn(key, digits, { line: 'generated', node })) + digits;
  }

  private terminal(node: SearchNode, goal: boolean): number {
    const key = goal ? Kind.Goal : Kind.DeadEnd;
    const digits = extra(node.nums[0]!) + this.targetExtra;
    return (shapes.get(key) ?? this.learn(key, digits, { line: goal ? 'goal' : 'deadEnd', node })) + digits;
  }

  /** A two-number node's terminal child `op`: its explore line (both operands, the result twice) and dead-end line (the result, the target). */
  private leaf(node: SearchNode, op: Operator): number {
    const a = node.nums[0]!;
    const b = node.nums[1]!;
    const result = applyOp(op, leftOperand(op, a, b), rightOperand(op, a, b));
    const key = Kind.Leaf | OPERATORS.indexOf(op);
    const digits = extra(a) + extra(b) + 3 * extra(result) + this.targetExtra;
    return (shapes.get(key) ?? this.learn(key, digits, { line: 'leaf', node, op })) + digits;
  }

  /**
   * The fewest tokens a clean path from `from` down to a goal can take: `path`'s lines with
   * every number the path makes one digit, except the goal's, which is the target. An
   * operation's line shape counts the same for every operator (test/event-costs.test.ts), so
   * `+` stands for each. No more than any real path's count: a digit is a token of its own.
   * A planner weighs with it whether a child could still be joined before searching it.
   */
  pathFloor(from: SearchNode): number {
    let n = this.move(from);
    let node = from;
    for (let left = from.nums.length - 1; left >= 1; left--) {
      const next = floorChild(node, left);
      n += this.state(node) + this.explore(next);
      if (left > 1) n += this.generated(next) + this.move(next);
      // The goal's step prints the target three times more: its result, the one number left,
      // and the goal line's value.
      else n += this.terminal(next, true) + 3 * this.targetExtra;
      node = next;
    }
    // A number in exponent form leaves its digits untold (NaN): no floor then.
    return Number.isNaN(n) ? 0 : n;
  }

  /**
   * The fewest tokens a sequence of a thread started at `from` can hold when it joins a child's
   * goal: its opening move and state lines, the child's explore and generated lines in that
   * expansion, a join block of that one child at `level` (its line as a failed child's, which
   * a goal's is longer than) with the child's clean path floor, the goal line, and `from`'s
   * own clean path floor. The child is the stand-in of `pathFloor` (the fewest digits a child
   * can print). A thread whose window is smaller can join no child's goal.
   */
  joinFloor(from: SearchNode, level: number): number {
    if (from.nums.length < 3) return 0;
    const kid = floorChild(from, from.nums.length - 1);
    const join = this.following({ type: 'join', level, children: [newThread(kid, level)] });
    // The goal line prints the target where the stand-in's last step prints its one digit.
    const goal = this.terminal(floorChild(kid, 1), true) + this.targetExtra;
    const n =
      this.opening({ type: 'move', node: from }) +
      this.state(from) +
      this.explore(kid) +
      this.generated(kid) +
      join +
      this.pathFloor(kid) +
      goal +
      this.pathFloor(from);
    return Number.isNaN(n) ? 0 : n;
  }

  /**
   * No less than `joinFloor(from, level)`, for a walk up `from`'s operations and a table lookup
   * instead of the floor's stand-ins (NaN where a number in exponent form leaves the floor 0):
   * a window far above the floor needs no more. A stand-in for `from` with its operators,
   * count of numbers and id parts, every number and id part one digit, has a floor of lines of
   * the same shapes (kept per shape); `from` adds its extra digits once in each line that
   * prints them: its id's in its two move lines, the child's generated line (twice) and join
   * line and the 4n - 10 move and generated lines of the two paths below the child (4n - 5 in
   * all, n its count of numbers); its numbers' in its two state lines; its operations' in
   * every state line (2 on it, n - 2 on each path below it); the level's in the join line. So
   * it is the floor itself, but callers rely only on its being no less.
   */
  joinCeiling(from: SearchNode, level: number): number {
    const n = from.nums.length;
    if (n < 3) return 0;
    const depth = idDepth(from.id);
    // The stand-in's shape key packs these (a target in exponent form: NaN, no ceiling).
    if (n >= 8 || depth >= 16 || !(this.targetExtra < 32)) return NaN;
    let ops = 0;
    let opsExtra = 0;
    for (let node = from; node.step !== undefined && node.parent !== undefined; node = node.parent) {
      ops = ops * 5 + OPERATORS.indexOf(node.step.op) + 1;
      opsExtra += stepExtra(node.step);
    }
    const key = ((ops * 8 + n) * 16 + depth) * 32 + this.targetExtra;
    let floor = joinShapes.get(key);
    if (floor === undefined) {
      floor = this.joinFloor(standIn(from, depth), 1);
      joinShapes.set(key, floor);
    }
    return floor + (4 * n - 5) * idExtra(from.id, depth) + 2 * numsExtra(from.nums) + (2 * n - 2) * opsExtra + extra(level);
  }

  /** The clean path from `from` down to the goal `to` (as LineWriter.path writes it). */
  private path(from: SearchNode, to: SearchNode): number {
    const nodes = pathBetween(from, to);
    let n = this.move(from);
    for (let k = 0; k + 1 < nodes.length; k++) {
      const next = nodes[k + 1]!;
      n += this.state(nodes[k]!) + this.explore(next);
      n += next === to ? this.terminal(next, true) : this.generated(next) + this.move(next);
    }
    return n;
  }
}

/**
 * A stand-in for a path's next node, for `pathFloor`: the fewest digits a real one can print.
 * Its numbers are ones and the `1+1=2` it was made by (or `1 op 1`), its id's new part one
 * digit; its operations up to `parent` are the real ones.
 */
function floorChild(parent: SearchNode, numbers: number, op: Operator = '+'): SearchNode {
  const result = applyOp(op, 1, 1);
  const nums = new Array<number>(numbers).fill(1);
  nums[numbers - 1] = result;
  const step: Step = { left: 1, op, right: 1, result };
  return { id: childId(parent.id, 0), nums, step, parent, h: 0, termSum: 0, textBy: 0, textIn: 0, numsAt: 0, numsEnd: 0, opAt: 0, opEnd: 0, opsLen: 0 };
}

/**
 * `joinCeiling`'s stand-in for `from`: the same operators from the root, numbers and an id
 * of `depth` parts, every number and id part one digit (operations `1+1=2`, `1-1=0`, ...).
 */
function standIn(from: SearchNode, depth: number): SearchNode {
  const ops: Operator[] = [];
  for (let node = from; node.step !== undefined && node.parent !== undefined; node = node.parent) ops.push(node.step.op);
  let node: SearchNode = { id: '0', nums: new Array<number>(from.nums.length + ops.length).fill(1), step: undefined, parent: undefined, h: 0, termSum: 0, textBy: 0, textIn: 0, numsAt: 0, numsEnd: 0, opAt: 0, opEnd: 0, opsLen: 0 };
  for (let k = ops.length - 1; k >= 0; k--) node = floorChild(node, node.nums.length - 1, ops[k]!);
  node.id = '0' + ',0'.repeat(depth - 1);
  return node;
}

/** The window rules for one record: `window` total tokens per sequence, `<s>`/`</s>` included. */
export function windowRules(costs: TextCosts, window: number, rootPrefix: number): WindowRules {
  return { costs, window, limit: (level) => window - 2 - (level === 0 ? rootPrefix : 0) };
}
