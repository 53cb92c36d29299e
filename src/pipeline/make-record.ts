import type { Rng } from '../random/rng.js';
import { BytePool, ByteText } from '../serializers/bytes.js';
import { renderSearch, writeSearchRecord } from '../serializers/search-record.js';
import { figureFields, sequenceInfos, threadFigures, tokenFields, writeSequenceText, type SequenceInfo, type ThreadFigures } from '../serializers/sequences.js';
import { sequenceCount, type RenderedThread } from '../serializers/trace.js';
import { conditionedLength, firstLine, prefixReserve } from '../serializers/conditioning.js';
import { EventCosts, windowRules } from '../serializers/token-costs.js';
import type { Problem } from '../solver/problems.js';
import { runSearch } from '../solver/registry.js';
import type { SearchOutcome } from '../solver/contract.js';
import { WindowTooSmall } from '../solver/window.js';
import { judgedWindow, type RecordSettings } from './settings.js';

/** One training sequence: its text (with any conditioning prefix) and its full length. */
export interface MadeSequence {
  readonly info: SequenceInfo;
  readonly prefix: string;
  /** Tokens of prefix + text + `<s>` + `</s>`. */
  readonly tokens: number;
}

/**
 * A searched record: its JSON line and what statistics need. What counting tokens finds
 * (figures, sequences, overflows) is there only when `counted` says so: narrow on it first.
 */
export type MadeSearch = CountedSearch | UncountedSearch;

/** What every searched record has, counted or not. */
interface SearchBasics {
  /** The record as one line of JSON (no newline), ASCII bytes; valid until the maker's next record. */
  readonly json: Uint8Array;
  readonly solved: boolean;
  readonly startSize: number;
  readonly beam: number;
  /** Child threads the root spawned (0 for single-thread searches). */
  readonly children: number;
  /** Training sequences of the record (main calls of every thread). */
  readonly sequenceCount: number;
  /** The search stopped because the window was full. */
  readonly outOfBudget: boolean;
  /** `fit: drop` and the search did not fit: the record is not to be written. */
  readonly dropped: boolean;
  /** `fit: resample`: the record's search was made again (a search before it did not fit). */
  readonly resampled: boolean;
}

/** A record whose tokens were counted (a window, token fields, conditioning or `countTokens`). */
export interface CountedSearch extends SearchBasics {
  readonly counted: true;
  /** The thread tree's shape and cost. */
  readonly figures: ThreadFigures;
  /** Its sequences with their texts and tokens (valid until the maker's next record). */
  readonly sequences: readonly MadeSequence[];
  /** Sequences longer than the window (always 0 in default mode with a window). */
  readonly overflows: number;
}

/** A record whose tokens were not counted: nothing of theirs is known. */
export interface UncountedSearch extends SearchBasics {
  readonly counted: false;
  readonly figures: undefined;
  readonly sequences: readonly [];
  readonly overflows: 0;
}

/**
 * Turns problems into search records and their sequence lines: the one place that does, used
 * by `search`, `inspect` and the corpus pipeline alike. A maker renders into buffers of its
 * own, reused from one record to the next, so what it hands out lives until its next call:
 * a record (`json`, and the texts its `sequences` point into) until the next `unsafeMake()` on
 * the same maker, a sequence line until the next `unsafeSequenceLine()`. Each job or worker task makes
 * its own; two makers never share a byte.
 */
export class RecordMaker {
  private readonly out = new ByteText(1 << 16);
  /** The rendered threads' texts. */
  private readonly pool = new BytePool();
  private seqOut: ByteText | undefined;
  /** For token fields' shared prefixes. */
  private scratch: ByteText | undefined;

