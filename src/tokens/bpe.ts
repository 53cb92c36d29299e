/**
 * Llama-2 token counts of any text, exactly as llama-tokenizer-js's `encode` makes its tokens,
 * with the numbers in typed arrays.
 *
 * Why not call the library: its merge loop makes an object per character and one per queued
 * pair, and keys them by strings. A model's output stuck in a 25 MB run without a space or a
 * digit (one piece to the fast counter) ran `verify` out of heap after three minutes; 1 MB
 * took 5 s and 340 MB. This runs the same steps on numbers: about 50 bytes a character, and
 * under a microsecond (10 MB with no space: 0.56 GB and 7.8 s).
 *
 * Same steps, so the same tokens (the library stays the oracle: test/bpe.test.ts):
 * - the initial tokens: each code point's vocabulary piece (a space as '▁'), or its UTF-8
 *   bytes as `<0xHH>` tokens; the preceding space added after the empty-text check;
 * - the merge order: priority `rank + origPos / text.length` (UTF-16 units of the text
 *   `encode` was given, without the preceding space it adds), in the library's own binary
 *   heap, stale entries included, so that even equal priorities (possible once byte tokens
 *   outnumber the text's units) pop in the library's order;
 * - what a merge replaces: the merged pair, and its left neighbour (the library copies it,
 *   with its origPos); an entry queued for a replaced node is stale and skipped.
 * Facts about the vocabulary this relies on (no piece holds a space, pieces are distinct,
 * every merge's result is a piece) are checked in test/bpe.test.ts.
 */
import { tokenizer } from './library.js';

/** The merge tables, as numbers: pair (left, right) -> merge m; its rank and result. */
interface Tables {
  readonly vocabSize: number;
  /** `left * vocabSize + right` -> m. */
  readonly mergeOf: Map<number, number>;
  readonly rank: Int32Array;
  readonly result: Int32Array;
  /** Code unit (< 0x10000) -> its piece's id, or -1 when it has none. */
  readonly unitPiece: Int32Array;
  /** Byte -> the id of its `<0xHH>` token. */
  readonly byteToken: Int32Array;
  readonly pieceOf: ReadonlyMap<string, number>;
}

let tables: Tables | undefined;

