import type { Thread, TraceEvent } from './events.js';
import type { SearchNode } from './node.js';

/**
 * Token costs of trace text, supplied from outside (the serializers and the tokenizer):
 * the solver keeps every sequence inside the window without rendering text itself.
 */
export interface TextCosts {
  /** Tokens of the event's text when it opens a sequence. */
  opening(e: TraceEvent): number;
  /** Tokens of the event's text after earlier lines of the same sequence. */
  following(e: TraceEvent): number;
  /** Fewest tokens any clean path from `from` down to a goal can take (after earlier lines). */
  pathFloor(from: SearchNode): number;
  /**
   * Fewest tokens a sequence of a thread started at `from` can hold when it joins the goal of
   * a child (of `level`): its opening lines, the child's lines, their join and both clean paths.
   */
  joinFloor(from: SearchNode, level: number): number;
  /** No less than `joinFloor`, for less work (NaN where it tells none). */
  joinCeiling(from: SearchNode, level: number): number;
}

/** A point in a sequence budget to go back to: its event count and tokens there. */
export interface BudgetMark {
  readonly events: number;
  readonly tokens: number;
  readonly closed: number;
}

/**
 * Hand-tuned reserves: room a search keeps for lines it may still have to write but cannot
 * price yet, because their nodes are not known when the room is checked. Too little and a
 * search could not close cleanly inside the window; more only ends searches earlier. Every
 * window check of the solvers takes them from here.
 */

/**
 * A `Moving to Node` line to a node not yet chosen (about one short move line). APR keeps it
 * on top of its start's move line: a later node's id is longer.
 */
export const MOVE_RESERVE = 16;

/** A child's spawn and join lines beyond its parent's start id: a few digits more, per child. */
export const CHILD_ID_RESERVE = 8;

/** A goal line and clean path from a node of `numbers` numbers: about 60 tokens a step, and 20. */
export function cleanPathReserve(numbers: number): number {
  return 60 * numbers + 20;
}

/** The window cannot hold even the first expansion of a search's start node. */
export class WindowTooSmall extends Error {}

/** The window a search must keep every sequence inside. */
export interface WindowRules {
  readonly costs: TextCosts;
  /** Tokens per sequence, `<s>` and `</s>` included. */
  readonly window: number;
  /** Most text tokens a sequence of a thread at this level may hold (window less <s>, </s> and any prefix). */
  limit(level: number): number;
}

/**
 * The running token count of one thread's current sequence, next to its event list. A
 * spawn block ends a sequence; the next repeats the text before it, so the spawn block's
 * tokens are never carried over. Without rules every check passes and nothing is counted.
 * With rules, each event's own count is kept on the thread (`eventTokens`), in step with
 * its events.
 */
export class SequenceBudget {
  /** Tokens of the current sequence. */
  tokens = 0;
  /** Tokens of the thread's sequences that a spawn block ended. */
  closed = 0;
  readonly limit: number;
  private readonly events: TraceEvent[];
  private readonly counts: number[] | undefined;

  constructor(
    thread: Thread,
    private readonly rules: WindowRules | undefined,
    level: number,
  ) {
    this.events = thread.events;
    this.limit = rules ? rules.limit(level) : Infinity;
    if (rules) this.counts = thread.eventTokens = [];
  }

  /** The event list this budget counts (for code that appends events itself). */
  eventsRef(): TraceEvent[] {
    return this.events;
  }

  get limited(): boolean {
    return this.rules !== undefined;
  }

  /** Tokens `e` would add now (0 without rules). */
  cost(e: TraceEvent): number {
    if (!this.rules) return 0;
    return this.events.length === 0 ? this.rules.costs.opening(e) : this.rules.costs.following(e);
  }

  /** Fewest tokens a clean path from `from` to a goal can add (0 without rules). */
  pathFloor(from: SearchNode): number {
    return this.rules ? this.rules.costs.pathFloor(from) : 0;
  }

  /**
   * Whether a sequence of a thread started at `from` could hold a child's goal (of `level`)
   * joined: its join floor fits. The ceiling settles it where the window is well above the
   * floor (at four numbers and 4,096 tokens, always) for a fraction of the floor's cost.
   */
  mayJoin(from: SearchNode, level: number): boolean {
    if (!this.rules) return true;
    const { costs } = this.rules;
    return costs.joinCeiling(from, level) <= this.limit || costs.joinFloor(from, level) <= this.limit;
  }

  /** Appends an event and counts it. */
  add(e: TraceEvent): void {
    const n = this.cost(e);
    this.tokens += n;
    this.counts?.push(n);
    this.events.push(e);
  }

  /** Appends an event that ends the sequence without staying in the next (a spawn block). */
  addEnding(e: TraceEvent): void {
    const n = this.cost(e);
    this.closed += this.tokens + n;
    this.counts?.push(n);
    this.events.push(e);
  }

  /** Tokens of all the thread's sequences so far, the current one included. */
  get spent(): number {
    return this.closed + this.tokens;
  }

  mark(): BudgetMark {
    return { events: this.events.length, tokens: this.tokens, closed: this.closed };
  }

  /** Counts events appended since `m` by code that pushed them directly. */
  countSince(m: BudgetMark): void {
    if (!this.rules) return;
    for (let k = m.events; k < this.events.length; k++) {
      const e = this.events[k]!;
      const n = k === 0 ? this.rules.costs.opening(e) : this.rules.costs.following(e);
      this.tokens += n;
      this.counts!.push(n);
    }
  }

  /** Drops everything appended since `m`. */
  reset(m: BudgetMark): void {
    this.events.length = m.events;
    if (this.counts) this.counts.length = m.events;
    this.tokens = m.tokens;
    this.closed = m.closed;
  }

  /**
   * Takes back a trailing `Moving to Node` line (not the thread's opening one): a search
   * that stops or hands its work on right after moving never expands that node, and the
   * grammar wants a `Current State` after every move.
   */
  dropTrailingMove(): void {
    const last = this.events[this.events.length - 1];
    if (this.events.length > 1 && last?.type === 'move') {
      this.events.pop();
      if (this.counts) this.tokens -= this.counts.pop()!;
    }
  }

  /** Whether `extra` more tokens still fit. */
  fits(extra: number): boolean {
    return this.tokens + extra <= this.limit;
  }
}
