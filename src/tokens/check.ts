/**
 * Cross-check of the fast token counter against the full tokenizer, for tests and for runs over
 * generated thread texts (the full tokenizer is slow: a few MB per second).
 */
import { countTextTokens, slowCountTextTokens } from './llama.js';

export interface CounterDisagreement {
  index: number; // position of the text in the iterable
  text: string;
  fast: number;
  slow: number;
}

/** The first text whose fast and full-tokenizer counts differ, or undefined when all agree. */
export function firstCounterDisagreement(texts: Iterable<string>): CounterDisagreement | undefined {
  let index = 0;
  for (const text of texts) {
    const fast = countTextTokens(text);
    const slow = slowCountTextTokens(text);
    if (fast !== slow) return { index, text, fast, slow };
    index++;
  }
  return undefined;
}

/** Throws, describing the first disagreement, unless every text agrees. */
export function assertCounterAgrees(texts: Iterable<string>): void {
  const bad = firstCounterDisagreement(texts);
  if (!bad) return;
  const preview = JSON.stringify(bad.text.length > 200 ? `${bad.text.slice(0, 200)}…` : bad.text);
  throw new Error(`token counter disagrees on text #${bad.index} ${preview}: fast ${bad.fast}, full tokenizer ${bad.slow}`);
}