/** Built on first use from the library's vocabulary and merges (it decodes them when loaded). */
function mergeTables(): Tables {
  if (tables) return tables;
  const t = tokenizer();
  const vocabSize = t.vocabById.length;
  const mergeOf = new Map<number, number>();
  const rank = new Int32Array(t.merges.size);
  const result = new Int32Array(t.merges.size);
  let m = 0;
  for (const [pair, r] of t.merges) {
    const cut = pair.indexOf(' '); // no piece holds a space: the first one splits the pair
    const left = t.vocabByString.get(pair.slice(0, cut))!;
    const right = t.vocabByString.get(pair.slice(cut + 1))!;
    mergeOf.set(left * vocabSize + right, m);
    rank[m] = r;
    result[m] = t.vocabByString.get(pair.slice(0, cut) + pair.slice(cut + 1))!;
    m++;
  }
  const unitPiece = new Int32Array(0x10000).fill(-1);
  for (let u = 0; u < 0x10000; u++) {
    if (u >= 0xd800 && u <= 0xdfff) continue; // a surrogate is never a piece by itself
    const id = t.vocabByString.get(u === 0x20 ? '▁' : String.fromCharCode(u));
    if (id !== undefined) unitPiece[u] = id;
  }
  const byteToken = new Int32Array(256);
  for (let b = 0; b < 256; b++) byteToken[b] = t.vocabByString.get(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`) ?? 0;
  tables = { vocabSize, mergeOf, rank, result, unitPiece, byteToken, pieceOf: t.vocabByString };
  return tables;
}

/**
 * Working arrays shared by every count (one count runs at a time: counting never yields),
 * grown to the longest text counted and kept.
 */
const sharedNodes = {
  // Per token, by its origPos: its id, neighbours (-1: none) and a stamp that changes when the
  // library would replace the node's object.
  tok: new Int32Array(1024),
  next: new Int32Array(1024),
  prev: new Int32Array(1024),
  stamp: new Int32Array(1024),
};

/**
 * The library's PriorityQueue (a binary heap; its comparator a.mergePrio < b.mergePrio), the
 * same comparisons in the same order, so the same layout and pops; an entry is a priority,
 * the node queued, that node's stamp then, and the merge. Moves a hole instead of swapping.
 */
class MergeQueue {
  size = 0;
  private key = new Float64Array(1024);
  private node = new Int32Array(1024);
  private stamp = new Int32Array(1024);
  private merge = new Int32Array(1024);
  /** The entry the last pop took. */
  topNode = 0;
  topStamp = 0;
  topMerge = 0;

  push(key: number, node: number, stamp: number, merge: number): void {
    if (this.size === this.key.length) this.grow();
    let i = this.size++;
    while (i > 0) {
      const parent = ((i + 1) >>> 1) - 1;
      if (!(key < this.key[parent]!)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, key, node, stamp, merge);
  }

  pop(): void {
    this.topNode = this.node[0]!;
    this.topStamp = this.stamp[0]!;
    this.topMerge = this.merge[0]!;
    const last = --this.size;
    if (last === 0) return;
    // The bottom entry sinks from the top.
    const key = this.key[last]!;
    const node = this.node[last]!;
    const stamp = this.stamp[last]!;
    const merge = this.merge[last]!;
    const size = this.size;
    let i = 0;
    for (;;) {
      const l = (i << 1) + 1;
      const r = l + 1;
      if (!((l < size && this.key[l]! < key) || (r < size && this.key[r]! < key))) break;
      const child = r < size && this.key[r]! < this.key[l]! ? r : l;
      this.move(child, i);
      i = child;
    }
    this.set(i, key, node, stamp, merge);
  }

  private move(from: number, to: number): void {
    this.key[to] = this.key[from]!;
    this.node[to] = this.node[from]!;
    this.stamp[to] = this.stamp[from]!;
    this.merge[to] = this.merge[from]!;
  }

  private set(i: number, key: number, node: number, stamp: number, merge: number): void {
    this.key[i] = key;
    this.node[i] = node;
    this.stamp[i] = stamp;
    this.merge[i] = merge;
  }

  private grow(): void {
    const key = new Float64Array(this.key.length * 2);
    key.set(this.key);
    this.key = key;
    this.node = grownInt(this.node, key.length);
    this.stamp = grownInt(this.stamp, key.length);
    this.merge = grownInt(this.merge, key.length);
  }
}

/** Shared by every count, as `sharedNodes` is. */
const sharedQueue = new MergeQueue();

function grownInt(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (a.length >= need) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/** Appends the `<0xHH>` tokens of code point `cp`'s UTF-8 bytes (a lone surrogate's: U+FFFD's, as TextEncoder writes it). */
function pushBytes(t: Tables, tok: Int32Array, n: number, cp: number): number {
  const b = t.byteToken;
  if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
  if (cp < 0x80) {
    tok[n++] = b[cp]!;
  } else if (cp < 0x800) {
    tok[n++] = b[0xc0 | (cp >> 6)]!;
    tok[n++] = b[0x80 | (cp & 0x3f)]!;
  } else if (cp < 0x10000) {
    tok[n++] = b[0xe0 | (cp >> 12)]!;
    tok[n++] = b[0x80 | ((cp >> 6) & 0x3f)]!;
    tok[n++] = b[0x80 | (cp & 0x3f)]!;
  } else {
    tok[n++] = b[0xf0 | (cp >> 18)]!;
    tok[n++] = b[0x80 | ((cp >> 12) & 0x3f)]!;
    tok[n++] = b[0x80 | ((cp >> 6) & 0x3f)]!;
    tok[n++] = b[0x80 | (cp & 0x3f)]!;
  }
  return n;
}

/** Initial tokens of `prompt` into sharedNodes.tok; their count. */
function initialTokens(t: Tables, prompt: string): number {
  let tok = (sharedNodes.tok = grownInt(sharedNodes.tok, prompt.length + 4));
  let n = 0;
  for (let i = 0; i < prompt.length; i++) {
    // Room for the most one code point makes: four byte tokens.
    if (n + 4 > tok.length) tok = sharedNodes.tok = grownInt(tok, n + 4);
    const u = prompt.charCodeAt(i);
    if (u < 0xd800 || u > 0xdfff) {
      const id = t.unitPiece[u]!;
      if (id >= 0) tok[n++] = id;
      else n = pushBytes(t, tok, n, u);
      continue;
    }
    // A surrogate pair is one code point (as Array.from reads it); a lone surrogate, one too.
    const low = prompt.charCodeAt(i + 1);
    const pair = u <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
    const ch = pair ? prompt.slice(i, i + 2) : prompt[i]!;
    if (pair) i++;
    const id = t.pieceOf.get(ch);
    if (id !== undefined) tok[n++] = id;
    else n = pushBytes(t, tok, n, pair ? ch.codePointAt(0)! : u);
  }
  return n;
}

/**
 * Tokens of `text` as `encode(text, false, addPrecedingSpace)` makes them (no `<s>`).
 * Not reentrant: it works in the module's shared arrays.
 */
export function bpeTokenCount(text: string, addPrecedingSpace: boolean): number {
  if (text.length === 0) return 0;
  const t = mergeTables();
  const prompt = addPrecedingSpace ? ' ' + text : text;
  const n = initialTokens(t, prompt);
  const s = sharedNodes;
  s.next = grownInt(s.next, n);
  s.prev = grownInt(s.prev, n);
  s.stamp = grownInt(s.stamp, n);
  const { tok, next, prev, stamp } = s;
  for (let i = 0; i < n; i++) {
    next[i] = i + 1 < n ? i + 1 : -1;
    prev[i] = i - 1;
    stamp[i] = 0;
  }
  // The library divides by its argument's length: the text, without the space it adds.
  const len = text.length;
  const V = t.vocabSize;

  const q = sharedQueue;
  q.size = 0;
  const queue = (left: number): void => {
    const m = t.mergeOf.get(tok[left]! * V + tok[next[left]!]!);
    if (m !== undefined) q.push(t.rank[m]! + left / len, left, stamp[left]!, m);
  };

  for (let i = 0; i + 1 < n; i++) queue(i);
  let tokens = n;
  while (q.size > 0) {
    q.pop();
    const left = q.topNode;
    if (q.topStamp !== stamp[left]) continue; // queued for a node since replaced
    const right = next[left]!;
    if (right < 0) continue;
    tok[left] = t.result[q.topMerge]!;
    stamp[left] = stamp[left]! + 1;
    stamp[right] = stamp[right]! + 1;
    const before = prev[left]!;
    if (before >= 0) stamp[before] = stamp[before]! + 1; // the library replaces the left neighbour by a copy
    const after = next[right]!;
    next[left] = after;
    if (after >= 0) prev[after] = left;
    tokens--;
    if (before >= 0) queue(before);
    if (after >= 0) queue(left);
  }
  return tokens;
}

/** The token ids themselves, in order (tests compare them with the library's). */
export function bpeTokenIds(text: string, addPrecedingSpace: boolean): number[] {
  if (bpeTokenCount(text, addPrecedingSpace) === 0) return [];
  const ids: number[] = [];
  // Node 0 heads the list: a merge keeps its left node, and node 0 is never a right one.
  for (let i = 0; i >= 0; i = sharedNodes.next[i]!) ids.push(sharedNodes.tok[i]!);
  return ids;
}
