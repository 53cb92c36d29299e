import { pyIntList, stepString } from '../core/countdown.js';
import type { Thread, TraceEvent } from '../solver/events.js';
import { pathBetween, type NodeText, type SearchNode } from '../solver/node.js';

/** Line ends: plain text, or already escaped for a JSON string literal. */
export type Newline = '\n' | '\\n';
export const RAW: Newline = '\n';
export const JSON_ESCAPED: Newline = '\\n';

/**
 * Renders search events as the reference's trace lines. Node texts (numbers, operation,
 * operation list) are computed once per node and shared by every line that shows them.
 * Trace lines hold no character JSON escapes except the newline, so rendering with the
 * escaped newline yields the JSON string body directly, without a second pass.
 */
export class TraceWriter {
  /** Exploring Operation lines rendered so far (the reference's rating counts them). */
  private explored = 0;

  constructor(
    private readonly target: number,
    private readonly nl: Newline = RAW,
  ) {}

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

  state(node: SearchNode): string {
    const t = this.text(node);
    return `Current State: ${this.target}:${t.nums}, Operations: ${t.ops}${this.nl}`;
  }

  explore(node: SearchNode): string {
    this.explored++;
    const t = this.text(node);
    return `Exploring Operation: ${t.op}, Resulting Numbers: ${t.nums}${this.nl}`;
  }

  generated(node: SearchNode): string {
    const t = this.text(node);
    return `Generated Node #${node.id}: ${this.target}:${t.nums} Operation: ${t.op}${this.nl}`;
  }

  goal(node: SearchNode): string {
    return `${node.nums[0]},${this.target} equal: Goal Reached${this.nl}`;
  }

  /** The reference's get_path_to_target: from `from` down to the goal `to`. */
  path(from: SearchNode, to: SearchNode): string {
    const nodes = pathBetween(from, to);
    let out = `Moving to Node #${from.id}${this.nl}`;
    for (let k = 0; k + 1 < nodes.length; k++) {
      const next = nodes[k + 1]!;
      out += this.state(nodes[k]!) + this.explore(next);
      if (next === to) return out + this.goal(next);
      out += this.generated(next) + `Moving to Node #${next.id}${this.nl}`;
    }
    throw new Error(`no goal at the end of the path to node #${to.id}`);
  }

  /** The text of one event (spawn and join blocks included). */
  line(e: TraceEvent): string {
    switch (e.type) {
      case 'move':
        return `Moving to Node #${e.node.id}${this.nl}`;
      case 'state':
        return this.state(e.node);
      case 'explore':
        return this.explore(e.node);
      case 'generated':
        return this.generated(e.node);
      case 'goal':
        return this.goal(e.node);
      case 'dead-end':
        return `${e.node.nums[0]},${this.target} unequal: No Solution${this.nl}`;
      case 'path':
        return this.path(e.from, e.to);
      case 'sub-start':
        return `Start Sub Search at level ${e.level}: Moving to Node #${e.node.id}${this.nl}`;
      case 'sub-exit':
        return `Exit Sub Search at level ${e.level}${this.nl}`;
      case 'sub-failed':
        return `No solution found in sub search${this.nl}`;
      case 'exhausted':
        return e.newline ? `No solution found.${this.nl}` : 'No solution found.';
      case 'spawn': {
        let out = `<Calling Sub Searches>${this.nl}`;
        e.children.forEach((kid, i) => {
          out += `<Start Sub Search ${i} at level ${e.level}> Moving to Node #${kid.start.id}${this.nl}`;
        });
        return out + `<End Calling Sub Searches>${this.nl}`;
      }
      case 'join': {
        let out = `<Sub Searches>${this.nl}`;
        e.children.forEach((kid, i) => {
          const where = `${i} at level ${e.level} at Node #${kid.start.id}>${this.nl}`;
          out += kid.goal ? `<Goal Reached in Sub Search ${where}` + this.path(kid.start, kid.goal) : `<No Solution in Sub Search ${where}`;
        });
        return out + `<End Sub Searches>${this.nl}`;
      }
    }
  }

  /**
   * A thread's sequences (the reference's `main_calls`): each spawn ends one; the next
   * repeats the text before the spawn block, then continues with the join block.
   */
  sequences(thread: Thread): Sequences {
    const texts: string[] = [];
    const explores: number[] = [];
    let text = '';
    let count = 0;
    for (const e of thread.events) {
      if (e.type === 'spawn') {
        texts.push(text + this.line(e));
        explores.push(count);
      } else {
        const before = this.explored;
        text += this.line(e);
        count += this.explored - before;
      }
    }
    texts.push(text);
    explores.push(count);
    return { texts, explores };
  }

  /** The reference's `trace_dict` for a thread and, recursively, its children. */
  traceDict(thread: Thread): TraceDict {
    const subCalls: TraceDict[][] = [];
    for (const e of thread.events) if (e.type === 'spawn') subCalls.push(e.children.map((kid) => this.traceDict(kid)));
    return { main_calls: this.sequences(thread).texts, sub_calls: subCalls };
  }
}

/** A thread's sequences and how many `Exploring Operation` lines each holds. */
export interface Sequences {
  readonly texts: string[];
  readonly explores: number[];
}

export interface TraceDict {
  readonly main_calls: string[];
  readonly sub_calls: TraceDict[][];
}

/** Every sequence of a trace_dict in the reference's `add_all_calls` order. */
export function flattenSequences(dict: TraceDict): string[] {
  const out: string[] = [...dict.main_calls];
  for (const group of dict.sub_calls) for (const kid of group) out.push(...flattenSequences(kid));
  return out;
}
