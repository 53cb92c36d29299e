import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { classify, isThreaded, SEARCH_KINDS, THREADED_KINDS } from '../src/records/kind.js';
import { KIND_LABEL } from '../src/report/kind-labels.js';
import { allSolvers } from '../src/solver/registry.js';
import { LINE_LIMIT, LineCutter, OVERLONG } from '../src/records/lines.js';
import { arrayElements } from '../src/records/json-array.js';
import { duplicateKey } from '../src/records/duplicate-key.js';
import { ARRAY_AS_LINES, readRecords, readRecordsTolerant, WHOLE_PARSE_BYTES, type ReadIssue, type RecordAt } from '../src/records/read.js';
import { isTraceDict, isTraceDictLevel, recordTraceDict, threadsOf } from '../src/records/trace-dict.js';

const dir = mkdtempSync(join(tmpdir(), 'ct-records-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const fileOf = (bytes: Buffer, ext: string): string => {
  const path = join(dir, `f${files++}${ext}`);
  writeFileSync(path, ext.endsWith('.gz') ? gzipSync(bytes) : bytes);
  return path;
};

/** The JSON Lines model the cutter follows: lines end at '\n', a '\r' just before it is part of the ending, a lone '\r' part of its line. */
function byModel(text: string): RecordAt[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.flatMap((l, i) => {
    const line = i < lines.length - 1 || text.endsWith('\n') ? l.replace(/\r$/, '') : l;
    return line.trim() === '' ? [] : [{ value: JSON.parse(line) as unknown, line: i + 1 }];
  });
}

function byCutter(bytes: Buffer, cuts: number[]): RecordAt[] {
  const lines = new LineCutter('x.jsonl');
  const texts: string[] = [];
  let from = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    texts.push(...lines.push(bytes.subarray(from, cut)));
    from = cut;
  }
  texts.push(...lines.push(bytes.subarray(from)), ...lines.end());
  return texts.flatMap((t, i) => (t.trim() === '' ? [] : [{ value: JSON.parse(t) as unknown, line: i + 1 }]));
}

async function strict(path: string): Promise<{ records: RecordAt[]; error?: string }> {
  const records: RecordAt[] = [];
  try {
    for await (const r of readRecords(path)) records.push(r);
  } catch (err) {
    return { records, error: (err as Error).message };
  }
  return { records };
}

async function tolerant(path: string): Promise<{ records: RecordAt[]; issues: ReadIssue[] }> {
  const records: RecordAt[] = [];
  const issues: ReadIssue[] = [];
  for await (const r of readRecordsTolerant(path, (i) => issues.push(i))) records.push(r);
  return { records, issues };
}

const value = fc.oneof(fc.integer(), fc.string({ unit: 'grapheme', maxLength: 6 }), fc.array(fc.nat(99), { maxLength: 3 }));
const ending = fc.constantFrom('\n', '\r\n', '\r \n', '\n\n', '\r\r\n', '\n  \n');

describe('line cutter', () => {
  it('cuts JSON Lines (a lone CR stays in its line), wherever the chunks are cut (inside UTF-8 characters too)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(value, ending), { maxLength: 12 }),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }),
        async (items, lastEnds, where) => {
          // A lone CR before a value is whitespace inside its line, not a line break.
          let text = items.map(([v, e], i) => (i % 3 === 1 ? '\r' : '') + JSON.stringify(v) + e).join('');
          if (!lastEnds && items.length > 0) text += JSON.stringify(items[0]![0]);
          const bytes = Buffer.from(text);
          const cuts = where.map((w) => Math.floor(w * bytes.length));
          expect(byCutter(bytes, cuts)).toEqual(byModel(text));
        },
      ),
      { numRuns: 400 },
    );
  });
});

