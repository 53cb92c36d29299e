import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import llamaTokenizer from 'llama-tokenizer-js';
import { describe, expect, it } from 'vitest';
import { assertCounterAgrees, firstCounterDisagreement } from '../src/tokens/check.js';
import {
  clearTokenCache,
  countTextTokens,
  referenceSeqTokens,
  slowCountTextTokens,
  threadTokens,
} from '../src/tokens/llama.js';
import { MAX_KEY_BYTES, PieceTrie, ROOT } from '../src/tokens/piece-cache.js';
import { goldenPath } from './helpers.js';

const { vocabById, vocabByString, merges } = llamaTokenizer;
const SP = '▁'; // SentencePiece space, what the library turns ' ' into
const isByteToken = (p: string) => /^<0x[0-9A-F]{2}>$/.test(p);
const SPECIALS = ['<unk>', '<s>', '</s>'];

/** Merge keys are `${left} ${right}` (vocabulary pieces never contain ' ', checked below). */
const mergePairs = (): [string, string][] =>
  [...merges.keys()].map((key) => {
    const at = key.indexOf(' ');
    return [key.slice(0, at), key.slice(at + 1)];
  });

/**
 * The fast counter (src/tokens/llama.ts) sums cached counts of pieces: each '\n' and each digit
 * alone, otherwise a run of spaces then a run of other bytes. That equals the full tokenizer's
 * count iff no BPE merge joins bytes across a piece boundary and merges happen in the same order.
 * Each `it` below checks one fact of that argument over the whole vocabulary and merge list.
 */
describe('vocabulary proof: no merge can cross a piece boundary of the fast counter', () => {
  it('has the Llama-2 vocabulary and merge list', () => {
    expect(vocabById.length).toBe(32000);
    expect(vocabByString.size).toBe(32000);
    expect(merges.size).toBeGreaterThan(60000);
    expect(vocabById[29871]).toBe(SP);
  });

  it("every vocabulary piece has '▁' only as a leading run, and no ' ' or newline", () => {
    const bad = vocabById.filter((p) => !/^▁*[^▁]*$/u.test(p) || p.includes(' ') || p.includes('\n'));
    expect(bad).toEqual([]);
  });

  it('digits occur only as one-character pieces (besides byte-fallback tokens like <0x31>)', () => {
    const bad = vocabById.filter((p) => /[0-9]/.test(p) && p.length > 1 && !isByteToken(p));
    expect(bad).toEqual([]);
    for (const d of '0123456789') expect(vocabByString.has(d)).toBe(true);
  });

  it('newline is not a piece: it is always the byte-fallback token <0x0A>', () => {
    expect(vocabByString.has('\n')).toBe(false);
    const nl = vocabByString.get('<0x0A>');
    expect(nl).toBe(13);
    expect(llamaTokenizer.encode('\n', false, false)).toEqual([nl]);
  });

  it('every merge joins two non-byte, non-special pieces into a vocabulary piece', () => {
    const bad = mergePairs().filter(
      ([a, b]) =>
        !vocabByString.has(a) ||
        !vocabByString.has(b) ||
        !vocabByString.has(a + b) ||
        isByteToken(a + b) ||
        isByteToken(a) ||
        isByteToken(b) ||
        SPECIALS.includes(a) ||
        SPECIALS.includes(b),
    );
    expect(bad).toEqual([]);
  });

  it("no merge joins a non-space to a '▁', or involves a digit (implied by the above)", () => {
    const bad = mergePairs().filter(([a, b]) => (!a.endsWith(SP) && b.startsWith(SP)) || /[0-9]/.test(a + b));
    expect(bad).toEqual([]);
  });

  it('merge ranks are distinct integers, so the positional tie-break (< 1 for ASCII) never reorders ranks', () => {
    const ranks = [...merges.values()];
    expect(ranks.every((r) => Number.isInteger(r) && r >= 1)).toBe(true);
    expect(new Set(ranks).size).toBe(ranks.length);
  });

  it('every ASCII character is exactly one initial token (a one-character piece or one byte token)', () => {
    expect(vocabByString.has(SP)).toBe(true); // ' ' is replaced by '▁' before lookup
    for (let c = 0; c < 128; c++) {
      if (c === 0x20) continue;
      const hex = `<0x${c.toString(16).toUpperCase().padStart(2, '0')}>`;
      expect(vocabByString.has(String.fromCharCode(c)) || vocabByString.has(hex), `char ${c}`).toBe(true);
    }
  });

  it('encode(text, false) prepends one space to non-empty text, and returns [] for empty text', () => {
    expect(llamaTokenizer.encode('', false)).toEqual([]);
    for (const t of ['a', ' ', '\n', 'Moving to Node #0\n', '  x', 'é']) {
      expect(llamaTokenizer.encode(t, false)).toEqual(llamaTokenizer.encode(` ${t}`, false, false));
    }
  });
});

