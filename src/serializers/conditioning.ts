import { countTextTokens, sequenceLength } from '../tokens/llama.js';
import type { SequenceInfo } from './sequences.js';
import type { SolverShape } from '../solver/contract.js';
import { subCallBudgetPrefix, tokenBudgetPrefix, type Conditioning } from '../records/conditioning-prefix.js';

/*
 * Conditioning prefixes: which sequences a mode puts one before, with which number, and the
 * room it takes (their text and reader: src/records/conditioning-prefix.ts). Adding a mode:
 * its text there; its reserve, choice of sequences and the solver shape that takes it
 * (CONDITIONING) here.
 */

/** The conditioning mode each solver shape has: the table `--condition` and verify check a prefix against. */
export const CONDITIONING: Readonly<Record<SolverShape, Exclude<Conditioning, 'none'>>> = {
  sequence: 'token-budget',
  threads: 'sub-call-budget',
};

/** The smallest multiple of 512 not below `tokens`. */
export function tokenBudgetBin(tokens: number): number {
  return Math.max(512, Math.ceil(tokens / 512) * 512);
}

/**
 * Tokens a prefix adds in front of a sequence (its last space joins the first word of the
 * sequence, so this is counted in place rather than on its own).
 */
function prefixTokens(prefix: string, sequenceStart: string): number {
  return countTextTokens(prefix + sequenceStart) - countTextTokens(sequenceStart);
}

const reserves = new Map<string, number>();

/** The largest prefix a conditioning mode can put before a root sequence, in tokens (made once per mode and window). */
export function prefixReserve(mode: Conditioning, window: number): number {
  const key = `${mode}/${window}`;
  let r = reserves.get(key);
  if (r === undefined) {
    r = measureReserve(mode, window);
    reserves.set(key, r);
  }
  return r;
}

function measureReserve(mode: Conditioning, window: number): number {
  switch (mode) {
    case 'none':
      return 0;
    case 'token-budget':
      return prefixTokens(tokenBudgetPrefix(Math.max(window, 99999)), 'Current State: 10:[1, 2], Operations: []\n');
    case 'sub-call-budget':
      return prefixTokens(subCallBudgetPrefix(99999), 'Moving to Node #0\n');
  }
}

/** Tokens of the shortest complete thread: smaller windows cannot hold any search. */
export function shortestThreadTokens(mode: Conditioning, window: number): number {
  const text = 'Moving to Node #0\nCurrent State: 10:[1, 1], Operations: []\nNo solution found.\n';
  return sequenceLength(countTextTokens(text)) + prefixReserve(mode, window);
}

/** What a prefix is chosen by: the sequence's text tokens and whether it is a root thread's. */
type ConditionedSequence = Pick<SequenceInfo, 'tokens' | 'isRoot'>;

/** The prefix a sequence is conditioned with: its token-budget bin, or the root's count of sub calls. */
function conditioningPrefix(mode: Conditioning, seq: ConditionedSequence, children: number): string {
  if (mode === 'token-budget') return tokenBudgetPrefix(tokenBudgetBin(sequenceLength(seq.tokens)));
  if (mode === 'sub-call-budget' && seq.isRoot) return subCallBudgetPrefix(children);
  return '';
}

/**
 * A sequence's prefix and its length as the window bounds it: `<s>`, prefix, text, `</s>`.
 * `children` counts the root thread's sub calls; `first` gives the sequence's first line
 * (asked for only when there is a prefix). The corpus and stats both measure with this.
 */
export function conditionedLength(mode: Conditioning, seq: ConditionedSequence, children: number, first: () => string): { prefix: string; tokens: number } {
  const prefix = conditioningPrefix(mode, seq, children);
  return { prefix, tokens: sequenceLength(seq.tokens) + (prefix ? prefixTokens(prefix, first()) : 0) };
}

/** A sequence's first line (the text a prefix's last space joins). */
export function firstLine(info: SequenceInfo): string {
  const [buf, start, end] = info.parts[0]!;
  const at = buf.indexOf('\\n', start);
  return `${buf.toString(start, at < 0 || at > end ? end : at)}\n`;
}

/** The first line of a sequence's text (as firstLine, for a text read back). */
export function textFirstLine(text: string): string {
  const at = text.indexOf('\n');
  return `${at < 0 ? text : text.slice(0, at)}\n`;
}
