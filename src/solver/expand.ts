import { applyOp, OPERATORS, type Operator, type Step } from '../core/countdown.js';
import type { BoundHeuristic } from '../core/heuristics.js';
import { shuffle } from '../random/rng.js';
import type { SearchContext } from './contract.js';
import type { TraceEvent } from './events.js';
import { childOf, type SearchNode } from './node.js';

export interface Expansion {
  /** Kept non-terminal children, best heuristic first (the reference's `nodes_to_explore`). */
  readonly kept: readonly SearchNode[];
  /** The goal child, when one was found; the expansion stopped there. */
  readonly goal: SearchNode | undefined;
}

/** 6 numbers give 15 pairs of at most 4 operations. */
const MAX_CHILDREN = 64;
const candI = new Uint8Array(MAX_CHILDREN);
const candJ = new Uint8Array(MAX_CHILDREN);
const candOp = new Uint8Array(MAX_CHILDREN);
const candLeft = new Float64Array(MAX_CHILDREN);
const candRight = new Float64Array(MAX_CHILDREN);
const candTerms = new Float64Array(MAX_CHILDREN);
const candH = new Float64Array(MAX_CHILDREN);

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
  candI[count] = i;
  candJ[count] = j;
  candOp[count] = op;
  candLeft[count] = left;
  candRight[count] = right;
  candTerms[count] = terms;
  candH[count] = h.value(terms, n - 1);
  return count + 1;
}

function stepOf(c: number): Step {
  const left = candLeft[c]!;
  const right = candRight[c]!;
  const op = OPERATORS[candOp[c]!]!;
  return { left, op, right, result: applyOp(op, left, right) };
}

const NONE: readonly SearchNode[] = [];
const NO_GOAL: Expansion = { kept: NONE, goal: undefined };

/** A two-number node's expansion: its children are terminal, and only a goal becomes a node. */
function leaves(ctx: SearchContext, node: SearchNode, picked: Int32Array, take: number, events: TraceEvent[]): Expansion {
  // Exact length: a pushed-to `[]` would reserve 16 slots for at most 4 operations.
  const ops = new Array<Operator>(take);
  for (let k = 0; k < take; k++) {
    const c = picked[k]!;
    const op = OPERATORS[candOp[c]!]!;
    if (applyOp(op, candLeft[c]!, candRight[c]!) === ctx.target) {
      // Terminal nodes are never printed with an id.
      const goal = childOf(node, 0, 1, stepOf(c), candTerms[c]!, candH[c]!);
      ops.length = k;
      events.push({ type: 'leaves', node, ops, goal });
      return { kept: NONE, goal };
    }
    ops[k] = op;
  }
  events.push({ type: 'leaves', node, ops, goal: undefined });
  return NO_GOAL;
}

/** Candidate indices, sorted by heuristic. */
const order = new Int32Array(MAX_CHILDREN);

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
    const hc = candH[c]!;
    while (k > 0 && candH[order[k - 1]!]! > hc) {
      order[k] = order[k - 1]!;
      k--;
    }
    order[k] = c;
  }
  // The beam's best, shuffled in place.
  const take = Math.min(beam, count);
  shuffle(ctx.rng, order, take);
  if (n === 2) return leaves(ctx, node, order, take, events);
  const shown: SearchNode[] = new Array(take);
  for (let k = 0; k < take; k++) {
    const c = order[k]!;
    const child = childOf(node, candI[c]!, candJ[c]!, stepOf(c), candTerms[c]!, candH[c]!);
    child.id = `${node.id},${k}`;
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