interface TraceDict {
  main_calls: string[];
  sub_calls: TraceDict[][];
}
interface GoldenRecord {
  optimal_path?: string;
  search_path?: string;
  trace_dict?: TraceDict;
}

function traceDictTexts(td: TraceDict, out: string[]): void {
  out.push(...td.main_calls);
  for (const calls of td.sub_calls) for (const sub of calls) traceDictTexts(sub, out);
}

function goldenTexts(file: string): string[] {
  const out: string[] = [];
  for (const line of readFileSync(goldenPath(file), 'utf8').split('\n')) {
    if (!line) continue;
    const r = JSON.parse(line) as GoldenRecord;
    if (r.optimal_path !== undefined) out.push(r.optimal_path);
    if (r.search_path !== undefined) out.push(r.search_path);
    if (r.trace_dict) traceDictTexts(r.trace_dict, out);
  }
  return out;
}

describe('fast count equals the full tokenizer on every golden trace text (with a prefix, on a sample)', () => {
  const files = [
    'problems_s42_n200_k4_t100.jsonl',
    'problems_s7_n100_k3-5_t50.jsonl',
    'sosp_s0_beam5_on_problems_s42.jsonl',
    'sosp_s3_beam3_on_problems_s7.jsonl',
    'apr_s42_beam10_sub15_p0.9_on_problems_s42.jsonl',
    'apr_s5_beam2-6_sub8_p0.5_on_problems_s7.jsonl',
  ];
  for (const file of files) {
    for (const prefix of ['', 'Token Budget: 1024 ', 'Sub Call Budget: 3 ']) {
      it(`${file}${prefix ? ` with prefix ${JSON.stringify(prefix)}` : ''}`, () => {
        const texts = goldenTexts(file);
        expect(texts.length).toBeGreaterThanOrEqual(100);
        // Without a prefix, every text. A prefix changes only the pieces it adds at the start
        // (the proof above: no merge crosses a piece boundary), so about 100 texts spread over
        // the file check how it joins; the full tokenizer on all of them took two thirds of this
        // file's time. The step is odd: a SoS+ file's texts alternate optimal_path and search_path.
        const every = prefix ? Math.ceil(texts.length / 100) | 1 : 1;
        const checked = texts.filter((_, k) => k % every === 0).map((t) => prefix + t);
        expect(firstCounterDisagreement(checked)).toBeUndefined();
      });
    }
  }
});