/** A JSON Lines line: a record, a blank line, text that is not JSON, or bytes that are not UTF-8. */
type Line = { kind: 'record'; value: unknown } | { kind: 'blank' } | { kind: 'json' } | { kind: 'utf8' };
const line: fc.Arbitrary<Line> = fc.oneof(
  // No array: JSON Lines that open with one are a JSON array, named as such (below).
  { weight: 5, arbitrary: value.map((v) => ({ kind: 'record' as const, value: Array.isArray(v) ? { n: v } : v })) },
  { weight: 1, arbitrary: fc.constant({ kind: 'blank' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'json' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'utf8' as const }) },
);
const bytesOf = (l: Line): Buffer =>
  l.kind === 'record' ? Buffer.from(JSON.stringify(l.value)) : l.kind === 'blank' ? Buffer.from('  ') : l.kind === 'json' ? Buffer.from('{"nums": [1,') : Buffer.from([0x22, 0xff, 0x22]);

describe('JSON Lines reader', () => {
  it('strict stops at a bad line with file:line; tolerant skips and names every bad line and keeps the rest', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 10 }), fc.boolean(), async (lines, gz) => {
        const path = fileOf(Buffer.concat(lines.flatMap((l) => [bytesOf(l), Buffer.from('\n')])), gz ? '.jsonl.gz' : '.jsonl');
        const good = lines.flatMap((l, i) => (l.kind === 'record' ? [{ value: l.value, line: i + 1 }] : []));
        const bad = lines.flatMap((l, i) => (l.kind === 'json' || l.kind === 'utf8' ? [i + 1] : []));
        const t = await tolerant(path);
        expect(t.records).toEqual(good);
        expect(t.issues.filter((i) => i.code === undefined).map((i) => i.line).sort((a, b) => a! - b!)).toEqual(bad);
        for (const i of t.issues.filter((i) => i.code === undefined)) expect(i.message).toMatch(/^not valid (JSON \(.*\)|UTF-8); line skipped$/);
        // A line that is not UTF-8 reads as a blank one.
        expect(t.issues.some((i) => i.code === 'empty')).toBe(lines.every((l) => l.kind === 'blank' || l.kind === 'utf8'));
        const s = await strict(path);
        if (bad.length === 0) {
          expect(s).toEqual({ records: good });
        } else {
          // One chunk: no record of it is handed over, and the fault named is one tolerant names too.
          expect(s.records).toEqual([]);
          const m = /^(.*):(\d+): (not valid JSON \(.*\)|not valid UTF-8)$/.exec(s.error ?? '');
          expect(m?.[1]).toBe(path);
          expect(bad).toContain(Number(m![2]));
          expect(t.issues.find((i) => i.line === Number(m![2]))!.message).toBe(`${m![3]}; line skipped`);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('names the line of a malformed record', async () => {
    const path = fileOf(Buffer.from('{"a": 1}\r\n\n{"a": \n'), '.jsonl');
    expect((await strict(path)).error).toMatch(/\.jsonl:3: not valid JSON/);
  });

  it('names JSON Lines that open with an array as a JSON array: strict refuses; tolerant skips the file (an array over lines) or the line (one alone)', async () => {
    const over = fileOf(Buffer.from('\n[{"a": 1},\n{"a": 2}]\n'), '.jsonl');
    expect((await strict(over)).error).toBe(`${over}:2: ${ARRAY_AS_LINES}`);
    expect(await tolerant(over)).toEqual({ records: [], issues: [{ file: over, line: 2, message: `${ARRAY_AS_LINES}; file skipped` }] });
    const alone = fileOf(Buffer.from('[{"a": 1}]\n{"a": 2}\n[3]\n'), '.jsonl');
    expect((await strict(alone)).error).toBe(`${alone}:1: ${ARRAY_AS_LINES}`);
    // Only the first record line says what the file is: a later array is a record line like any other.
    expect(await tolerant(alone)).toEqual({
      records: [{ value: { a: 2 }, line: 2 }, { value: [3], line: 3 }],
      issues: [{ file: alone, line: 1, message: `${ARRAY_AS_LINES}; line skipped` }],
    });
  });
});

describe('gzip files with bytes after the gzip data', () => {
  // Enough records to span reads: zlib's Gunzip lost the output of the read that met the garbage (the last 10 records, here).
  const records = Array.from({ length: 2000 }, (_, i) => ({ nums: [i, 2, 3], target: 24, note: 'x'.repeat(i % 50) }));
  const jsonl = Buffer.from(records.map((r) => `${JSON.stringify(r)}\n`).join(''));
  const array = Buffer.from(`[\n${records.map((r) => JSON.stringify(r)).join(',\n')}\n]\n`);
  const garbled = (bytes: Buffer, ext: string) => {
    const path = join(dir, `f${files++}${ext}`);
    const gz = Buffer.concat([gzipSync(bytes.subarray(0, 1000)), gzipSync(bytes.subarray(1000))]);
    writeFileSync(path, Buffer.concat([gz, Buffer.from('garbage\n')]));
    return { path, at: gz.length };
  };

  it('tolerant keeps every record and names the bytes once; strict refuses the file, not a line', async () => {
    for (const [bytes, ext] of [[jsonl, '.jsonl.gz'], [array, '.json.gz']] as const) {
      const { path, at } = garbled(bytes, ext);
      const t = await tolerant(path);
      expect(t.records.map((r) => r.value)).toEqual(records);
      expect(t.issues).toEqual([{ file: path, message: `bytes after the gzip data at byte ${at} are not gzip (trailing garbage); ignored` }]);
      const s = await strict(path);
      expect(s.error).toBe(`${path}: bytes after the gzip data at byte ${at} are not gzip (trailing garbage)`);
    }
  });

  it('zero bytes after the last member are padding: read as the file without them', async () => {
    const path = join(dir, `f${files++}.jsonl.gz`);
    writeFileSync(path, Buffer.concat([gzipSync(jsonl), Buffer.alloc(512)]));
    expect((await tolerant(path)).issues).toEqual([]);
    expect((await strict(path)).records.map((r) => r.value)).toEqual(records);
  });
});

/** Edits that break a JSON array now and then: a character dropped or put in. */
const edit = fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('', ',', '[', ']', '{', '}', '"', ' ', 'x', '\n', '1'));

