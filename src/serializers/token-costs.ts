import type { TraceEvent } from '../solver/events.js';
import type { TextCosts, WindowRules } from '../solver/window.js';
import { countAsciiTokens, countTextTokens } from '../tokens/llama.js';
import { ByteText } from './bytes.js';
import { LineWriter } from './trace.js';

/**
 * The token costs a windowed search asks for: each event rendered into a scratch buffer by
 * the same LineWriter that writes the output, and counted exactly. Lines join at newlines,
 * where no Llama-2 token can span (proved in test/tokens.test.ts), so line counts add up.
 */
export function textCosts(target: number): TextCosts {
  const writer = new LineWriter(target);
  const scratch = new ByteText(1 << 12);
  const measure = (e: TraceEvent, atStart: boolean): number => {
    scratch.len = 0;
    writer.write(scratch, e);
    return countAsciiTokens(scratch.buf, 0, scratch.len, atStart, true);
  };
  return { opening: (e) => measure(e, true), following: (e) => measure(e, false) };
}

/** Conditioning prefixes the reference's models were trained with (spec §10). */
export type Conditioning = 'none' | 'token-budget' | 'sub-call-budget';

export function tokenBudgetPrefix(bin: number): string {
  return `Token Budget: ${bin} `;
}

export function subCallBudgetPrefix(children: number): string {
  return `Sub Call Budget: ${children} `;
}

/** The smallest multiple of 512 not below `tokens`. */
export function tokenBudgetBin(tokens: number): number {
  return Math.max(512, Math.ceil(tokens / 512) * 512);
}

/**
 * Tokens a prefix adds in front of a sequence (its last space joins the first word of the
 * sequence, so this is counted in place rather than on its own).
 */
export function prefixTokens(prefix: string, sequenceStart: string): number {
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

/** The window rules for one record: `window` total tokens per sequence, `<s>`/`</s>` included. */
export function windowRules(target: number, window: number, rootPrefix: number): WindowRules {
  return { costs: textCosts(target), limit: (level) => window - 2 - (level === 0 ? rootPrefix : 0) };
}

/** Tokens of the shortest complete thread: smaller windows cannot hold any search. */
export function shortestThreadTokens(mode: Conditioning, window: number): number {
  const text = 'Moving to Node #0\nCurrent State: 10:[1, 1], Operations: []\nNo solution found.\n';
  return countTextTokens(text) + 2 + prefixReserve(mode, window);
}