describe('fast count equals the full tokenizer on other text', () => {
  const edgeCases = [
    '',
    ' ',
    '  ',
    '   ',
    ' '.repeat(100),
    '\n',
    '\n\n\n',
    ' \n',
    '\n ',
    ' \n \n  ',
    'a',
    'a ',
    ' a',
    '  a  ',
    'a\n',
    '\na',
    'a  b',
    'a \n b',
    '1',
    ' 1',
    '  12 34',
    '007\n',
    'a1b',
    '19,19 equal: Goal Reached\n',
    'Moving to Node #0\nCurrent State: 19:[35, 7, 24, 38], Operations: []\n',
    '<Start Sub Search 0 at level 1> Moving to Node #0,1,4\n19,19 equal: Goal Reached\n',
    "Operations: ['32-29=3', '36*3=108']",
    '\t',
    '\r\n',
    '\u0000x',
    'x'.repeat(200), // longer than any cached key
    '1'.repeat(MAX_KEY_BYTES + 1),
    'é',
    'café au lait',
    '😀',
    'a😀 b',
    '🌍',
    '▁',
    'a▁b c',
    ' ▁ ',
    '\ud800',
    'Token Budget: 1024 ',
  ];

  it('edge cases, with a cold and a warm cache', () => {
    for (const t of edgeCases) {
      clearTokenCache();
      const slow = slowCountTextTokens(t);
      expect(countTextTokens(t), `cold ${JSON.stringify(t)}`).toBe(slow);
      expect(countTextTokens(t), `warm ${JSON.stringify(t)}`).toBe(slow);
    }
    expect(countTextTokens('')).toBe(0);
    expect(countTextTokens(' ')).toBe(1); // the dummy prefix and the space form one '▁▁'
    expect(countTextTokens('\n')).toBe(2); // '▁' then <0x0A>
  });

  const fragments = [
    ...'0123456789',
    '[',
    ']',
    ', ',
    ',',
    ':',
    '#',
    '+',
    '-',
    '*',
    '/',
    '=',
    '\n',
    ' ',
    '  ',
    ...'aeoNGMSxz',
    '<',
    '>',
    "'",
    'Node',
    'Operation',
    'Exploring',
    'Moving',
    'Sub Search',
    'Goal Reached',
    'unequal',
  ];
  const traceLike = fc.array(fc.constantFrom(...fragments), { maxLength: 80 }).map((parts) => parts.join(''));

  it('random strings from the trace alphabet (fast-check)', () => {
    fc.assert(
      fc.property(traceLike, (t) => countTextTokens(t) === slowCountTextTokens(t)),
      { numRuns: 4000 },
    );
  });

  it('random strings from the trace alphabet with a cold cache (fast-check)', () => {
    fc.assert(
      fc.property(traceLike, (t) => {
        clearTokenCache();
        return countTextTokens(t) === slowCountTextTokens(t);
      }),
      { numRuns: 1000 },
    );
  });

  it('random arbitrary strings, including non-ASCII and lone surrogates (fast-check)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (t) => countTextTokens(t) === slowCountTextTokens(t)),
      { numRuns: 500 },
    );
  });

  it('assertCounterAgrees passes on agreeing texts and firstCounterDisagreement reports none', () => {
    expect(() => assertCounterAgrees(edgeCases)).not.toThrow();
    expect(firstCounterDisagreement([])).toBeUndefined();
  });
});

describe('sequence lengths', () => {
  it('threadTokens adds <s> and </s>; referenceSeqTokens adds one more BOS', () => {
    const t = 'Moving to Node #0\n';
    const n = slowCountTextTokens(t);
    expect(threadTokens(t)).toBe(n + 2);
    expect(referenceSeqTokens(t)).toBe(n + 3);
    expect(threadTokens('')).toBe(2);
  });
});

describe('PieceTrie', () => {
  const bytes = (s: string) => new TextEncoder().encode(s);
  const lookup = (trie: PieceTrie, key: string): number => {
    let state = ROOT;
    for (const b of bytes(key)) state = trie.next[(state << 7) | b]!;
    return trie.values[state]!;
  };

  it('keeps prefixes apart and reports unknown pieces as 0', () => {
    const trie = new PieceTrie(16, 64);
    trie.insert(bytes('xaby'), 1, 3, 3); // 'ab'
    trie.insert(bytes('abc'), 0, 3, 5);
    trie.insert(bytes(''), 0, 0, 1);
    expect(lookup(trie, 'ab')).toBe(3);
    expect(lookup(trie, 'abc')).toBe(5);
    expect(lookup(trie, '')).toBe(1);
    expect(lookup(trie, 'a')).toBe(0);
    expect(lookup(trie, 'abcd')).toBe(0);
    expect(lookup(trie, 'zab')).toBe(0);
  });

  it('grows up to maxNodes keeping its entries, then empties itself', () => {
    const trie = new PieceTrie(4, 16);
    trie.insert(bytes('abc'), 0, 3, 2);
    trie.insert(bytes('de'), 0, 2, 4); // needs more than 4 nodes: grows
    expect(lookup(trie, 'abc')).toBe(2);
    expect(lookup(trie, 'de')).toBe(4);
    trie.insert(bytes('fghij'), 0, 5, 6);
    expect(trie.size).toBe(12);
    trie.insert(bytes('klmno'), 0, 5, 7); // 17 nodes > maxNodes: cleared first
    expect(trie.size).toBe(7);
    expect(lookup(trie, 'abc')).toBe(0);
    expect(lookup(trie, 'klmno')).toBe(7);
  });

  it('does not store keys longer than MAX_KEY_BYTES', () => {
    const trie = new PieceTrie();
    const long = 'y'.repeat(MAX_KEY_BYTES + 1);
    trie.insert(bytes(long), 0, long.length, 2);
    expect(lookup(trie, long)).toBe(0);
    expect(trie.size).toBe(2);
  });
});
