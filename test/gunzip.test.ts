import { createGunzip, crc32, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crc32Portable, gunzipMembers, gunzipWhole, NOT_GZIP, TrailingBytes } from '../src/records/gunzip.js';

/** `bytes` as a stream would hand them over, cut at `cuts`. */
async function* chunked(bytes: Buffer, cuts: readonly number[]): AsyncGenerator<Buffer> {
  let from = 0;
  for (const cut of [...new Set(cuts)].filter((c) => c > 0 && c < bytes.length).sort((a, b) => a - b)) {
    yield bytes.subarray(from, cut);
    from = cut;
  }
  if (from < bytes.length || bytes.length === 0) yield bytes.subarray(from);
}

/** What gunzipMembers hands over before it ends, and the error it ends with; gunzipWhole must say the same. */
async function unzip(bytes: Buffer, cuts: readonly number[] = []): Promise<{ out: Buffer; error?: Error }> {
  const parts: Buffer[] = [];
  let error: Error | undefined;
  try {
    for await (const b of gunzipMembers(chunked(bytes, cuts))) parts.push(b);
  } catch (err) {
    error = err as Error;
  }
  let whole: Buffer | undefined;
  try {
    whole = gunzipWhole(bytes);
  } catch (err) {
    expect((err as Error).message).toBe(error?.message);
  }
  if (whole) {
    expect(error).toBeUndefined();
    expect(whole.equals(Buffer.concat(parts))).toBe(true);
  }
  return error ? { out: Buffer.concat(parts), error } : { out: Buffer.concat(parts) };
}

/** Data that compresses somewhat, as records do. */
const data = fc.array(fc.constantFrom('{"nums": [1, 2]}\n', 'Exploring Operation: 3+4=7\n', 'x', '\n', '\u00e9'), { maxLength: 400 }).map((a) => Buffer.from(a.join('')));
const members = fc.array(fc.tuple(data, fc.integer({ min: 0, max: 9 })), { minLength: 1, maxLength: 4 });
const cuts = fc.array(fc.nat(20_000), { maxLength: 8 });

