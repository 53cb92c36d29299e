import { applyOp, OPERATORS, PROBLEM_LIMITS, type Operator, type Step } from '../core/countdown.js';
import type { BoundHeuristic } from '../core/heuristics.js';
import { shuffle } from '../random/rng.js';
import type { SearchContext } from './contract.js';
import type { TraceEvent } from './events.js';
import { childId, childOf, type SearchNode } from './node.js';

export interface Expansion {
  /** Kept non-terminal children, best heuristic first (the reference's `nodes_to_explore`). */
  readonly kept: readonly SearchNode[];
  /** The goal child, when one was found; the expansion stopped there. */
  readonly goal: SearchNode | undefined;
}

/**
 * The most candidates an expansion scores: every pair of the most numbers a problem may have
 * (PROBLEM_LIMITS, checked wherever problems enter), each with every operator. A typed array
 * drops a write past its end without a word, so the size is derived, not typed in.
 */
const MAX_CHILDREN = ((PROBLEM_LIMITS.maxNumbers * (PROBLEM_LIMITS.maxNumbers - 1)) / 2) * OPERATORS.length;

// Shared scratch: one expansion at a time (expandBeam never re-enters), rewritten by each.
const sharedCandI = new Uint8Array(MAX_CHILDREN);
const sharedCandJ = new Uint8Array(MAX_CHILDREN);
const sharedCandOp = new Uint8Array(MAX_CHILDREN);
const sharedCandLeft = new Float64Array(MAX_CHILDREN);
const sharedCandRight = new Float64Array(MAX_CHILDREN);
const sharedCandTerms = new Float64Array(MAX_CHILDREN);
const sharedCandH = new Float64Array(MAX_CHILDREN);

/** Records candidate `count` in the scratch arrays; returns the new count. */
function candidate(
  h: BoundHeuristic,
  n: number,
  count: number,
  i: number,
  j: number,
  op: number,
  left: number,
  right: number,
  result: number,
  base: number,
): number {
  const terms = base + h.term(result);
  sharedCandI[count] = i;
  sharedCandJ[count] = j;
  sharedCandOp[count] = op;
  sharedCandLeft[count] = left;
  sharedCandRight[count] = right;
  sharedCandTerms[count] = terms;
  sharedCandH[count] = h.value(terms, n - 1);
  return count + 1;
}

/**
 * A number read back from the scratch arrays, as a small integer where it is one. V8 hands
 * out every element of a Float64Array as a boxed double: steps held three boxes each, and a
 * child's number list, given its step's result, became an array of doubles beside the root's
 * array of small integers, so every reader of `nums` met two element kinds. `x | 0` is `x`
 * for any 32-bit integer (no value here is -0); any other number is kept as it is.
 */
function smallInt(x: number): number {
  const i = x | 0;
  return i === x ? i : x;
}

function stepOf(c: number): Step {
  const left = smallInt(sharedCandLeft[c]!);
  const right = smallInt(sharedCandRight[c]!);
  const op = OPERATORS[sharedCandOp[c]!]!;
  return { left, op, right, result: smallInt(applyOp(op, left, right)) };
}

const NONE: readonly SearchNode[] = [];
const NO_GOAL: Expansion = { kept: NONE, goal: undefined };

/** A two-number node's expansion: its children are terminal, and only a goal becomes a node. */
function leaves(ctx: SearchContext, node: SearchNode, picked: Int32Array, take: number, events: TraceEvent[]): Expansion {
  // Exact length: a pushed-to `[]` would reserve 16 slots for at most 4 operations.
  const ops = new Array<Operator>(take);
  for (let k = 0; k < take; k++) {
    const c = picked[k]!;
    const op = OPERATORS[sharedCandOp[c]!]!;
    if (applyOp(op, sharedCandLeft[c]!, sharedCandRight[c]!) === ctx.target) {
      // Terminal nodes are never printed with an id.
      const goal = childOf(node, 0, 1, stepOf(c), smallInt(sharedCandTerms[c]!), smallInt(sharedCandH[c]!));
      ops.length = k;
      events.push({ type: 'leaves', node, ops, goal });
      return { kept: NONE, goal };
    }
    ops[k] = op;
  }
  events.push({ type: 'leaves', node, ops, goal: undefined });
  return NO_GOAL;
}

/** Candidate indices, sorted by heuristic (shared scratch, as the arrays above). */
const sharedOrder = new Int32Array(MAX_CHILDREN);

/**
 * The beam expansion SoS+ and APR share: keep the `beam` best children, shuffle them, show
 * each (a goal ends the expansion), then sort the kept ones. Candidates are scored in scratch
 * arrays and only the `beam` kept become nodes; the expansion is recorded as one `expand`
 * event, or `leaves` for a two-number node.
 */
export function expandBeam(ctx: SearchContext, node: SearchNode, beam: number, events: TraceEvent[]): Expansion {
  const h = ctx.heuristic;
  const nums = node.nums;
  const n = nums.length;
  let count = 0;
  for (let i = 0; i < n - 1; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = nums[i]!;
      const b = nums[j]!;
      const base = node.termSum - h.term(a) - h.term(b);
      count = candidate(h, n, count, i, j, 0, a, b, a + b, base);
      count = candidate(h, n, count, i, j, 1, a, b, a * b, base);
      // leftOperand / rightOperand of src/core/countdown.ts for - and /, once for both.
      const hi = a <= b ? b : a;
      const lo = a <= b ? a : b;
      count = candidate(h, n, count, i, j, 2, hi, lo, hi - lo, base);
      // An exact quotient of integers below 2^53 is an integer double, and no other is; a
      // division costs far less than a floating-point modulo.
      const q = hi / lo;
      if (lo !== 0 && Number.isInteger(q)) count = candidate(h, n, count, i, j, 3, hi, lo, q, base);
    }
  }
  // Stable insertion sort of candidate indices by heuristic (Python's sort keeps ties in order).
  for (let c = 0; c < count; c++) {
    let k = c;
    const hc = sharedCandH[c]!;
    while (k > 0 && sharedCandH[sharedOrder[k - 1]!]! > hc) {
      sharedOrder[k] = sharedOrder[k - 1]!;
      k--;
    }
    sharedOrder[k] = c;
  }
  // The beam's best, shuffled in place.
  const take = Math.min(beam, count);
  shuffle(ctx.rng, sharedOrder, take);
  if (n === 2) return leaves(ctx, node, sharedOrder, take, events);
  const shown: SearchNode[] = new Array(take);
  for (let k = 0; k < take; k++) {
    const c = sharedOrder[k]!;
    const child = childOf(node, sharedCandI[c]!, sharedCandJ[c]!, stepOf(c), smallInt(sharedCandTerms[c]!), smallInt(sharedCandH[c]!));
    child.id = childId(node.id, k);
    shown[k] = child;
  }
  events.push({ type: 'expand', node, children: shown });
  // The reference sorts nodes_to_explore by heuristic, stably, after printing them
  // (insertion sort: at most a beam of nodes).
  const kept: SearchNode[] = new Array(take);
  for (let c = 0; c < take; c++) {
    const child = shown[c]!;
    let k = c;
    while (k > 0 && kept[k - 1]!.h > child.h) {
      kept[k] = kept[k - 1]!;
      k--;
    }
    kept[k] = child;
  }
  return { kept, goal: undefined };
}
