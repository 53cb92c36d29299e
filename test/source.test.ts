import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type SourceRecord } from '../src/pipeline/source.js';

/** What readline (crlfDelay: Infinity) makes of the text: the model the splitter follows. */
async function byReadline(text: string): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  let n = 0;
  for await (const line of createInterface({ input: Readable.from([Buffer.from(text)]), crlfDelay: Infinity })) {
    n++;
    if (line.trim() !== '') out.push({ value: JSON.parse(line), line: n });
  }
  return out;
}

function bySplitter(bytes: Buffer, cuts: number[]): SourceRecord[] {
  const lines = new LineSplitter('x.jsonl');
  const out: SourceRecord[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    out.push(...lines.push(bytes.subarray(from, cut)));
    from = cut;
  }
  out.push(...lines.push(bytes.subarray(from)), ...lines.end());
  return out;
}

const value = fc.oneof(fc.integer(), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.array(fc.nat(99), { maxLength: 3 }));
const ending = fc.constantFrom('\n', '\r\n', '\r', '\n\n', '\r\r\n', '\n  \n');

describe('JSON Lines splitter', () => {
  it('reads what readline reads, wherever the chunks are cut (inside UTF-8 characters too)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(value, ending), { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        async (items, lastEnds, where) => {
          let text = items.map(([v, e]) => JSON.stringify(v) + e).join('');
          if (!lastEnds && items.length > 0) text += JSON.stringify(items[0]![0]);
          const bytes = Buffer.from(text);
          const cuts = where.map((w) => Math.floor(w * bytes.length));
          expect(bySplitter(bytes, cuts)).toEqual(await byReadline(text));
        },
      ),
      { numRuns: 400 },
    );
  });

  it('names the line of a malformed record', () => {
    const lines = new LineSplitter('p.jsonl');
    expect(() => lines.push(Buffer.from('{"a": 1}\r\n\n{"a": \n'))).toThrow(/p\.jsonl:3: not valid JSON/);
  });
});