describe('gunzipMembers', () => {
  it('unzips any members, read in any chunks, as their data laid end to end; zero padding after them is not an error', async () => {
    await fc.assert(
      fc.asyncProperty(members, cuts, fc.nat(30), async (ms, at, pad) => {
        const gz = Buffer.concat([...ms.map(([d, level]) => gzipSync(d, { level })), Buffer.alloc(pad)]);
        const r = await unzip(gz, at);
        expect(r.error).toBeUndefined();
        expect(r.out.equals(Buffer.concat(ms.map(([d]) => d)))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('hands over every member before bytes that are not gzip, then names where they start', async () => {
    await fc.assert(
      fc.asyncProperty(members, cuts, fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(5), async (ms, at, junk, zeros) => {
        fc.pre(junk[0] !== 0 && !(zeros === 0 && junk[0] === 0x1f)); // zeros are padding; 0x1f may start a member
        const gz = Buffer.concat(ms.map(([d, level]) => gzipSync(d, { level })));
        const r = await unzip(Buffer.concat([gz, Buffer.alloc(zeros), junk]), at);
        expect(r.error).toBeInstanceOf(TrailingBytes);
        expect((r.error as TrailingBytes).offset).toBe(gz.length);
        expect(r.out.equals(Buffer.concat(ms.map(([d]) => d)))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('a file cut short fails (unexpected end of file), unless it is cut between members; what it hands over is the data before the cut', async () => {
    await fc.assert(
      fc.asyncProperty(members, cuts, fc.double({ min: 0, max: 1, noNaN: true }), async (ms, at, where) => {
        const parts = ms.map(([d, level]) => gzipSync(d, { level }));
        const gz = Buffer.concat(parts);
        const cut = Math.floor(where * (gz.length - 1));
        const ends: number[] = [];
        parts.reduce((n, p) => (ends.push(n + p.length), n + p.length), 0);
        const r = await unzip(gz.subarray(0, cut), at);
        const whole = Buffer.concat(ms.map(([d]) => d));
        expect(whole.subarray(0, r.out.length).equals(r.out)).toBe(true);
        if (ends.includes(cut)) {
          expect(r.error).toBeUndefined();
        } else {
          expect(r.error?.message).toBe('unexpected end of file');
          expect((r.error as NodeJS.ErrnoException).code).toBe('Z_BUF_ERROR');
        }
      }),
      { numRuns: 150 },
    );
  });

  it("hands over, before a corrupt block's fault, as much as zlib's Gunzip did", async () => {
    const data = Buffer.from(Array.from({ length: 3000 }, (_, i) => `{"i": ${i}, "x": "Exploring Operation: ${i}+${(i * 7919) % 97}=${i + ((i * 7919) % 97)}"}\n`).join(''));
    const clean = gzipSync(data);
    const gunzipped = (gz: Buffer) =>
      new Promise<number>((resolve) => {
        let n = 0;
        const g = createGunzip();
        g.on('data', (d: Buffer) => (n += d.length));
        g.on('error', () => resolve(n));
        g.on('end', () => resolve(n));
        g.end(gz);
      });
    let faults = 0;
    for (let at = 200; at < clean.length - 8; at += 397) {
      const gz = Buffer.from(clean);
      gz[at]! ^= 0xff;
      // (A flipped byte may decode to other bytes before the CRC finds it: zlib hands those over too.)
      const r = await unzip(gz, [1 << 16]);
      if (r.error === undefined) continue;
      faults++;
      expect(r.out.length, `byte ${at}`).toBeGreaterThanOrEqual(await gunzipped(gz));
    }
    expect(faults).toBeGreaterThan(30);
  });

  it('checks each member by its trailer: a CRC or a size that is not the data is an incorrect data check', async () => {
    const gz = gzipSync(Buffer.from('{"a": 1}\n'.repeat(100)));
    for (const at of [gz.length - 8, gz.length - 5, gz.length - 4, gz.length - 1]) {
      const bad = Buffer.from(gz);
      bad[at]! ^= 1;
      const r = await unzip(Buffer.concat([gzipSync('first\n'), bad]));
      expect(r.error?.message).toBe('incorrect data check');
      expect(r.out.toString().startsWith('first\n')).toBe(true);
    }
  });

  it("reads a header's optional fields (extra, name, comment, header CRC)", async () => {
    const gz = gzipSync(Buffer.from('hello\n'));
    const header = Buffer.from(gz.subarray(0, 10));
    header[3] = 4 | 8 | 16 | 2;
    const extra = Buffer.from([3, 0, 1, 2, 3]);
    const fields = Buffer.concat([header, extra, Buffer.from('name.jsonl\0comment\0')]);
    const hcrc = Buffer.alloc(2);
    hcrc.writeUInt16LE(crc32(fields) & 0xffff);
    const withFields = Buffer.concat([fields, hcrc, gz.subarray(10)]);
    for (const at of [[], [3], [11, 12, 13, 14, 15, 16], [25]]) {
      const r = await unzip(withFields, at);
      expect(r.error).toBeUndefined();
      expect(r.out.toString()).toBe('hello\n');
    }
    // Cut inside the name: the header never ends.
    expect((await unzip(withFields.subarray(0, 20))).error?.message).toBe('unexpected end of file');
    // A header CRC that is not the header's.
    const wrong = Buffer.from(withFields);
    wrong[fields.length]! ^= 1;
    expect((await unzip(wrong)).error?.message).toBe('header crc mismatch');
    // A name of megabytes is read in time linear in it.
    const named = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 8, 0, 0, 0, 0, 0, 3]), Buffer.alloc(8 << 20, 0x61), Buffer.from([0]), gz.subarray(10)]);
    expect((await unzip(named, Array.from({ length: 200 }, (_, k) => (k + 1) * 45_000))).out.toString()).toBe('hello\n');
  });

  it('gunzipWhole unzips up to its limit over all members, exactly, and refuses a byte more (ERR_BUFFER_TOO_LARGE)', () => {
    const two = (a: string, b: string) => Buffer.concat([gzipSync(a), gzipSync(b)]);
    expect(gunzipWhole(two('abcdefghij', ''), 10).toString()).toBe('abcdefghij');
    expect(gunzipWhole(two('abcde', 'fghij'), 10).toString()).toBe('abcdefghij');
    for (const [a, b] of [['abcdefghij', 'k'], ['abcdefghij', 'kl'], ['abcdefghijk', '']]) {
      expect(() => gunzipWhole(two(a!, b!), 10)).toThrow(expect.objectContaining({ code: 'ERR_BUFFER_TOO_LARGE' }));
    }
  });

  it('reads data of any ratio (64 MB of one byte, about 1,000 to 1) in pieces of at most 64 KB', async () => {
    const gz = gzipSync(Buffer.alloc(64 << 20, 0x0a), { level: 9 });
    let size = 0;
    let largest = 0;
    for await (const b of gunzipMembers(chunked(gz, [1 << 16]))) {
      size += b.length;
      largest = Math.max(largest, b.length);
    }
    expect(size).toBe(64 << 20);
    expect(largest).toBeLessThanOrEqual(1 << 16);
  });

  it("sums CRC-32 as zlib does, where Node's zlib has none (before Node 20.15)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), (a, b) => {
        expect(crc32Portable(a)).toBe(crc32(a));
        expect(crc32Portable(b, crc32Portable(a))).toBe(crc32(Buffer.concat([a, b])));
      }),
    );
  });

  it('refuses what is not gzip at all in words that say so and what to do, and an empty file in the words of zlib', async () => {
    expect((await unzip(Buffer.from('{"nums": [1]}\n'))).error?.message).toBe(NOT_GZIP);
    expect((await unzip(Buffer.alloc(0))).error?.message).toBe('unexpected end of file');
    expect((await unzip(Buffer.from([0x1f]))).error?.message).toBe('unexpected end of file');
  });
});
