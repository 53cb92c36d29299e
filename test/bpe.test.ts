import fc from 'fast-check';
import llamaTokenizer from 'llama-tokenizer-js';
import { describe, expect, it } from 'vitest';
import { bpeTokenCount, bpeTokenIds } from '../src/tokens/bpe.js';
import { countTextTokens } from '../src/tokens/llama.js';

/** The oracle: the library's own encode, no <s>. */
const library = (text: string, space: boolean): number[] => llamaTokenizer.encode(text, false, space);

const agrees = (text: string): boolean => {
  for (const space of [true, false]) {
    expect(bpeTokenIds(text, space), JSON.stringify(text.slice(0, 80))).toEqual(library(text, space));
    expect(bpeTokenCount(text, space)).toBe(library(text, space).length);
  }
  return true;
};

describe('bpe.ts: the library merge loop on typed arrays', () => {
  it('the vocabulary facts it relies on: distinct pieces, none with a space, every merge result a piece', () => {
    const { vocabById, vocabByString, merges } = llamaTokenizer;
    expect(vocabByString.size).toBe(vocabById.length);
    expect(vocabById.some((p) => p.includes(' '))).toBe(false);
    for (const key of merges.keys()) {
      const at = key.indexOf(' ');
      expect(vocabByString.has(key.slice(0, at)) && vocabByString.has(key.slice(at + 1))).toBe(true);
      expect(vocabByString.has(key.slice(0, at) + key.slice(at + 1))).toBe(true);
    }
  });

  it('edge cases: empty, spaces, runs, byte fallback, astral and lone surrogates', () => {
    expect(bpeTokenCount('', true)).toBe(0);
    for (const t of [
      ' ', '  ', '▁', 'a', 'A'.repeat(1000), ' '.repeat(300), 'ab'.repeat(500), 'aaab'.repeat(200),
      'Current State: 43:[54, 13, 76, 67], Operations: []\n', '\\n\\t"', 'é', '日本語のテキスト', '🙂🙂🙂',
      '\ud800', 'a\udc00b', '\ud83d', '𝔘𝔫𝔦', '\u0000\u0001\u007f', 'Ω≈ç√∫', '\u2581\u2581 x',
      '한국어 텍스트', 'ӝӝӝӝӝӝ', '\u{10ffff}\u{e000}', 'x'.repeat(17) + '🙂'.repeat(9) + '\u0378'.repeat(11),
      // Byte tokens push origPos past twice the length, where priorities of different ranks
      // interleave (the same ids whichever pops first: byte tokens never merge, and sit between).
      'br' + '\uffff'.repeat(7) + 'fo', '\u0000\u0378' + '\ud7ff'.repeat(40) + 'the fox',
    ]) {
      agrees(t);
    }
  });

  it('random strings of every kind of unit (fast-check)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 60 }), agrees), { numRuns: 1500 });
    fc.assert(fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), agrees), { numRuns: 800 });
  });

  it('random runs of a few characters, where merge order decides (fast-check)', () => {
    // Byte tokens outnumbering the units make equal priorities possible; the heap must pop them as the library does.
    const alphabet = fc.constantFrom('a', 'A', ' ', 'e', 'n', '▁', 'é', '🙂', '\u0378', '日', 'ab', 'th');
    fc.assert(fc.property(fc.array(alphabet, { maxLength: 300 }).map((a) => a.join('')), agrees), { numRuns: 600 });
  });

  it('a long run with no space, newline or digit is counted exactly (it ran the library out of heap)', () => {
    // 400,000 characters: the library takes seconds; the count is checked against it on a tenth.
    const run = 'ABABAAB'.repeat(6_000);
    agrees(run);
    const long = 'A'.repeat(400_000);
    expect(countTextTokens(long)).toBe(bpeTokenCount(long, true));
    expect(countTextTokens(long)).toBe(countTextTokens('A'.repeat(400_000 - 1) + 'A'));
  });
});
