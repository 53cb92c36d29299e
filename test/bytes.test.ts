import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteText, Piece } from '../src/serializers/bytes.js';

/** One append of ByteText, and the text it must add. */
type Op =
  | { kind: 'piece'; text: string }
  | { kind: 'int'; n: number }
  | { kind: 'copy'; text: string; from: number; to: number }
  | { kind: 'str'; text: string };

const asciiText = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 });

const op: fc.Arbitrary<Op> = fc.oneof(
  asciiText.map((text) => ({ kind: 'piece' as const, text })),
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
  asciiText.map((text) => ({ kind: 'str' as const, text })),
);

describe('ByteText word stores', () => {
  it('appends exactly the text of pieces, integers and copies, whatever lies past the end', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.integer({ min: 1, max: 64 }), (ops, capacity) => {
        // A small start forces growth; the source buffer is filled with noise past its text.
        const out = new ByteText(capacity);
        out.buf.fill(0xff);
        let expected = '';
        for (const o of ops) {
          if (o.kind === 'piece') {
            out.ensure(o.text.length);
            out.piece(new Piece(o.text));
            expected += o.text;
          } else if (o.kind === 'int') {
            out.ensure(32);
            out.int(o.n);
            expected += String(o.n);
          } else if (o.kind === 'copy') {
            const src = new ByteText(1);
            src.ensure(o.text.length);
            src.buf.fill(0xff);
            src.str(o.text);
            out.ensure(o.to - o.from);
            out.copy(src, o.from, o.to);
            expected += o.text.slice(o.from, o.to);
          } else {
            out.ensure(o.text.length);
            out.str(o.text);
            expected += o.text;
          }
        }
        expect(out.toString()).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('takes only ASCII pieces', () => {
    expect(() => new Piece('caf\u00e9')).toThrow(/not ASCII/);
  });
});
