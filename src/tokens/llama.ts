/**
 * Exact, fast Llama-2 token counts (the SentencePiece BPE vocabulary shipped by llama-tokenizer-js).
 *
 * Reference: `llamaTokenizer.encode(text, false)`, i.e. encode(prompt, add_bos_token = false,
 * add_preceding_space = true): no `<s>`, and the library prepends one space to non-empty text
 * (SentencePiece's "▁" dummy prefix). Empty text encodes to [] (no dummy prefix at all).
 *
 * Fast method: split the text into pieces, count each distinct piece once with the real tokenizer,
 * cache the counts and sum. Splitting rule (proved safe over the whole vocabulary and merge list in
 * test/tokens.test.ts):
 *   - a piece boundary falls before every run of spaces that follows a non-space character
 *     (a "space" is ' ' or a literal U+2581 '▁', which the library treats identically);
 *   - every '\n' is a piece of its own, worth exactly 1 token (byte-fallback <0x0A>);
 *   - the first piece carries the library's preceding space, so it is counted as ' ' + piece.
 * Why this is exact: '▁' only ever appears as a leading run inside a vocabulary piece, every merge
 * joins two non-byte pieces into a vocabulary piece, and no piece contains '\n'; so no merge can
 * join the two sides of a boundary. Merge order is (merge rank, position) both in the whole text
 * and in each piece, because the library's positional tie-break `origPos / prompt.length` stays
 * below 1 whenever every code point maps to exactly one initial token; texts with a character that
 * needs several byte-fallback tokens (e.g. most emoji) or a surrogate pair go to the full tokenizer.
 */
import llamaTokenizer from 'llama-tokenizer-js';
import { HASH_SEED, PieceCache, hashStep } from './piece-cache.js';

/** Reference count: the full tokenizer, no BOS, with its default preceding space. */
export function slowCountTextTokens(text: string): number {
  return llamaTokenizer.encode(text, false).length;
}

/** `<s>` + text + `</s>`: a training sequence fits a window W when threadTokens(text) <= W. */
export function threadTokens(text: string): number {
  return countTextTokens(text) + 2;
}

/**
 * The reference generator encodes `bos + text + eos` with a Hugging Face Llama tokenizer that
 * adds its own BOS as well, so its sequence length is the text plus three special tokens.
 */
export function referenceSeqTokens(text: string): number {
  return countTextTokens(text) + 3;
}

const SPACE = 0x20;
const NEWLINE = 0x0a;
const SP_SPACE = 0x2581; // '▁', what the library turns ' ' into

/**
 * ONE_TOKEN[c] = 1 when the UTF-16 unit c (outside surrogates) becomes exactly one initial token:
 * ASCII (a vocabulary piece or a single byte-fallback byte) or a one-character vocabulary piece.
 */
const ONE_TOKEN = new Uint8Array(0x10000);
for (let c = 0; c < 0x10000; c++) {
  const surrogate = c >= 0xd800 && c <= 0xdfff;
  if (!surrogate && (c < 0x80 || llamaTokenizer.vocabByString.has(String.fromCharCode(c)))) ONE_TOKEN[c] = 1;
}

/** Piece -> token count; the first piece of a text is counted with its preceding space. */
const pieces = new PieceCache(17);
const firstPieces = new PieceCache(12);

/** Token count of text[start, end) (hash h), from the cache or, once, from the real tokenizer. */
function pieceTokens(text: string, start: number, end: number, h: number, first: boolean): number {
  const table = first ? firstPieces : pieces;
  const hit = table.get(text, start, end, h);
  if (hit !== 0) return hit;
  const piece = text.substring(start, end);
  const n = llamaTokenizer.encode(first ? ' ' + piece : piece, false, false).length;
  table.set(piece, h, n);
  return n;
}

/** Number of Llama-2 tokens in `text`, equal to slowCountTextTokens(text) for every string. */
export function countTextTokens(text: string): number {
  const len = text.length;
  if (len === 0) return 0;
  let total = 0;
  let start = 0; // start of the current piece
  let h = HASH_SEED; // hash of text[start, i)
  let first = true; // the current piece is the first one (it gets the preceding space)
  let prevSpace = true; // the preceding space counts as a space before text[0]
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      if (first || i > start) total += pieceTokens(text, start, i, h, first);
      total += 1; // '\n' is always the lone byte-fallback token <0x0A>
      first = false;
      prevSpace = false;
      start = i + 1;
      h = HASH_SEED;
      continue;
    }
    if (c === SPACE || c === SP_SPACE) {
      if (!prevSpace) {
        if (first || i > start) total += pieceTokens(text, start, i, h, first);
        first = false;
        start = i;
        h = HASH_SEED;
      }
      prevSpace = true;
    } else {
      if (ONE_TOKEN[c] === 0) return slowCountTextTokens(text);
      prevSpace = false;
    }
    h = hashStep(h, c);
  }
  if (first || len > start) total += pieceTokens(text, start, len, h, first);
  return total;
}

/** Drop all cached piece counts (tests; or to release memory between jobs). */
export function clearTokenCache(): void {
  pieces.clear();
  firstPieces.clear();
}
