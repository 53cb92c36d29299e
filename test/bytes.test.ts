import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteText, INT_ROOM, Piece } from '../src/serializers/bytes.js';

/** One append of ByteText, and the text it must add. */
type Op =
  | { kind: 'piece'; text: string }
  | { kind: 'int'; n: number }
  | { kind: 'copy'; text: string; from: number; to: number }
  | { kind: 'str'; text: string }
  | { kind: 'byte'; c: number };

const asciiText = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 90 });

const op: fc.Arbitrary<Op> = fc.oneof(
  asciiText.map((text) => ({ kind: 'piece' as const, text: text.slice(0, 40) })),
  // Mostly the table's range and its edges; a few large numbers, printed by String, so that
  // word stores meet appends of the other kind.
  fc
    .oneof(
      { arbitrary: fc.integer({ min: 0, max: 12_000 }), weight: 4 },
      { arbitrary: fc.constantFrom(0, 9, 10, 99, 100, 999, 1000, 9999, 10_000), weight: 2 },
      { arbitrary: fc.oneof(fc.integer({ min: 0, max: 2 ** 40 }), fc.constant(1e21)), weight: 1 },
    )
    .map((n) => ({ kind: 'int' as const, n })),
  asciiText.chain((text) =>
    fc.tuple(fc.nat(text.length), fc.nat(text.length)).map(([a, b]) => ({ kind: 'copy' as const, text, from: Math.min(a, b), to: Math.max(a, b) })),
  ),
  // Longer than 64 characters, `text` copies natively.
  asciiText.map((text) => ({ kind: 'str' as const, text })),
  fc.integer({ min: 0, max: 0x7f }).map((c) => ({ kind: 'byte' as const, c })),
);

/** A buffer whose memory past the end holds noise (0xff), as a reused one does. */
function noisy(capacity: number): ByteText {
  const b = new ByteText(capacity);
  b.bytes(new Uint8Array(capacity + 8).fill(0xff));
  b.clear();
  return b;
}

function source(o: Extract<Op, { kind: 'copy' }>): ByteText {
  const src = noisy(1);
  src.text(o.text);
  src.bytes(new Uint8Array(8).fill(0xff));
  src.truncate(o.text.length);
  return src;
}

/** The same appends three ways: safe, reserve then unsafe, and at a cursor. */
const ways: Record<string, (out: ByteText, o: Op) => void> = {
  safe(out, o) {
    if (o.kind === 'piece') out.piece(new Piece(o.text));
    else if (o.kind === 'int') out.int(o.n);
    else if (o.kind === 'copy') out.append(source(o), o.from, o.to);
    else if (o.kind === 'str') out.text(o.text);
    else out.byte(o.c);
  },
  unsafe(out, o) {
    if (o.kind === 'piece') {
      out.reserve(o.text.length);
      out.unsafePiece(new Piece(o.text));
    } else if (o.kind === 'int') {
      out.reserve(INT_ROOM);
      out.unsafeInt(o.n);
    } else if (o.kind === 'copy') {
      const src = source(o);
      out.reserve(o.to - o.from);
      out.unsafeCopy(src, o.from, o.to);
    } else if (o.kind === 'str') {
      out.reserve(o.text.length);
      out.unsafeStr(o.text);
    } else {
      out.reserve(1);
      out.unsafeByte(o.c);
    }
  },
  cursor(out, o) {
    if (o.kind === 'piece') {
      out.reserve(o.text.length);
      out.unsafeEnd(out.unsafePieceAt(out.length, new Piece(o.text)));
    } else if (o.kind === 'int') {
      out.reserve(INT_ROOM);
      out.unsafeEnd(out.unsafeIntAt(out.length, o.n));
    } else if (o.kind === 'byte') {
      out.reserve(1);
      out.unsafeEnd(out.unsafeByteAt(out.length, o.c));
    } else {
      ways.unsafe!(out, o);
    }
  },
};

function expected(o: Op): string {
  if (o.kind === 'int') return String(o.n);
  if (o.kind === 'copy') return o.text.slice(o.from, o.to);
  if (o.kind === 'byte') return String.fromCharCode(o.c);
  return o.text;
}

describe('ByteText', () => {
  it('appends exactly the text of pieces, integers, strings and copies, safely or unchecked after reserve, whatever lies past the end', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (ops, capacity) => {
        // A small start forces growth.
        const text = ops.map(expected).join('');
        for (const [name, append] of Object.entries(ways)) {
          const out = noisy(capacity);
          for (const o of ops) append(out, o);
          expect(out.toString(), name).toBe(text);
          expect(out.length, name).toBe(text.length);
          expect(Buffer.from(out.view()).toString('latin1'), name).toBe(text);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reads back bytes, finds text only inside its length, and truncates', () => {
    const b = noisy(4);
    b.text('ab\\ncd\\n');
    expect(b.byteAt(2)).toBe(0x5c);
    expect(b.indexOf('\\n')).toBe(2);
    expect(b.indexOf('\\n', 3)).toBe(6);
    b.truncate(7);
    expect(b.toString()).toBe('ab\\ncd\\');
    expect(b.indexOf('\\n', 3)).toBe(-1);
    b.truncate(100);
    expect(b.length).toBe(7);
    b.clear();
    expect(b.toString()).toBe('');
  });

  it('takes only ASCII pieces', () => {
    expect(() => new Piece('caf\u00e9')).toThrow(/not ASCII/);
  });
});