describe('JSON array reader', () => {
  it('strict reads what JSON.parse reads of the whole text (each element at the line it starts on), and refuses with its words what it refuses, at the line of the first fault', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(value, fc.dictionary(fc.string({ maxLength: 3 }), value, { maxKeys: 2 })), { maxLength: 6 }), fc.array(edit, { maxLength: 2 }), fc.boolean(), async (items, edits, gz) => {
        let text = JSON.stringify(items, null, 1);
        for (const [at, put] of edits) {
          const k = Math.floor(at * text.length);
          text = put === '' ? text.slice(0, k) + text.slice(k + 1) : text.slice(0, k) + put + text.slice(k);
        }
        // The text as the file holds it: an edit that split a surrogate pair is written as U+FFFD.
        text = Buffer.from(text).toString('utf8');
        const path = fileOf(Buffer.from(text), gz ? '.json.gz' : '.json');
        let whole: unknown;
        let error: string | undefined;
        try {
          whole = JSON.parse(text);
          if (!Array.isArray(whole)) error = `${path}: expected a JSON array of records`;
        } catch (err) {
          // Named at the line where the streaming read (the tolerant one's first fault) met it.
          const line = (await tolerant(path)).issues[0]?.line;
          error = `${path}${line !== undefined ? `:${line}` : ''}: not valid JSON (${(err as Error).message})`;
        }
        const s = await strict(path);
        // An edit that made two keys of an object one: JSON.parse takes it, the reader does not.
        if (error === undefined && duplicateKey(text) !== undefined) {
          expect(s).toEqual({ records: [], error: expect.stringMatching(new RegExp(`^${path}:\\d+: element \\d+: key .* given twice in one object`)) });
          return;
        }
        if (error === undefined) {
          // Each record with the line its element starts on, as the tolerant reader gives it.
          expect(s.error).toBeUndefined();
          expect(s.records.map((r) => r.value)).toEqual(whole);
          expect(s.records.map((r) => r.line)).toEqual((await tolerant(path)).records.map((r) => r.line));
        }
        else expect(s).toEqual({ records: [], error });
      }),
      { numRuns: 300 },
    );
  });

  it('a faulty array too large to parse whole is refused with the streaming read\'s words, at its line, without what a tolerant read then does', async () => {
    // Truncated inside an element longer than the whole-parse bound: JSON.parse of it all would
    // need the text as one string (a multi-GB array runs out of memory or past V8's longest string).
    const big = Buffer.concat([Buffer.from('[\n{"nums": [1, 2], "target": 3},\n{"nums": [1, 2], "pad": "'), Buffer.alloc(WHOLE_PARSE_BYTES, 'x')]);
    const s = await strict(fileOf(big, '.json'));
    expect(s.records).toEqual([]);
    expect(s.error).toMatch(/\.json:3: (ends inside the array \(truncated\?\)|element 2 never ends \(corrupt array\?\))$/);
    // Gzipped, a few KB unzip past the bound: the unzipping stops there.
    const gz = await strict(fileOf(big, '.json.gz'));
    expect(gz.error).toMatch(/\.json\.gz:3: (ends inside the array \(truncated\?\)|element 2 never ends \(corrupt array\?\))$/);
    // Text after the array, refused: not said to be ignored.
    const after = Buffer.concat([Buffer.from('[{"pad": "'), Buffer.alloc(WHOLE_PARSE_BYTES, 'x'), Buffer.from('"}]\ngarbage\n')]);
    expect((await strict(fileOf(after, '.json.gz'))).error).toMatch(/\.json\.gz:2: text after the closing "\]"$/);
  });

  it('tolerant reads a valid array element by element, each with the line it starts on', async () => {
    const path = fileOf(Buffer.from('[\n {"a": "]"},\n 3,\n "x"\n]\n'), '.json');
    expect(await tolerant(path)).toEqual({ records: [{ value: { a: ']' }, line: 2 }, { value: 3, line: 3 }, { value: 'x', line: 4 }], issues: [] });
  });

  it("a strict read asked for them gives each record's text as the file holds it (what inspect --json prints), a line's or an element's", async () => {
    const texts = async (path: string) => {
      const out: Array<string | undefined> = [];
      for await (const r of readRecords(path, true)) out.push(r.text);
      return out;
    };
    expect(await texts(fileOf(Buffer.from('[\n {"a": 1.0},\n 3,\n "x"\n]\n'), '.json'))).toEqual(['{"a": 1.0}', '3', '"x"']);
    expect(await texts(fileOf(Buffer.from('{"a": 1.0}\n\n{"b": [2.50]}\n'), '.jsonl'))).toEqual(['{"a": 1.0}', '{"b": [2.50]}']);
    // Not asked for, none is kept: a search's problems took 11 MB more with them.
    for await (const r of readRecords(fileOf(Buffer.from('{"a": 1}\n'), '.jsonl'))) expect(r).toEqual({ value: { a: 1 }, line: 1 });
  });

  it('tolerant names a comma missing, doubled or trailing (no record lost: not a skipped line) and keeps every element', async () => {
    const path = fileOf(Buffer.from('[\n {"a": 1}\n {"a": 2},,\n {"a": 3},\n]\n'), '.json');
    const t = await tolerant(path);
    expect(t.records.map((r) => r.value)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const comma = { file: path, message: 'a comma missing or out of place between elements', code: 'comma' };
    expect(t.issues).toEqual([{ ...comma, line: 3 }, { ...comma, line: 3 }, { ...comma, line: 5 }]);
    expect((await strict(path)).error).toMatch(/not valid JSON/);
  });

  it('a comma missing after a string is named once and both elements kept, as after an object (a string ended only at the next comma)', async () => {
    const comma = { message: 'a comma missing or out of place between elements', code: 'comma' };
    // A sequences file with the comma after its first line deleted; and a string before an object.
    for (const [text, values, line] of [
      ['[\n"a, ]",\n"b \\" c"\n"d",\n"e"\n]\n', ['a, ]', 'b " c', 'd', 'e'], 4],
      ['[\n"a"\n{"b": "x"}\n]\n', ['a', { b: 'x' }], 3],
    ] as const) {
      const path = fileOf(Buffer.from(text), '.json');
      const t = await tolerant(path);
      expect(t.records.map((r) => r.value)).toEqual(values);
      expect(t.issues).toEqual([{ file: path, line, ...comma }]);
      expect((await strict(path)).error).toMatch(new RegExp(`\\.json:${line}: not valid JSON \\(`));
    }
  });

  it('a bare value (a number or literal) ends before whitespace or what opens the next element: a comma missing after it is named once and both kept', async () => {
    const path = fileOf(Buffer.from('[\n1 2,\nnull{"a": 1},\ntrue"x"\n]\n'), '.json');
    const t = await tolerant(path);
    expect(t.records).toEqual([{ value: 1, line: 2 }, { value: 2, line: 2 }, { value: null, line: 3 }, { value: { a: 1 }, line: 3 }, { value: true, line: 4 }, { value: 'x', line: 4 }]);
    const comma = { file: path, message: 'a comma missing or out of place between elements', code: 'comma' };
    expect(t.issues).toEqual([{ ...comma, line: 2 }, { ...comma, line: 3 }, { ...comma, line: 4 }]);
    expect((await strict(path)).error).toMatch(/\.json:2: not valid JSON \(/);
  });

  it('one separator fault (a comma missing, doubled, leading or trailing) in any array: tolerant keeps every element at its line and names the fault once at its line, wherever the chunks are cut; strict refuses at that file:line', async () => {
    // Strings holding what a scanner could take for structure; objects, arrays, numbers and literals around them.
    const tricky = fc.string({ unit: fc.constantFrom(',', ']', '[', '{', '}', '"', '\\', '\n', ' ', 'a', 'é', '\\"', '\\\\'), maxLength: 5 });
    const bare = fc.oneof(fc.integer({ min: -999, max: 999 }), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(null, true, false));
    const element = fc.oneof(tricky, bare, fc.dictionary(tricky, fc.oneof(tricky, bare), { maxKeys: 2 }), fc.array(fc.oneof(tricky, bare), { maxLength: 2 }));
    const space = fc.array(fc.constantFrom(' ', '\n', '\t', '\r\n'), { maxLength: 3 }).map((s) => s.join(''));
    const fault = fc.oneof(fc.constant('none'), fc.constant('missing'), fc.constant('doubled'), fc.constant('leading'), fc.constant('trailing'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(element, { minLength: 1, maxLength: 6 }),
        fault,
        fc.nat(),
        fc.array(space, { minLength: 20, maxLength: 20 }),
        fc.array(fc.nat(), { maxLength: 4 }),
        async (items, kind, pick, spaces, cuts) => {
          if (kind === 'missing' || kind === 'doubled') if (items.length < 2) return;
          const at = pick % Math.max(items.length - 1, 1); // the gap after element `at`
          let text = '';
          let s = 0;
          const ws = () => spaces[s++ % spaces.length]!;
          const lineHere = () => text.split('\n').length;
          const lines: number[] = [];
          let faultLine: number | undefined;
          text += `[${ws()}`;
          if (kind === 'leading') {
            faultLine = lineHere();
            text += `,${ws()}`;
          }
          items.forEach((item, i) => {
            const json = JSON.stringify(item);
            if (i > 0) {
              if (kind === 'missing' && i === at + 1) {
                // Two bare values with nothing between them are one value: no fault to find.
                const gap = ws();
                text += gap === '' && /[\d.el]$/.test(text) && /^[-\dntf]/.test(json) ? ' ' : gap;
                faultLine = lineHere();
              } else {
                text += `,${ws()}`;
                if (kind === 'doubled' && i === at + 1) {
                  faultLine = lineHere();
                  text += `,${ws()}`;
                }
              }
            }
            lines.push(lineHere());
            text += json + ws();
          });
          if (kind === 'trailing') text += `,${ws()}`;
          if (kind === 'trailing') faultLine = lineHere();
          text += `]${ws()}`;
          const bytes = Buffer.from(text);
          const chunks: Buffer[] = [];
          let from = 0;
          for (const cut of cuts.map((c) => c % (bytes.length + 1)).sort((a, b) => a - b)) {
            chunks.push(bytes.subarray(from, cut));
            from = cut;
          }
          chunks.push(bytes.subarray(from));
          const issues: ReadIssue[] = [];
          const records: RecordAt[] = [];
          const input = (async function* () {
            yield* chunks;
          })();
          for await (const r of arrayElements(input, 'x.json', (i) => issues.push(i))) records.push(r);
          // Each as its text reads (-0 is written 0).
          expect(records).toEqual(items.map((item, i) => ({ value: JSON.parse(JSON.stringify(item)) as unknown, line: lines[i] })));
          const comma = { file: 'x.json', message: 'a comma missing or out of place between elements', code: 'comma' };
          expect(issues).toEqual(faultLine === undefined ? [] : [{ ...comma, line: faultLine }]);
          const path = fileOf(bytes, '.json');
          const st = await strict(path);
          if (faultLine === undefined) expect(st).toEqual({ records: records });
          else expect(st).toEqual({ records: [], error: expect.stringMatching(new RegExp(`^${path}:${faultLine}: not valid JSON \\(`)) });
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('a key given twice in one object', () => {
  const TWICE = 'given twice in one object (JSON readers differ on which one counts): give it once';

  it('stops a strict read at its file:line, and a tolerant one skips that line alone (JSON.parse kept the last in silence)', async () => {
    const path = fileOf(Buffer.from('{"nums": [1, 2], "target": 3}\n{"nums":[1,2],"nums":[3,4],"target":5}\n{"nums": [3], "target": 3}\n'), '.jsonl');
    expect((await strict(path)).error).toBe(`${path}:2: key "nums" ${TWICE}`);
    const t = await tolerant(path);
    expect(t.records.map((r) => r.line)).toEqual([1, 3]);
    expect(t.issues).toEqual([{ file: path, line: 2, message: `key "nums" ${TWICE}; line skipped` }]);
  });

  it('in a JSON array: a strict read refuses the file at the element, a tolerant one skips the element', async () => {
    const path = fileOf(Buffer.from('[\n{"a": 1},\n{"a": {"b": 1, "b": 2}},\n{"a": 3}\n]\n'), '.json');
    expect((await strict(path)).error).toBe(`${path}:3: element 2: key "b" ${TWICE}`);
    const t = await tolerant(path);
    expect(t.records.map((r) => r.value)).toEqual([{ a: 1 }, { a: 3 }]);
    expect(t.issues).toEqual([{ file: path, line: 3, message: `element 2: key "b" ${TWICE}; skipped` }]);
  });

  it('is found at any depth, escapes read as what they stand for; the same key in two objects, or inside a string, is no fault', () => {
    expect(duplicateKey('{"a": [{"x": 1, "y": {"z": 1, "z": 2}}]}')).toBe('z');
    expect(duplicateKey('{"nums": 1, "n\\u0075ms": 2}')).toBe('nums');
    expect(duplicateKey('{"a\\"": 1, "b": "\\\\", "a\\"": 2}')).toBe('a"');
    expect(duplicateKey('[{"a": 1}, {"a": 2}, {"b": {"a": 3}, "c": [{"a": 4}]}]')).toBeUndefined();
    expect(duplicateKey('{"a": "\\", \\"a\\": 1", "b": ["a", "a"]}')).toBeUndefined();
    // JSON.stringify never repeats a key: whatever the strings hold, none is found.
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        expect(duplicateKey(JSON.stringify(v))).toBeUndefined();
        expect(duplicateKey(JSON.stringify(v, null, 1))).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});

describe('record kinds read from the solver registry', () => {
  it('a kind holds a thread tree exactly when its solver searches in threads, and is named by its label', () => {
    for (const s of allSolvers()) {
      expect(isThreaded(s.name)).toBe(s.shape === 'threads');
      expect(KIND_LABEL[s.name]).toBe(s.label);
    }
    expect(isThreaded('problem')).toBe(false);
    expect(isThreaded('sequence')).toBe(false);
    expect(THREADED_KINDS).toEqual(SEARCH_KINDS.filter((k) => allSolvers().find((s) => s.name === k)?.shape === 'threads'));
    expect(THREADED_KINDS).toEqual(['apr']);
  });
});

describe('trace_dict', () => {
  const leaf = { main_calls: ['a'], sub_calls: [] };
  const tree = { main_calls: ['r0', 'r1'], sub_calls: [[leaf, { main_calls: ['b'], sub_calls: [] }]] };

  it('one level is checked alone; the tree all the way down', () => {
    const broken = { main_calls: ['r0', 'r1'], sub_calls: [[leaf, 7]] };
    expect(isTraceDictLevel(broken)).toBe(true);
    expect(isTraceDict(broken)).toBe(false);
    expect(isTraceDict(tree)).toBe(true);
    for (const bad of [null, [], { main_calls: [], sub_calls: [] }, { main_calls: [1], sub_calls: [] }, { main_calls: ['a'], sub_calls: [1] }]) {
      expect(isTraceDictLevel(bad)).toBe(false);
    }
    expect(classify({ nums: [1, 2], target: 3, trace_dict: broken })).toMatchObject({ kind: undefined });
  });

  it('walks threads in add_all_calls order with both names, passing over a malformed child', () => {
    const walked = [...threadsOf({ main_calls: ['r0', 'r1'], sub_calls: [[7, tree]] })].map((t) => [t.name, t.at, t.level, t.dict.main_calls[0]]);
    expect(walked).toEqual([
      ['root', '', 0, 'r0'],
      ['root.1', 'sub[0][1]', 1, 'r0'],
      ['root.1.0', 'sub[0][1].sub[0][0]', 2, 'a'],
      ['root.1.1', 'sub[0][1].sub[0][1]', 2, 'b'],
    ]);
  });

  it('a search record without trace_dict is one thread of its search_path', () => {
    expect(recordTraceDict({ search_path: 'x' })).toEqual({ main_calls: ['x'], sub_calls: [] });
    expect(recordTraceDict({ trace_dict: tree })).toBe(tree);
  });
});

describe('a line longer than LINE_LIMIT', () => {
  // Pieces of one buffer: a line over the limit without holding it (a 700 MB line was a RangeError's stack, /dev/zero grew without bound).
  const piece = Buffer.alloc(1 << 24, 0x61);
  const pieces = Math.ceil(LINE_LIMIT / piece.length) + 1;

  it('is refused by a strict reader, naming its line, before it is held whole', () => {
    const lines = new LineCutter('x.jsonl');
    expect(lines.push(Buffer.from('{"a": 1}\n'))).toEqual(['{"a": 1}']);
    expect(() => {
      for (let k = 0; k < pieces; k++) lines.push(piece);
    }).toThrow(`x.jsonl:2: ${OVERLONG}`);
  });

  it('is told once and read as blank by a tolerant reader, and the lines after it keep their numbers (whether it ends in a later piece, the same one, or not at all)', () => {
    const told: Array<[number, string]> = [];
    const lines = new LineCutter('x.jsonl', (line, fault) => told.push([line, fault]));
    const out = [...lines.push(Buffer.from('{"a": 1}\n'))];
    for (let k = 0; k < pieces; k++) out.push(...lines.push(piece));
    out.push(...lines.push(Buffer.from('\n{"b": 2}\n')));
    // A whole line over the limit inside one piece.
    const whole = Buffer.alloc(LINE_LIMIT + 2, 0x61);
    whole[whole.length - 1] = 0x0a;
    out.push(...lines.push(whole), ...lines.push(Buffer.from('{"c": 3}\n')));
    // One that never ends.
    for (let k = 0; k < pieces; k++) out.push(...lines.push(piece));
    out.push(...lines.end());
    expect(out).toEqual(['{"a": 1}', '', '{"b": 2}', '', '{"c": 3}', '']);
    expect(told).toEqual([
      [2, OVERLONG],
      [4, OVERLONG],
      [6, OVERLONG],
    ]);
  });

  it('holds a line of exactly LINE_LIMIT bytes before its \\r\\n ending, however it is cut (the ending is not the line)', () => {
    const line = Buffer.alloc(LINE_LIMIT + 2, 0x61);
    line[LINE_LIMIT] = 0x0d;
    line[LINE_LIMIT + 1] = 0x0a;
    for (const cut of [line.length, LINE_LIMIT + 1, 1 << 20]) {
      const lines = new LineCutter('x.jsonl');
      const out = [...lines.push(line.subarray(0, cut)), ...lines.push(line.subarray(cut)), ...lines.end()];
      expect(out.map((l) => l.length)).toEqual([LINE_LIMIT]);
    }
  });
});

