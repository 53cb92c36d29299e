/**
 * Exact, fast Llama-2 token counts (the SentencePiece BPE vocabulary of llama-tokenizer-js).
 *
 * Reference: `llamaTokenizer.encode(text, false)`, i.e. encode(prompt, add_bos_token = false,
 * add_preceding_space = true): no `<s>`, and one space prepended to non-empty text (SentencePiece's
 * "▁" dummy prefix). Empty text encodes to [] (no dummy prefix at all), so it counts 0.
 *
 * Fast method for ASCII text: split it into pieces, count each distinct piece once with the real
 * tokenizer, cache the counts and sum. Splitting rule:
 *   - every '\n' and every digit is a piece of its own, worth exactly 1 token (<0x0A>, the digit);
 *   - the remaining bytes form pieces, each a run of spaces then a run of other bytes (not ' ',
 *     '\n' or a digit): a boundary falls before every run of spaces that follows a non-space;
 *   - the first piece carries the library's preceding space, so it is counted as ' ' + piece
 *     (it may be empty: a text starting with a digit or '\n' gets a lone '▁' token).
 * Why that is exact (each fact is checked over the whole vocabulary and merge list in
 * test/tokens.test.ts): '▁' (space) occurs in a vocabulary piece only as a leading run, no piece
 * contains '\n', digits occur only as one-character pieces, and every merge joins two
 * non-byte-fallback pieces into a (non-byte) vocabulary piece; so no merge can ever join the two
 * sides of a boundary. The library orders merges by `rank + origPos / prompt.length`; ranks are
 * distinct integers and, for ASCII text, every character is one initial token, so
 * origPos / prompt.length < 1 and the order is (rank, position) both in the whole text and in each
 * piece alone: every piece is tokenized identically. Splitting at digits also keeps the set of
 * distinct pieces in trace text tiny (about 60), so the cache never churns.
 * Non-ASCII text (never produced by the trace generators) goes to the full tokenizer: there a
 * character may become several byte-fallback tokens, which breaks the ordering argument, and ' '
 * has a twin in U+2581.
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
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;

/** Piece -> token count; the first piece of a text is counted with its preceding space. */
const pieces = new PieceCache(16);
const firstPieces = new PieceCache(12);

/** Reused UTF-8 buffer: scanning bytes is about twice as fast as charCodeAt in V8. */
const encoder = new TextEncoder();
let scratch = new Uint8Array(1 << 16);

/** Hash of the piece last scanned by pieceEnd (a second return value, without allocating). */
let scannedHash = 0;

/** End of the piece starting at `from`: a run of spaces, then a run of bytes other than ' ', '\n' and digits. */
function pieceEnd(bytes: Uint8Array, from: number, len: number): number {
  let h = HASH_SEED;
  let i = from;
  let c = 0;
  while (i < len && (c = bytes[i]!) === SPACE) {
    h = hashStep(h, c);
    i++;
  }
  while (i < len && (c = bytes[i]!) !== SPACE && c !== NEWLINE && !isDigit(c)) {
    h = hashStep(h, c);
    i++;
  }
  scannedHash = h;
  return i;
}

/** Token count of bytes[start, end) (= text[start, end), ASCII), cached after its first use. */
function pieceTokens(text: string, bytes: Uint8Array, start: number, end: number, h: number, first: boolean): number {
  const table = first ? firstPieces : pieces;
  const hit = table.get(bytes, start, end, h);
  if (hit !== 0) return hit;
  const piece = text.substring(start, end);
  const n = llamaTokenizer.encode(first ? ' ' + piece : piece, false, false).length;
  table.set(bytes, start, end, h, n);
  return n;
}

/** Number of Llama-2 tokens in `text`, equal to slowCountTextTokens(text) for every string. */
export function countTextTokens(text: string): number {
  const len = text.length;
  if (len === 0) return 0;
  if (scratch.length < len) scratch = new Uint8Array(Math.max(len, scratch.length * 2));
  const bytes = scratch;
  // Only ASCII encodes to exactly one byte per UTF-16 unit.
  const { read, written } = encoder.encodeInto(text, bytes);
  if (read !== len || written !== len) return slowCountTextTokens(text);

  let i = pieceEnd(bytes, 0, len);
  let total = pieceTokens(text, bytes, 0, i, scannedHash, true); // carries the preceding space
  while (i < len) {
    const c = bytes[i]!;
    if (c === NEWLINE || isDigit(c)) {
      total += 1; // always one token of its own: <0x0A>, or the digit
      i++;
      continue;
    }
    const start = i;
    i = pieceEnd(bytes, start, len);
    total += pieceTokens(text, bytes, start, i, scannedHash, false);
  }
  return total;
}

/** Drop all cached piece counts (tests; or to release memory between jobs). */
export function clearTokenCache(): void {
  pieces.clear();
  firstPieces.clear();
}
