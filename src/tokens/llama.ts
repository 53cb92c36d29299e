/**
 * Exact, fast Llama-2 token counts (the SentencePiece BPE vocabulary of llama-tokenizer-js).
 *
 * Reference: `llamaTokenizer.encode(text, false)`, i.e. encode(prompt, add_bos_token = false,
 * add_preceding_space = true): no `<s>`, and one space prepended to non-empty text (SentencePiece's
 * "▁" dummy prefix). Empty text encodes to [] (no dummy prefix at all), so it counts 0.
 *
 * Fast method for ASCII text: split it into pieces, count each distinct piece once with the real
 * tokenizer's merge loop (bpe.ts), cache the counts (in a byte trie walked while scanning) and sum. Splitting rule:
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
 * distinct pieces in trace text tiny (67, all known at start: trace-pieces.ts), so the cache never churns.
 * Non-ASCII text (never produced by the trace generators) is counted whole by bpe.ts: there a
 * character may become several byte-fallback tokens, which breaks the ordering argument, and ' '
 * has a twin in U+2581.
 */
import { bpeTokenCount } from './bpe.js';
import { tokenizer } from './library.js';
import { PieceTrie, ROOT } from './piece-cache.js';
import { FIRST_PIECE_TOKENS, PIECE_TOKENS } from './trace-pieces.js';

export { fullTokenizerBuilt } from './library.js';

/** The oracle: the library's own encode, no BOS, with its default preceding space (slow; tests). */
export function slowCountTextTokens(text: string): number {
  return tokenizer().encode(text, false).length;
}

/** `<s>` + text + `</s>`: a training sequence fits a window W when threadTokens(text) <= W. */
export function threadTokens(text: string): number {
  return sequenceLength(countTextTokens(text));
}

/** A training sequence's tokens from its text's: `<s>` and `</s>` added. */
export function sequenceLength(textTokens: number): number {
  return textTokens + 2;
}

/** The inverse: a text's tokens from its sequence's. */
export function textTokensOf(sequenceTokens: number): number {
  return sequenceTokens - 2;
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
const pieces = new PieceTrie();
const firstPieces = new PieceTrie(1 << 8, 1 << 10);

/** Caches the counts of trace text's pieces (src/tokens/trace-pieces.ts), known without the full tokenizer. */
function seedTracePieces(): void {
  for (const [trie, table] of [[firstPieces, FIRST_PIECE_TOKENS], [pieces, PIECE_TOKENS]] as const) {
    for (const [piece, tokens] of table) {
      const bytes = Buffer.from(piece, 'latin1');
      trie.insert(bytes, 0, bytes.length, tokens);
    }
  }
}
seedTracePieces();

/** Reused UTF-8 buffer: scanning bytes is about twice as fast as charCodeAt in V8. */
const encoder = new TextEncoder();
let scratch = new Uint8Array(1 << 16);

/** Trie state reached by the last pieceEnd (a second return value, without allocating). */
let scannedState = ROOT;

const BACKSLASH = 0x5c;

/**
 * End of the piece starting at `from` (a run of spaces, then a run of bytes other than ' ',
 * '\n', a backslash and digits), walking `trie` along it. (A backslash never occurs in
 * plain trace text; in escaped text it starts the two-byte newline `\n`.)
 */
function pieceEnd(trie: PieceTrie, bytes: Uint8Array, from: number, len: number): number {
  const next = trie.next;
  let s = ROOT;
  let i = from;
  let c = 0;
  while (i < len && (c = bytes[i]!) === SPACE) {
    s = next[(s << 7) | c]!;
    i++;
  }
  while (i < len && (c = bytes[i]!) !== SPACE && c !== NEWLINE && c !== BACKSLASH && !isDigit(c)) {
    s = next[(s << 7) | c]!;
    i++;
  }
  scannedState = s;
  return i;
}

const latin1 = new TextDecoder('latin1');

/** Token count of the piece bytes[start, end) that led `trie` to `state`; cached after first use. */
function pieceTokens(trie: PieceTrie, bytes: Uint8Array, start: number, end: number, state: number): number {
  const hit = trie.values[state]!;
  if (hit !== 0) return hit;
  const piece = latin1.decode(bytes.subarray(start, end));
  const n = bpeTokenCount(trie === firstPieces ? ' ' + piece : piece, false);
  trie.insert(bytes, start, end, n);
  return n;
}

/**
 * Tokens of ASCII bytes[start, end). `atStart`: the bytes open a sequence, so the first
 * piece carries the tokenizer's preceding space; otherwise they continue a text after a
 * newline (so counts of consecutive lines add up to the count of their concatenation).
 * `escaped`: a newline is the two bytes `\n` (JSON-escaped trace text), else the byte 0x0A.
 */
export function countAsciiTokens(bytes: Uint8Array, start: number, end: number, atStart: boolean, escaped: boolean): number {
  if (start >= end) return 0;
  let i = start;
  let total = 0;
  if (atStart) {
    i = pieceEnd(firstPieces, bytes, start, end);
    total = pieceTokens(firstPieces, bytes, start, i, scannedState); // carries the preceding space
  }
  while (i < end) {
    const c = bytes[i]!;
    if (c === NEWLINE || isDigit(c)) {
      total += 1; // always one token of its own: <0x0A>, or the digit
      i++;
      continue;
    }
    if (c === BACKSLASH && escaped) {
      total += 1; // the escaped newline
      i += 2;
      continue;
    }
    const from = i;
    i = pieceEnd(pieces, bytes, from, end);
    if (i === from) throw new RangeError('countAsciiTokens: a backslash in plain text (use countTextTokens)');
    total += pieceTokens(pieces, bytes, from, i, scannedState);
  }
  return total;
}

/** Number of Llama-2 tokens in `text`, equal to slowCountTextTokens(text) for every string. */
export function countTextTokens(text: string): number {
  const len = text.length;
  if (len === 0) return 0;
  if (scratch.length < len) scratch = new Uint8Array(Math.max(len, scratch.length * 2));
  const bytes = scratch;
  // Only ASCII encodes to exactly one byte per UTF-16 unit; a text with a backslash is counted
  // whole too (the fast rules treat it as the start of an escaped newline).
  const { read, written } = encoder.encodeInto(text, bytes);
  if (read !== len || written !== len || text.includes('\\')) return bpeTokenCount(text, true);
  return countAsciiTokens(bytes, 0, len, true, false);
}

/** Drop all cached piece counts, the seeded ones too (tests: the full tokenizer counts every piece again). */
export function clearTokenCache(): void {
  pieces.clear();
  firstPieces.clear();
}