  /**
   * Searches one problem and renders its record and sequences. Unsafe as pure-rand's unsafe
   * calls are: what it returns is the maker's reused buffers, overwritten by its next call
   * (makeSearch is the safe path).
   */
  unsafeMake(problem: Problem, input: Readonly<Record<string, unknown>>, rng: Rng, s: RecordSettings): MadeSearch {
    const o = s.options;
    const limited = s.window > 0 && !o.reference;
    const counted = s.countTokens === true || s.tokenFields || limited || s.condition !== 'none';
    const costs = counted ? new EventCosts(problem.target) : undefined;
    const rules = limited && costs ? windowRules(costs, s.window, prefixReserve(s.condition, s.window)) : undefined;
    let outcome: SearchOutcome;
    try {
      outcome = runSearch(problem, rng, o, rules);
    } catch (err) {
      // A window too small for even the first expansion: `drop` leaves the record out, as it
      // does a search the window stopped; `stop` and `resample` have no trace to keep (refused).
      if (err instanceof WindowTooSmall && o.shape === 'sequence' && o.fit === 'drop') return droppedRecord(problem);
      throw err;
    }
    const pool = this.pool;
    pool.recycle();
    const rendered = renderSearch(problem.target, outcome, pool, costs);
    const infos = counted ? sequenceInfos(rendered.root) : [];
    const figures = counted ? threadFigures(rendered.root) : undefined;
    let children = 0;
    for (const e of outcome.thread.events) if (e.type === 'spawn') children += e.children.length;

    const judged = judgedWindow(s.window);
    let overflows = 0;
    const sequences = infos.map((info) => {
      const { prefix, tokens } = conditionedLength(s.condition, info, children, () => firstLine(info));
      if (tokens > judged) overflows++;
      return { info, prefix, tokens };
    });

    const out = this.out;
    out.clear();
    // Object.assign, not a spread: a spread of the two costs about a tenth of a SoS+ record's time.
    const extra = s.tokenFields ? Object.assign(tokenFields(infos, (this.scratch ??= new ByteText(1 << 12))), figureFields(figures!, infos)) : {};
    writeSearchRecord(out, input, problem.startSize, outcome, rendered, o.promising, extra, o.reference);
    // One literal, one shape for every record: built as a spread of shared fields into either
    // variant it cost about 15% of a reference-mode `search` run. `figures` is there exactly
    // when tokens were counted, which is what the union says.
    return {
      json: out.view(),
      solved: rendered.solved,
      startSize: problem.startSize,
      beam: outcome.beam,
      children,
      sequenceCount: allSequences(rendered.root),
      outOfBudget: outcome.outOfBudget,
      dropped: o.shape === 'sequence' && o.fit === 'drop' && outcome.outOfBudget,
      resampled: outcome.attempts > 1,
      counted: figures !== undefined,
      figures,
      sequences,
      overflows,
    } as MadeSearch;
  }

  /**
   * A sequence as one line of the sequences file: `{"text", "record", "thread", "tokens"}`
   * for JSON Lines, or the bare string for a JSON array (what the reference's trainer reads).
   * The sequence's record must still be valid (its maker's last). Unsafe: the line is the
   * maker's reused buffer, overwritten by its next call.
   */
  unsafeSequenceLine(seq: MadeSequence, record: number, bareString: boolean): Uint8Array {
    const out = (this.seqOut ??= new ByteText(1 << 16));
    out.clear();
    if (!bareString) out.text('{"text": ');
    writeSequenceText(out, seq.info, seq.prefix);
    if (!bareString) out.text(`, "record": ${record}, "thread": "${seq.info.thread}#${seq.info.index}", "tokens": ${seq.tokens}}`);
    return out.view();
  }
}

/**
 * A record `fit: drop` leaves out before its search made a trace: nothing to write. No search
 * ran, so no tokens were counted, whatever the settings asked: it has no figures to give.
 */
function droppedRecord(problem: Problem): UncountedSearch {
  return { json: new Uint8Array(0), solved: false, startSize: problem.startSize, beam: 0, children: 0, sequenceCount: 0, outOfBudget: true, dropped: true, resampled: false, counted: false, figures: undefined, sequences: [], overflows: 0 };
}

/** One record, made by a maker of its own: its bytes stay valid (tests, one-off records). */
export function makeSearch(
  problem: Problem,
  input: Readonly<Record<string, unknown>>,
  rng: Rng,
  s: RecordSettings,
): MadeSearch {
  return new RecordMaker().unsafeMake(problem, input, rng, s);
}

/** Sequences of a rendered thread and all its descendants. */
function allSequences(t: RenderedThread): number {
  let n = sequenceCount(t);
  for (const group of t.children) for (const kid of group) n += allSequences(kid);
  return n;
}
