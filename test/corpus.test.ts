import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, lstatSync, readdirSync, readSync, renameSync, rmSync, statSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { problemKey } from '../src/core/countdown.js';
import { fmtInt } from '../src/io/numbers.js';
import { sealedCheckpoint } from '../src/pipeline/corpus/checkpoint.js';
import { splitOf } from '../src/solver/problems.js';
import { cardMeta, conforms, declaredColumns, globToRegExp, jsonType, unify, type JsonType } from './dataset-folder.js';
import { sealed } from '../src/pipeline/corpus/seal.js';
import { renderCard } from '../src/pipeline/corpus/card.js';
import { parseManifest, type Manifest } from '../src/pipeline/corpus/manifest.js';
import { notOwn } from '../src/pipeline/corpus/own.js';
import { expectSameTree, repoRoot, treeFiles } from './helpers.js';

/**
 * The corpus command end to end, through the built CLI in child processes: identical bytes
 * for any worker count and batch size, kill -9 and SIGTERM then --resume, shards and merge,
 * manifest and stats. Small corpora (1,100 records: two shard blocks, 11 search blocks),
 * with a small --max-file-size so that every search stream is split into several files.
 */

vi.setConfig({ testTimeout: 150_000 });

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
let dir: string;

/** The options of every run compared with the base corpus. */
const COUNT = 1100;
const BASE = ['corpus', '--count', String(COUNT), '--val-count', '100', '--seed', '5', '--quiet', '--max-file-size', '3MB'];
const MAX = 3_000_000;
/** Gzip runs: a bound of their own, so that their (ten times smaller) files are split too. */
const GZ_MAX = 400_000;
const GZ = [...BASE.slice(0, -2), '--max-file-size', '400KB', '--compress', 'gzip'];

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Ran {
  return ran(spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...cleanEnv(), ...env } }));
}

/** The test-only entry: a corpus run that kills itself with SIGKILL at fault point `point`. */
const killAt = join(repoRoot, 'test', 'kill-at.mjs');

function runKilledAt(point: string, args: string[]): Ran {
  return ran(spawnSync(process.execPath, [killAt, point, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...cleanEnv() } }));
}

function ran(r: SpawnSyncReturns<string>): Ran {
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** No shard variables leak in from a CI that runs inside Slurm or Kubernetes. */
function cleanEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const k of Object.keys(process.env)) if (k.startsWith('SLURM_') || k === 'JOB_COMPLETION_INDEX') env[k] = '';
  return env;
}

const p = (name: string) => join(dir, name);
const checkpointOf = (folder: string) => {
  try {
    return JSON.parse(readFileSync(join(p(folder), '.corpus-checkpoint.json'), 'utf8')) as {
      stages: Record<string, { records: number; done: boolean; files: Record<string, { parts: Array<{ bytes: number; records: number; sha256: string; name?: string }> }> }>;
    };
  } catch {
    return undefined;
  }
};

/** Every file of two folders, byte for byte (names and subfolders included). */
const expectSameFolder = (a: string, b: string) => expectSameTree(p(a), p(b));

/** The options run, the gzip run: corpora tests in several describes read. */
const OPTS = ['corpus', '--count', '300', '--val-count', '0', '--solvers', 'apr,sosp', '--seed', '9', '--window', '2048', '--max-depth', '2', '--condition', 'token-budget,sub-call-budget', '--fit', 'resample', '--quiet'];
/**
 * A small corpus for tests of what verify and resume make of a folder's files (a byte changed,
 * a file cut short or added): these hold for any size, and verify on the base corpus takes seconds a run.
 * Its bound splits the APR streams into two files (the tests read a stream's second file); SoS+'s are one.
 */
const SMALL = ['corpus', '--count', '200', '--val-count', '20', '--seed', '5', '--quiet', '--max-file-size', '1MB'];
const SHARED: Readonly<Record<string, readonly string[]>> = {
  gz: [...GZ, '--workers', '2', '--batch-size', '5', '--out', 'gz'],
  opts: [...OPTS, '--out', 'opts'],
  small: [...SMALL, '--out', 'small'],
};

/** A shared corpus folder, made on first use: any test runs alone (vitest -t) as well as in the file. */
function shared(name: keyof typeof SHARED & string): string {
  if (!existsSync(join(p(name), 'manifest.json'))) expectOk(run([...SHARED[name]!]));
  return name;
}

/** The files of a stream (a config's split), in sorted order. */
const streamFiles = (folder: string, config: string, split = 'train') =>
  treeFiles(join(p(folder), config))
    .filter((n) => n.startsWith(`${split}-`))
    .map((n) => join(p(folder), config, n));

/** A stream's bytes: its files joined (gunzipped when compressed). */
const streamBytes = (folder: string, config: string, split = 'train') =>
  Buffer.concat(streamFiles(folder, config, split).map((f) => (f.endsWith('.gz') ? gunzipSync(readFileSync(f)) : readFileSync(f))));

const streamRecords = (folder: string, config: string, split = 'train') =>
  streamBytes(folder, config, split)
    .toString('utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

interface ManifestEntry {
  name: string;
  kind: string;
  config?: string;
  split?: string;
  records: number;
  bytes: number;
  sha256: string;
}
const manifestOf = (folder: string) => JSON.parse(readFileSync(join(p(folder), 'manifest.json'), 'utf8')) as { files: ManifestEntry[]; options: Record<string, unknown>; shard?: unknown };

/** Every file of a finished corpus is in its manifest, with the size and SHA-256 of its bytes on disk. */
function expectManifestTrue(folder: string): void {
  const m = manifestOf(folder);
  expect(m.files.map((f) => f.name).sort()).toEqual(treeFiles(p(folder)).filter((n) => n !== 'manifest.json'));
  for (const f of m.files) {
    const bytes = readFileSync(join(p(folder), f.name));
    expect(bytes.length, `${folder}/${f.name}`).toBe(f.bytes);
    expect(createHash('sha256').update(bytes).digest('hex'), `${folder}/${f.name}`).toBe(f.sha256);
  }
}

/** Flips the lowest bit of the byte at `at` (the file keeps its size; flipping it again puts it back). */
function flipByte(path: string, at: number): void {
  const fd = openSync(path, 'r+');
  try {
    const b = Buffer.alloc(1);
    expect(readSync(fd, b, 0, 1, at)).toBe(1);
    b[0] = b[0]! ^ 1;
    writeSync(fd, b, 0, 1, at);
  } finally {
    closeSync(fd);
  }
}

const escapeRe = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function expectOk(r: Ran): void {
  if (r.code !== 0) throw new Error(`exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
}

/** A one-line usage error, exit code 2. */
function expectUsageError(r: Ran, mention: RegExp): void {
  expect(r.code, `signal ${r.signal}; stderr: ${r.stderr}`).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^countdown-traces: /);
  expect(lines[0]).toMatch(mention);
}

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'ct-corpus-'));
  // The base corpus every other run is compared with: two workers, default batches.
  expectOk(run([...BASE, '--workers', '2', '--out', 'base']));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const STREAMS = [
  ['problems', 'train'],
  ['problems', 'validation'],
  ['sosp', 'train'],
  ['sosp_sequences', 'train'],
  ['apr', 'train'],
  ['apr_sequences', 'train'],
] as const;

describe('corpus: the folder', () => {
  it('holds a folder per config of numbered files, the dataset card, stats.json and manifest.json, and nothing else', () => {
    const names = treeFiles(p('base'));
    expect(names.filter((n) => !n.includes('/'))).toEqual(['README.md', 'manifest.json', 'stats.json']);
    expect([...new Set(names.filter((n) => n.includes('/')).map((n) => n.split('/')[0]))].sort()).toEqual(['apr', 'apr_sequences', 'problems', 'sosp', 'sosp_sequences']);
    for (const [config, split] of STREAMS) {
      const files = streamFiles('base', config, split).map((f) => f.split('/').pop()!);
      const total = files.length;
      expect(files, `${config}/${split}`).toEqual(files.map((_, i) => `${split}-${String(i).padStart(5, '0')}-of-${String(total).padStart(5, '0')}.jsonl`));
    }
    // Small bound: the search streams are split, the problems are not (one file of 1,100 problems is under 3 MB).
    for (const config of ['sosp', 'sosp_sequences', 'apr', 'apr_sequences']) expect(streamFiles('base', config).length, config).toBeGreaterThan(1);
    expect(streamFiles('base', 'problems')).toHaveLength(1);
  });

  it('manifest: every file with its config, split, lines, bytes and SHA-256, the options and the versions', () => {
    const m = JSON.parse(readFileSync(join(p('base'), 'manifest.json'), 'utf8')) as {
      options: Record<string, unknown>;
      tool: { version: string };
      dependencies: Record<string, string>;
      files: ManifestEntry[];
      shard?: unknown;
    };
    expect(m.options.count).toBe(COUNT);
    expect(m.options.val_count).toBe(100);
    expect(m.options.solvers).toEqual(['sosp', 'apr']);
    expect(m.options.window).toBe(4096);
    expect(m.options.max_file_size).toBe(MAX);
    expect((m.options.search as Record<string, { window: number }>).apr!.window).toBe(4096);
    expect(m.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.dependencies.piscina).toBe('5.3.2');
    expect(m.shard).toBeUndefined();
    // Every file of the folder but the manifest, in stream order, then the metadata.
    const data = STREAMS.flatMap(([config, split]) => streamFiles('base', config, split).map((f) => `${config}/${f.split('/').pop()}`));
    expect(m.files.map((f) => f.name)).toEqual([...data, 'stats.json', 'README.md']);
    for (const f of m.files) {
      const bytes = readFileSync(join(p('base'), f.name));
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      if (f.name.endsWith('.jsonl')) {
        expect(bytes.toString().split('\n').length - 1).toBe(f.records);
        expect(`${f.config}/${f.split}`).toBe(f.name.replace(/-\d+-of-\d+\.jsonl$/, ''));
        expect(f.kind).toBe(f.config === 'problems' ? 'problems' : f.config!.endsWith('_sequences') ? 'sequences' : 'records');
      }
    }
    // Written last: no file of the corpus is newer than the manifest.
    const mt = statSync(join(p('base'), 'manifest.json')).mtimeMs;
    for (const f of m.files) expect(statSync(join(p('base'), f.name)).mtimeMs).toBeLessThanOrEqual(mt);
  });

  it('files split between blocks (1,000 problems, 100 search records), each file as large as the bound lets it be', () => {
    for (const [config, split] of STREAMS) {
      // The blocks, from the joined stream: lines grouped by the record they belong to.
      const lines = streamBytes('base', config, split).toString('utf8').split('\n').filter(Boolean);
      const blockOf = (line: string, i: number) =>
        config.endsWith('_sequences') ? Math.floor((JSON.parse(line) as { record: number }).record / 100) : Math.floor(i / (config === 'problems' ? 1000 : 100));
      const blocks: number[] = [];
      lines.forEach((l, i) => {
        const b = blockOf(l, i);
        blocks[b] = (blocks[b] ?? 0) + Buffer.byteLength(l) + 1;
      });
      // The rule: a block starts a new file when it would take a non-empty file over the bound.
      const want: number[] = [0];
      for (const b of blocks) {
        const last = want.pop()!;
        if (last > 0 && last + b > MAX) want.push(last, b);
        else want.push(last + b);
      }
      expect(streamFiles('base', config, split).map((f) => statSync(f).size), `${config}/${split}`).toEqual(want);
    }
  });

  it('train and val: distinct problems, each of its split, disjoint; records in order and starting with the problem', () => {
    const train = streamRecords('base', 'problems', 'train');
    const val = streamRecords('base', 'problems', 'validation');
    expect(train).toHaveLength(COUNT);
    expect(val).toHaveLength(100);
    const tk = train.map((r) => problemKey(r.nums as number[], r.target as number));
    const vk = val.map((r) => problemKey(r.nums as number[], r.target as number));
    expect(new Set(tk).size).toBe(COUNT);
    expect(new Set(vk).size).toBe(100);
    expect(tk.filter((k) => vk.includes(k))).toEqual([]);
    expect(train.every((r) => splitOf(r.nums as number[], r.target as number) === 'train')).toBe(true);
    expect(val.every((r) => splitOf(r.nums as number[], r.target as number) === 'val')).toBe(true);
    // The same problems the `problems` command draws (records 0..n-1 of the default stream).
    expectOk(run(['problems', '--count', String(COUNT), '--seed', '5', '--out', 'train-problems.jsonl']));
    expect(streamBytes('base', 'problems', 'train').equals(readFileSync(p('train-problems.jsonl'))), 'base/problems/train is train-problems.jsonl').toBe(true);
    for (const solver of ['sosp', 'apr']) {
      const recs = streamRecords('base', solver);
      expect(recs).toHaveLength(COUNT);
      recs.forEach((r, i) => {
        expect(r.nums).toEqual(train[i]!.nums);
        expect(r.target).toBe(train[i]!.target);
        expect(String(r.search_type)).toMatch(new RegExp(`^${solver}_`));
      });
    }
  });

  it('sequences: {text, record, thread, tokens} in record order, the search path among them', () => {
    for (const solver of ['sosp', 'apr']) {
      const seqs = streamRecords('base', `${solver}_sequences`);
      const recs = streamRecords('base', solver);
      expect(Object.keys(seqs[0]!)).toEqual(['text', 'record', 'thread', 'tokens']);
      let last = 0;
      for (const s of seqs) {
        expect(s.record as number).toBeGreaterThanOrEqual(last);
        last = s.record as number;
        expect(s.tokens as number).toBeGreaterThan(2);
      }
      expect(new Set(seqs.map((s) => s.record)).size).toBe(COUNT);
      // Every record's search_path is one of its sequences (the root thread's last).
      const byRecord = new Map<number, string[]>();
      for (const s of seqs) byRecord.set(s.record as number, [...(byRecord.get(s.record as number) ?? []), s.text as string]);
      recs.slice(0, 50).forEach((r, i) => expect(byRecord.get(i)).toContain(r.search_path));
    }
  });

  it('inspect --record on a folder names a record file in it (a corpus folder: its first record file)', () => {
    const first = manifestOf(shared('small')).files.find((f) => f.kind === 'records')!.name;
    expectUsageError(run(['inspect', '--record', 'small:3']), new RegExp(`--record small:3: small is a folder; name a record file in it, such as ${escapeRe(join('small', first))}$`));
    mkdirSync(p('plain-folder'), { recursive: true });
    expectUsageError(run(['inspect', '--record', 'plain-folder:0']), /--record plain-folder:0: plain-folder is a folder; name a record file in it$/);
  });

  it('verify reads a corpus folder: every data file its manifest lists', () => {
    const r = run(['verify', 'base']);
    expectOk(r);
    const files = manifestOf('base').files.filter((f) => f.config !== undefined);
    const lines = files.filter((f) => f.kind === 'sequences').reduce((n, f) => n + f.records, 0);
    const records = files.reduce((n, f) => n + f.records, 0) - lines;
    // Each sequence is counted twice: in its record (measured from the trace) and as a sequence line.
    const sequences = 2 * lines;
    expect(r.stdout.trim().split('\n').at(-1)).toBe(`verified ${fmtInt(records)} records and ${fmtInt(lines)} sequence lines in ${files.length} files: 0 with issues (0 issues), ${fmtInt(sequences)} sequences (${fmtInt(lines)} in records, ${fmtInt(lines)} as lines), 0 over the 4,096-token window`);
    // A sequences config names its solver, whose grammar its texts are held to: --solver (for files of one's own) changes nothing here.
    expectOk(run(['verify', 'base', '--solver', 'dfs']));
    mkdirSync(p('no-manifest'));
    expectUsageError(run(['verify', 'no-manifest']), /no-manifest: a folder without this tool's manifest\.json: not a finished corpus/);
  });

  it('verify checks a corpus folder against its manifest: a file cut short (at a line end) or missing is named, exit 1', () => {
    cpSync(p(shared('small')), p('cut'), { recursive: true });
    const name = manifestOf('small').files.find((f) => f.config === 'sosp')!.name;
    const data = join(p('cut'), name);
    const text = readFileSync(data, 'utf8');
    writeFileSync(data, text.slice(0, text.lastIndexOf('\n', text.length - 2) + 1));
    rmSync(join(p('cut'), 'stats.json'));
    const r = run(['verify', 'cut']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join('cut', name)}: holds ${(statSync(data).size).toLocaleString('en-US')} bytes, the manifest`);
    expect(r.stdout).toContain(`${join('cut', 'stats.json')}: is missing`);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/0 with issues \(0 issues\), .*; 2 files not as the manifest says$/);
    // Cut mid-line: the broken last line is a finding, and the rest of the corpus is still checked (exit 1, not 2).
    writeFileSync(data, text.slice(0, text.length - 10));
    const mid = run(['verify', 'cut']);
    expect(mid.code).toBe(1);
    expect(mid.stdout).toMatch(new RegExp(`${escapeRe(join('cut', name))}:\\d+ not valid JSON .*; line skipped`));
    expect(mid.stdout.trim().split('\n').at(-1)).toMatch(/^verified [\d,]+ records and [\d,]+ sequence lines in \d+ files: 1 with issues \(1 issue\), .*; 2 files not as the manifest says$/);
  });

  it("verify checks a corpus's stats.json against its files (problems, records, solved and sequences per solver): one edited and resealed in the manifest is named, exit 1", () => {
    cpSync(p(shared('small')), p('figures'), { recursive: true });
    const statsPath = join(p('figures'), 'stats.json');
    const stats = JSON.parse(readFileSync(statsPath, 'utf8'));
    const solved = stats.solve_rate.sosp.solved as number;
    stats.solve_rate.sosp.solved = solved + 1;
    stats.sequences.apr += 2;
    const text = JSON.stringify(stats, null, 2) + '\n';
    writeFileSync(statsPath, text);
    // The manifest made to vouch for it, as a run that tallied wrong (or a hand that knew the rule) would write it.
    const m = manifestOf('figures') as unknown as { files: Array<{ name: string; bytes: number; sha256: string }> };
    const entry = m.files.find((f) => f.name === 'stats.json')!;
    entry.bytes = Buffer.byteLength(text);
    entry.sha256 = createHash('sha256').update(text).digest('hex');
    writeFileSync(join(p('figures'), 'manifest.json'), JSON.stringify(sealed(m), null, 2) + '\n');
    const r = run(['verify', 'figures']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`${join('figures', 'stats.json')}: says sosp solved ${solved + 1}; its files hold ${solved}\n`);
    expect(r.stdout).toMatch(/figures\/stats\.json: says apr sequences \d+; its files hold \d+\n/);
    expect(r.stdout.trim().split('\n').at(-1)).toMatch(/0 with issues \(0 issues\), .*; 2 figures of stats\.json not as the files hold$/);
    expect(run(['verify', shared('small')]).code).toBe(0);
    // A pipe in its place is named, and never opened to be recounted (verify waited on it for ever).
    rmSync(statsPath);
    expect(spawnSync('mkfifo', [statsPath]).status).toBe(0);
    const piped = run(['verify', 'figures']);
    expect(piped.code).toBe(1);
    expect(piped.stdout).toContain(`${join('figures', 'stats.json')}: is not a regular file but a folder, pipe or device`);
  });

  it('verify --grades on a corpus folder: never over one of its files nor inside it; in file order, a line cut short among a record\'s sequence lines graded where it stands', () => {
    const name = manifestOf('base').files.find((f) => f.kind === 'sequences' && f.config === 'apr_sequences')!.name;
    const data = join(p('base'), name);
    const before = readFileSync(data);
    expectUsageError(run(['verify', 'base', '--grades', join('base', name)]), /writing it would destroy that input/);
    expectUsageError(run(['verify', 'base', '--grades', join('base', 'manifest.json')]), /writing it would destroy that input/);
    expectUsageError(run(['verify', 'base', '--grades', join('base', 'apr', 'grades.jsonl')]), /--grades base\/apr\/grades\.jsonl is inside the corpus folder base; choose a path outside it/);
    expect(readFileSync(data).equals(before)).toBe(true);
    expect(existsSync(join(p('base'), 'apr', 'grades.jsonl'))).toBe(false);
    // Line 3 of an APR sequences file is cut short: its record's lines 1, 2, 4... are graded with it, in order.
    cpSync(p(shared('small')), p('graded'), { recursive: true });
    const small = manifestOf('small').files.find((f) => f.kind === 'sequences' && f.config === 'apr_sequences')!.name;
    const lines = readFileSync(join(p('graded'), small), 'utf8').split('\n');
    lines[2] = lines[2]!.slice(0, 100);
    writeFileSync(join(p('graded'), small), lines.join('\n'));
    expect(run(['verify', 'graded', '--grades', 'graded.jsonl']).code).toBe(1);
    const grades = readFileSync(p('graded.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { file: string; line: number; index: number; kind: string });
    const ofFile = grades.filter((g) => g.file === join('graded', small));
    expect(ofFile.length).toBe(lines.filter(Boolean).length);
    expect(ofFile.map((g) => g.index)).toEqual(ofFile.map((_, i) => i));
    expect(ofFile.map((g) => g.line)).toEqual(ofFile.map((_, i) => i + 1));
    expect(ofFile[2]!.kind).toBe('unreadable');
  });

  it('stats and report read a corpus folder by its manifest: a file left beside the data is not counted, and --out may not be a data file', () => {
    cpSync(p('base'), p('extra'), { recursive: true });
    const name = manifestOf('base').files.find((f) => f.config === 'sosp')!.name;
    cpSync(join(p('base'), name), join(p('extra'), 'sosp_copy.jsonl'));
    const stats = (folder: string) => run(['stats', folder]).stdout.split('\n').slice(1).join('\n');
    expect(stats('extra')).toBe(stats('base'));
    const data = join(p('extra'), name);
    const before = readFileSync(data);
    expectUsageError(run(['report', 'extra', '--out', join('extra', name)]), /writing it would destroy that input/);
    expectUsageError(run(['report', 'extra', '--out', join('extra', 'manifest.json')]), /--out extra\/manifest\.json is the input .*writing it would destroy that input/);
    expect(readFileSync(data).equals(before)).toBe(true);
  });

  it('stats.json: counts, solve rates by start size, token percentiles per kind, child threads, overflows, decomposition', () => {
    const s = JSON.parse(readFileSync(join(p('base'), 'stats.json'), 'utf8'));
    expect(s.records).toEqual({ train: COUNT, val: 100, sosp: COUNT, apr: COUNT });
    expect(s.sequences).toEqual({ sosp: streamRecords('base', 'sosp_sequences').length, apr: streamRecords('base', 'apr_sequences').length });
    expect(s.problems.train.by_start_size).toEqual({ 4: COUNT });
    for (const solver of ['sosp', 'apr']) {
      const recs = streamRecords('base', solver);
      const solved = recs.filter((r) => (r.search_path as string).includes('Goal Reached')).length;
      expect(s.solve_rate[solver].records).toBe(COUNT);
      expect(s.solve_rate[solver].solved).toBe(solved);
      expect(s.solve_rate[solver].by_start_size['4'].solved).toBe(solved);
    }
    for (const kind of ['sosp', 'apr', 'apr.root', 'apr.child']) {
      const t = s.tokens[kind];
      expect(t.min).toBeLessThanOrEqual(t.p50);
      expect(t.p50).toBeLessThanOrEqual(t.p90);
      expect(t.p90).toBeLessThanOrEqual(t.p95);
      expect(t.p95).toBeLessThanOrEqual(t.p99);
      expect(t.p99).toBeLessThanOrEqual(t.max);
    }
    // Overflows: sequences whose tokens (with <s> and </s>) exceed the window, as in the file.
    const over = (config: string) => streamRecords('base', config).filter((q) => (q.tokens as number) > 4096).length;
    expect(s.tokens.sosp.window_overflows).toBe(over('sosp_sequences'));
    expect(s.tokens.apr.window_overflows).toBe(over('apr_sequences'));
    expect(s.window_overflows).toBe(s.tokens.sosp.window_overflows + s.tokens.apr.window_overflows);
    // The window guarantee (default --window 4096): nothing overflows.
    expect(s.window_overflows).toBe(0);
    expect(s.tokens.apr.max).toBeLessThanOrEqual(4096);
    expect(s.child_threads_per_root.apr.max).toBeGreaterThan(1);
    const hist = s.child_threads_per_root.apr.histogram as Record<string, number>;
    expect(Object.values(hist).reduce((a, b) => a + b, 0)).toBe(COUNT);
    // The decomposition: the records' own figures, summed per start size (merge keeps them: see shards).
    for (const solver of ['sosp', 'apr']) {
      const recs = streamRecords('base', solver);
      const sum = (k: string) => recs.reduce((n, r) => n + (r[k] as number), 0);
      const depths: Record<string, number> = {};
      for (const r of recs) depths[String(r.thread_depth)] = (depths[String(r.thread_depth)] ?? 0) + 1;
      const d = s.decomposition[solver];
      expect(d.by_start_size['4']).toEqual(d.all);
      expect(d.all).toMatchObject({
        records: COUNT,
        solved: s.solve_rate[solver].solved,
        threads: sum('thread_count'),
        sequences: s.sequences[solver],
        text_tokens: sum('text_token_count'),
        sequential_tokens: sum('sequential_token_count'),
        depth: depths,
      });
      expect(d.all.per_problem.text_tokens).toBeCloseTo(sum('text_token_count') / COUNT, 2);
      expect(d.all.sequence_tokens).toEqual(s.tokens[solver]);
    }
    expect(s.decomposition.apr.all.per_problem.threads).toBeGreaterThan(1);
  });
});

describe('corpus: options pass through to the record maker', () => {
  it("stats and report show the searches a corpus's window stopped, from its stats.json (a stopped search's text ends as a failed one's), and --fit drop's records", () => {
    for (const [name, fit] of [['cut5', 'stop'], ['drop5', 'drop']] as const) {
      expectOk(run(['corpus', '--count', '30', '--val-count', '0', '--min-numbers', '5', '--max-numbers', '5', '--solvers', 'sosp', '--window', '1024', '--fit', fit, '--workers', '1', '--quiet', '--out', name]));
    }
    const rate = (name: string) => JSON.parse(readFileSync(join(p(name), 'stats.json'), 'utf8')).solve_rate.sosp;
    const { records, stopped_by_window: stopped } = rate('cut5');
    expect(stopped).toBeGreaterThan(0);
    const shown = run(['stats', 'cut5']);
    expect(shown.stdout).toMatch(new RegExp(`\\n  searches the window stopped \\(stats\\.json\\) +${stopped} \\(${((100 * stopped) / records).toFixed(1)}%\\)\\n`));
    expect(shown.stdout).not.toMatch(/--fit drop left out/);
    const { dropped, records: kept, stopped_by_window: stoppedDrop } = rate('drop5');
    expect(dropped).toBeGreaterThan(0);
    const dropShown = run(['stats', 'drop5']).stdout;
    expect(dropShown).toMatch(new RegExp(`\\n  records --fit drop left out \\(stats\\.json\\) +${dropped}\\n`));
    // A share of the searches made: the dropped ones are among the stopped, not among the records kept (it read 400%).
    expect(dropShown).toMatch(new RegExp(`\\n  searches the window stopped \\(stats\\.json\\) +${stoppedDrop} \\(${((100 * stoppedDrop) / (kept + dropped)).toFixed(1)}%\\)\\n`));
    expectOk(run(['report', 'cut5', '--out', 'cut5.html']));
    expect(readFileSync(p('cut5.html'), 'utf8')).toContain('searches the window stopped (stats.json)');
    // A record file's text cannot tell: no such row.
    expect(run(['stats', join('cut5', 'sosp', 'train-00000-of-00001.jsonl')]).stdout).not.toMatch(/window stopped/);
    // A stats.json changed since the manifest was written is named, and its figures left out.
    cpSync(p('cut5'), p('cut5-edited'), { recursive: true });
    const statsPath = join(p('cut5-edited'), 'stats.json');
    writeFileSync(statsPath, readFileSync(statsPath, 'utf8').replace(`"stopped_by_window": ${stopped}`, `"stopped_by_window": ${stopped + 1}`));
    const edited = run(['stats', 'cut5-edited']);
    expect(edited.code).toBe(0);
    expect(edited.stderr).toContain(`${join('cut5-edited', 'stats.json')}: changed since the manifest was written`);
    expect(edited.stderr).toContain('the searches the window stopped are left out');
    expect(edited.stdout).not.toMatch(/window stopped/);
  });

  it('window, depth, conditioning and fit: the same records and sequences as the search command', () => {
    shared('opts');
    const opts = ['--seed', '9', '--window', '2048'];
    // The default bound (500 MB): one file per split; no validation split with --val-count 0.
    expect(treeFiles(p('opts'))).toEqual([
      'README.md',
      'apr/train-00000-of-00001.jsonl',
      'apr_sequences/train-00000-of-00001.jsonl',
      'manifest.json',
      'problems/train-00000-of-00001.jsonl',
      'sosp/train-00000-of-00001.jsonl',
      'sosp_sequences/train-00000-of-00001.jsonl',
      'stats.json',
    ]);
    const m = JSON.parse(readFileSync(join(p('opts'), 'manifest.json'), 'utf8'));
    expect(m.options.solvers).toEqual(['apr', 'sosp']);
    expect(m.options.search.apr).toMatchObject({ window: 2048, condition: 'sub-call-budget', max_spawn_level: 1 });
    expect(m.options.search.apr).not.toHaveProperty('fit');
    expect(m.options.search.sosp).toMatchObject({ window: 2048, condition: 'token-budget', fit: 'resample' });
    expect(m.options.max_file_size).toBe(500_000_000);
    // The card says which configs carry a prefix, and that this folder has no validation split.
    const card = readFileSync(join(p('opts'), 'README.md'), 'utf8').replace(/\n/g, ' ');
    // A Sub Call Budget stands before root sequences only (the card said every sequence of apr_sequences began with one).
    expect(card).toContain("Conditioning prefixes: the root thread's sequences of `apr_sequences` with `Sub Call Budget: N ` (its child threads' with none); every sequence of `sosp_sequences` with `Token Budget: N `. Records carry none. A sequence's `tokens` count its prefix");
    expect(card).toContain('"problems")  # train (no validation split here)');
    // The whole thread tree per problem, from stats.json (the root's children alone understated it).
    const perProblem = JSON.parse(readFileSync(join(p('opts'), 'stats.json'), 'utf8')).decomposition.apr.all.per_problem;
    expect(card).toContain(`APR per problem, every level of threads: ${perProblem.threads} threads, ${perProblem.sequences} sequences and ${Math.round(perProblem.text_tokens).toLocaleString('en-US')} text tokens on average`);
    // stats judges a corpus folder's sequences against its own window unless told otherwise.
    expect(run(['stats', 'opts']).stdout).toMatch(/sequences over the 2,048 window/);
    expect(run(['stats', 'opts', '--window', '4096']).stdout).toMatch(/sequences over the 4,096 window/);
    // Its sequences are measured with their conditioning prefix, as stats.json measures them.
    const tokens = JSON.parse(readFileSync(join(p('opts'), 'stats.json'), 'utf8')).tokens;
    const shown = run(['stats', 'opts']).stdout;
    for (const [kind, label] of [['sosp', 'SoS+'], ['apr', 'APR']] as const) {
      const t = tokens[kind];
      const line = new RegExp(`^${label.replace('+', '\\+')}\\n(?:  .*\\n)*?  tokens per sequence: mean / median / p95 / max +(.*)$`, 'm').exec(shown)![1];
      const n = (x: number) => Math.round(x).toLocaleString('en-US');
      expect(line).toBe(`${n(t.mean)} / ${n(t.p50)} / ${n(t.p95)} / ${n(t.max)}`);
    }
    expectUsageError(run(['stats', 'opts', 'base']), /the inputs were made with different windows \(opts: 2,048, base: 4,096\); give --window/);
    // verify measures a corpus folder's sequences against its window too.
    expect(run(['verify', 'opts']).stdout).toMatch(/, 0 over the 2,048-token window$/m);
    expect(run(['stats', 'opts', 'base', '--window', '2048']).code).toBe(0);
    const train = join('opts', 'problems', 'train-00000-of-00001.jsonl');
    for (const [solver, extra] of [
      ['apr', ['--max-depth', '2', '--condition', 'sub-call-budget']],
      ['sosp', ['--condition', 'token-budget', '--fit', 'resample']],
    ] as const) {
      const r = run(['search', solver, '--problems', train, ...opts, ...extra, '--out', `${solver}-search.jsonl`, '--sequences-out', `${solver}-search.sequences.jsonl`]);
      expectOk(r);
      expect(streamBytes('opts', solver).equals(readFileSync(p(`${solver}-search.jsonl`)))).toBe(true);
      expect(streamBytes('opts', `${solver}_sequences`).equals(readFileSync(p(`${solver}-search.sequences.jsonl`)))).toBe(true);
    }
    const seqs = streamRecords('opts', 'sosp_sequences');
    expect(seqs.every((q) => (q.text as string).startsWith('Token Budget: ') && (q.tokens as number) <= 2048)).toBe(true);
    const apr = streamRecords('opts', 'apr_sequences');
    expect(apr.filter((q) => String(q.thread).startsWith('root#')).every((q) => (q.text as string).startsWith('Sub Call Budget: '))).toBe(true);
    expect(apr.every((q) => (q.tokens as number) <= 2048)).toBe(true);
    const stats = JSON.parse(readFileSync(join(p('opts'), 'stats.json'), 'utf8'));
    expect(stats.tokens.window).toBe(2048);
    expect(stats.window_overflows).toBe(0);
  });

  it('refuses a conditioning mode that fits none of the solvers', () => {
    expectUsageError(run([...BASE, '--solvers', 'apr', '--condition', 'token-budget', '--out', 'nok']), /--condition token-budget applies to none/);
  });
});

describe('corpus: the same bytes however the work is split', () => {
  it('one worker with batches of 7, and no worker with batches of 1000, write the base corpus', () => {
    expectOk(run([...BASE, '--workers', '1', '--batch-size', '7', '--out', 'w1']));
    expectSameFolder('base', 'w1');
    expectOk(run([...BASE, '--workers', '0', '--batch-size', '1000', '--out', 'w0']));
    expectSameFolder('base', 'w0');
  });

  it('gzip: every file a gzip stream of one member per block, the same for any workers and batches, decompressing to the plain streams', () => {
    shared('gz');
    expectOk(run([...GZ, '--workers', '1', '--batch-size', '64', '--out', 'gz1']));
    expectSameFolder('gz', 'gz1');
    for (const [config, split] of STREAMS) {
      const files = streamFiles('gz', config, split);
      expect(files.every((f) => /-\d{5}-of-\d{5}\.jsonl\.gz$/.test(f))).toBe(true);
      for (const f of files) expect(statSync(f).size, f).toBeLessThanOrEqual(GZ_MAX);
      expect(streamBytes('gz', config, split).equals(streamBytes('base', config, split)), `${config}/${split}`).toBe(true);
    }
    // The bound applies to the compressed files: the search streams are split.
    expect(streamFiles('gz', 'apr').length).toBeGreaterThan(1);
    expect(streamFiles('gz', 'sosp').length).toBeGreaterThan(1);
  });
});

describe('corpus: a Hugging Face dataset folder', () => {
  /** The data files of a folder by its card: config, split and glob, with the files each glob finds. */
  function cardFiles(folder: string) {
    const meta = cardMeta(readFileSync(join(p(folder), 'README.md'), 'utf8'));
    const names = treeFiles(p(folder));
    return {
      meta,
      found: meta.configs.flatMap((c) => c.data_files.map((d) => ({ config: c.config_name, split: d.split, glob: d.path, files: names.filter((n) => globToRegExp(d.path).test(n)) }))),
    };
  }

  it("the card's YAML: configs for problems and each solver's records and sequences, whose data_files globs find every data file exactly once", () => {
    for (const folder of ['base', shared('gz'), shared('opts')]) {
      const { meta, found } = cardFiles(folder);
      expect(meta.license).toBe('mit');
      expect(meta.task_categories).toContain('text-generation');
      expect(meta.size_categories).toHaveLength(1);
      expect(meta.size_categories[0]).toMatch(/^(n<1K|\d+[KMB]<n<\d+[KMB]|n>1B)$/);
      expect(meta.pretty_name).toMatch(/^Countdown search traces: /);
      expect(meta.tags).toEqual(expect.arrayContaining(['countdown', 'adaptive-parallel-reasoning']));
      const m = manifestOf(folder);
      const data = m.files.filter((f) => f.config !== undefined);
      const solvers = m.options.solvers as string[];
      expect(meta.configs.map((c) => c.config_name).sort()).toEqual(['problems', ...solvers, ...solvers.map((s) => `${s}_sequences`)].sort());
      // Every data file is found by exactly one glob, the one of its config and split, and the globs find nothing else.
      const hits = found.flatMap((g) => g.files.map((name) => ({ ...g, name })));
      expect(hits.map((h) => h.name).sort()).toEqual(data.map((f) => f.name).sort());
      for (const f of data) {
        const h = hits.filter((x) => x.name === f.name);
        expect(h, f.name).toHaveLength(1);
        expect([h[0]!.config, h[0]!.split]).toEqual([f.config, f.split]);
      }
      // Sorted, a split's files give its records in order (the manifest's order).
      for (const g of found) expect(g.files).toEqual(data.filter((f) => f.config === g.config && f.split === g.split).map((f) => f.name));
    }
    expect(cardFiles(shared('gz')).found.every((g) => g.glob.endsWith('.jsonl.gz'))).toBe(true);
    expect(cardFiles('base').found.find((g) => g.config === 'problems' && g.split === 'validation')?.files).toHaveLength(1);
  });

  it('the card says what made the corpus, with which versions, and its headline figures; its command makes the same corpus', () => {
    const card = readFileSync(join(p('base'), 'README.md'), 'utf8');
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };
    expect(card).toContain(`By countdown-traces ${pkg.version} on Node ${process.version}`);
    const stats = JSON.parse(readFileSync(join(p('base'), 'stats.json'), 'utf8'));
    expect(card).toContain(`| SoS+ | ${COUNT.toLocaleString('en-US')} | ${stats.solve_rate.sosp.solved.toLocaleString('en-US')} | ${(stats.solve_rate.sosp.solve_rate * 100).toFixed(1)}% |`);
    expect(card).toContain('**Sequences over the 4,096-token window: 0.**');
    // Every figure of the token table with thousands separators, the mean too (it read `1330.5` beside `1,267`).
    const apr = stats.tokens.apr as { mean: number; p50: number };
    expect(card).toContain(` | ${apr.mean.toLocaleString('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 })} | ${apr.p50.toLocaleString('en-US')} | `);
    expect(apr.mean).toBeGreaterThan(1000);
    expect(card).toMatch(/load_dataset\("path\/to\/this\/folder", "apr_sequences", split="train"\)/);
    const command = /```sh\n([\s\S]*?)\n```/.exec(card)![1]!.replace(/ \\\n\s*/g, ' ');
    expect(command).toMatch(new RegExp(`^npx countdown-traces corpus --count ${COUNT} --seed 5 --val-count 100 .*--max-file-size 3MB --out DIR$`));
    const args = command.replace(/^npx countdown-traces /, '').replace(/ --out DIR$/, '').split(' ');
    expectOk(run([...args, '--quiet', '--out', 'from-card']));
    expectSameFolder('base', 'from-card');
  });

  it('the card says in words when a start size has no solved record (it showed 0.0% in a table, and half a 1,024-token corpus of five and six numbers taught failure only)', () => {
    expectOk(run(['corpus', '--count', '60', '--val-count', '5', '--min-numbers', '5', '--max-numbers', '6', '--window', '1024', '--quiet', '--out', 'unsolved']));
    const card = readFileSync(join(p('unsolved'), 'README.md'), 'utf8');
    const by = JSON.parse(readFileSync(join(p('unsolved'), 'stats.json'), 'utf8')).solve_rate.apr.by_start_size;
    expect(by['6'].solved).toBe(0);
    expect(card).toContain(`No APR record of these start sizes is solved (6 numbers: ${by['6'].records} records): they teach failed searches only (a 1,024-token window can be too small to hold a solved search of that size).`);
    expect(card).not.toMatch(/No APR record .*5 numbers/);
  });

  it('the card writes a figure of one with its noun in the singular (two-number APR problems spawn no thread: "1 threads, 1 sequences" on average; "1 records")', () => {
    expectOk(run(['corpus', '--count', '40', '--val-count', '5', '--min-numbers', '2', '--max-numbers', '2', '--solvers', 'apr', '--quiet', '--out', 'no-spawn']));
    const card = readFileSync(join(p('no-spawn'), 'README.md'), 'utf8');
    expect(card).toContain('APR per problem, every level of threads: 1 thread, 1 sequence and ');
    // A start size with one record, none solved.
    const m = parseManifest(readFileSync(join(p('no-spawn'), 'manifest.json'), 'utf8'), 'manifest.json') as Manifest;
    const stats = JSON.parse(readFileSync(join(p('no-spawn'), 'stats.json'), 'utf8'));
    stats.solve_rate.apr.by_start_size['2'] = { records: 1, solved: 0, solve_rate: 0 };
    stats.solve_rate.apr.by_start_size['3'] = { records: 39, solved: 39, solve_rate: 1 };
    expect(renderCard(m, JSON.stringify(stats))).toContain('No APR record of these start sizes is solved (2 numbers: 1 record): ');
  });

  it("the card's command makes the same corpus whatever the solvers and flags: it passes a flag when every solver that reads it agrees", () => {
    const cases = [
      // dfs reads neither flag: the card once compared its unread defaults too, and left both out.
      ['--solvers', 'sosp,apr,dfs', '--promising', '0.6', '--max-sub-beam', '12'],
      // No solver here reads a beam, a sub beam or waves: the card must not pass them (they would be refused).
      ['--solvers', 'dfs', '--heuristic', 'mult'],
      ['--solvers', 'sosp', '--fit', 'resample', '--window', '2048'],
      ['--solvers', 'apr,bfs', '--max-depth', '2', '--wave', '0', '--max-beam', '4'],
      // With no window the manifest lists the fit and planning defaults, whose flags --window 0 refuses.
      ['--solvers', 'sosp,apr', '--window', '0'],
    ];
    cases.forEach((flags, i) => {
      const made = `card-case-${i}`;
      expectOk(run(['corpus', '--count', '20', '--val-count', '5', '--seed', '9', ...flags, '--quiet', '--out', made]));
      const card = readFileSync(join(p(made), 'README.md'), 'utf8');
      const command = /```sh\n([\s\S]*?)\n```/.exec(card)![1]!.replace(/ \\\n\s*/g, ' ');
      const args = command.replace(/^npx countdown-traces /, '').replace(/ --out DIR$/, '').split(' ');
      expectOk(run([...args, '--quiet', '--out', `${made}-again`]));
      expectSameFolder(made, `${made}-again`);
    });
  });

  it('reads as the datasets JSON builder reads it: objects with the same keys on every line of a config, each column of one type, the type the card declares', () => {
    expectOk(run(['corpus', '--count', '300', '--val-count', '0', '--seed', '2', '--solvers', 'dfs,bfs,sosp', '--fit', 'drop', '--window', '1024', '--min-numbers', '3', '--max-numbers', '5', '--quiet', '--out', 'mixed']));
    // Deep APR threads (five and six numbers: grandchildren and further), at depth 3 and 2.
    expectOk(run(['corpus', '--count', '60', '--val-count', '0', '--seed', '4', '--solvers', 'apr', '--min-numbers', '5', '--max-numbers', '6', '--quiet', '--out', 'deep']));
    expectOk(run(['corpus', '--count', '60', '--val-count', '0', '--seed', '4', '--solvers', 'apr', '--min-numbers', '5', '--max-numbers', '6', '--max-depth', '2', '--quiet', '--out', 'deep2']));
    const depths = streamRecords('deep', 'apr').map((r) => r.thread_depth as number);
    expect(Math.max(...depths)).toBeGreaterThanOrEqual(2);
    for (const folder of ['base', shared('gz'), shared('opts'), 'mixed', 'deep', 'deep2']) {
      const { meta, found } = cardFiles(folder);
      const columns = new Map<string, JsonType | undefined>();
      for (const g of found) {
        for (const name of g.files) {
          const bytes = readFileSync(join(p(folder), name));
          const lines = (name.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8').split('\n');
          expect(lines.pop(), `${folder}/${name} ends its last line`).toBe('');
          lines.forEach((line, i) => {
            const t = jsonType(line);
            expect(typeof t === 'object' && 'object' in t, `${folder}/${name}:${i + 1} is an object`).toBe(true);
            const before = columns.get(g.config);
            columns.set(g.config, unify(before ?? t, t, `${folder}/${name}:${i + 1}`));
            conforms({ struct: declaredColumns(meta, g.config) }, t, `${folder}/${name}:${i + 1}`);
          });
        }
      }
      expect([...columns.keys()].sort(), folder).toEqual(found.map((g) => g.config).filter((c, i, all) => all.indexOf(c) === i).sort());
    }
    // The float columns are floats on every line, 0.0 included (they are the ones a loader would trip on).
    const apr = streamBytes('base', 'apr').toString('utf8');
    for (const f of ['rating', 'avg_seq_token_count', 'avg_sub_seq_token_count', 'sub_call_count']) expect(apr).not.toMatch(new RegExp(`"${f}": \\d+[,}]`));
  });

  it('stats shows DFS and BFS apart, each with the solve rate stats.json gives it', () => {
    const json = JSON.parse(readFileSync(join(p('mixed'), 'stats.json'), 'utf8')) as { solve_rate: Record<string, { solved: number }> };
    const text = run(['stats', 'mixed']).stdout;
    for (const [solver, label] of [['dfs', 'DFS'], ['bfs', 'BFS']] as const) {
      const solved = new RegExp(`^${label}\\n {2}records\\s+[\\d,]+\\n {2}solved\\s+([\\d,]+) `, 'm').exec(text);
      expect(solved, label).not.toBeNull();
      expect(Number(solved![1]!.replace(/,/g, ''))).toBe(json.solve_rate[solver]!.solved);
    }
  });
});

/** Spawns a run; resolves when it exits. */
function start(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [cli, ...args], { cwd: dir, env: { ...process.env, ...cleanEnv(), ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Ran>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stdout: '', stderr })),
  );
  return { child, done };
}

/** Polls until `ready()` (or the run ends first: an error). */
async function waitFor(ready: () => boolean, running: { exited: boolean }): Promise<void> {
  for (;;) {
    if (ready()) return;
    if (running.exited) throw new Error('the run ended before the point the test waits for');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('corpus: crash, stop and resume', () => {
  const FAST = ['--checkpoint-interval', '0'];

  it('kill -9 at exact points (mid-train, mid-block, a new file just opened, between renames and checkpoint, before the manifest), then --resume: the base bytes', () => {
    const points = ['checkpoint:1', 'record:sosp:250', 'file:sosp/train:1', 'finish:sosp', 'file:apr/train:3', 'record:apr:777', 'finish:apr', 'manifest'];
    let first = true;
    for (const point of points) {
      const r = runKilledAt(point, [...BASE, ...FAST, '--out', 'killed', ...(first ? [] : ['--resume'])]);
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
      expect(existsSync(join(p('killed'), 'manifest.json'))).toBe(false);
      first = false;
    }
    // Without --resume the unfinished folder is refused, not overwritten.
    expectUsageError(run([...BASE, '--out', 'killed']), /unfinished run.*--resume/);
    expectOk(run([...BASE, '--out', 'killed', '--resume']));
    expectSameFolder('base', 'killed');
  });

  it("kill -9 with one stream of a stage renamed and the other's files all .partial (a stage's finish renames its records, then its sequences; a resume takes them back in that order), then --resume: the small corpus's bytes; an unfinished name of the user's is left alone", () => {
    // Each stream's files, shortened: `0of2` a finished name, `1p` a .partial one.
    const held = (config: string) =>
      readdirSync(join(p('one-open'), config))
        .sort()
        .map((n) => n.replace(/^train-0*(\d+)(?:-of-0*(\d+)\.jsonl|\.jsonl\.partial)$/, (_, i: string, of?: string) => (of ? `${i}of${of}` : `${i}p`)));
    const stops: Array<[string, Record<string, string[]>]> = [
      // The last stage's finish (each stream in two files here).
      ['renamed:apr/train:1', { apr: ['0of2', '1of2'], apr_sequences: ['0p', '1p'] }],
      ['renamed:apr_sequences/train:1', { apr: ['0of2', '1of2'], apr_sequences: ['0of2', '1of2'] }],
      // A resume stopped between a stage's streams: the records taken back, the sequences still renamed.
      ['opened:apr/train', { apr: ['0p', '1p'], apr_sequences: ['0of2', '1of2'] }],
    ];
    let first = true;
    for (const [point, want] of stops) {
      const r = runKilledAt(point, [...SMALL, ...FAST, '--workers', '0', '--out', 'one-open', ...(first ? [] : ['--resume'])]);
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
      for (const [config, names] of Object.entries(want)) expect(held(config), `${point}: ${config}`).toEqual(names);
      first = false;
    }
    // A name the stream's pattern reads and the run never gives, past the files the checkpoint lists: not the run's to delete.
    const users = join(p('one-open'), 'apr', 'train-7.jsonl.partial');
    writeFileSync(users, 'kept\n');
    expectOk(run([...SMALL, '--out', 'one-open', '--resume']));
    expect(readFileSync(users, 'utf8')).toBe('kept\n');
    rmSync(users);
    expectSameFolder(shared('small'), 'one-open');
    expectOk(run(['verify', 'one-open']));
  });

  it("--resume refuses a user's whole series in a stage no checkpoint lists a file of yet, and leaves it; a kill once a finishing stage's files are listed, before any is renamed, resumes", () => {
    // Killed once the last stage opened its first stream: it has no checkpoint entry, and its sequences no file, yet.
    const r = runKilledAt('opened:apr/train', [...SMALL, ...FAST, '--workers', '0', '--out', 'users-series']);
    expect(r.signal, r.stderr).toBe('SIGKILL');
    expect(checkpointOf('users-series')?.stages.apr).toBeUndefined();
    // A whole series by its name (a review found the resume took it for the run's and deleted it).
    const users = join(p('users-series'), 'apr_sequences', 'train-00000-of-00001.jsonl');
    mkdirSync(dirname(users), { recursive: true });
    writeFileSync(users, '{"mine":1}\n');
    expectUsageError(run([...SMALL, '--out', 'users-series', '--resume']), /users-series already holds apr_sequences\/train-00000-of-00001\.jsonl, which is not a countdown-traces data file, at a path a run writes; move it away/);
    // One in the tool's form is not the run's either: the checkpoint lists no file of that stage.
    writeFileSync(users, '{"text": "mine"}\n');
    expectUsageError(run([...SMALL, '--out', 'users-series', '--resume']), /users-series already holds apr_sequences\/train-00000-of-00001\.jsonl, which this run did not write, where the dataset card's globs would load it/);
    expect(readFileSync(users, 'utf8')).toBe('{"text": "mine"}\n');
    rmSync(users);
    const k = runKilledAt('sealed:apr', [...SMALL, ...FAST, '--workers', '0', '--out', 'users-series', '--resume']);
    expect(k.signal, k.stderr).toBe('SIGKILL');
    const apr = checkpointOf('users-series')!.stages.apr!;
    expect([apr.done, apr.records, apr.files['apr/train']!.parts.length]).toEqual([false, 200, 2]);
    expectOk(run([...SMALL, '--out', 'users-series', '--resume']));
    expectSameFolder(shared('small'), 'users-series');
  });

  it('--fit drop: kill -9 mid-stage and after a done stage, then --resume: the bytes of an uninterrupted run (dropped records are counted, not written)', () => {
    const DROP = ['corpus', '--count', '1200', '--val-count', '20', '--seed', '3', '--quiet', '--solvers', 'sosp,apr', '--window', '1500', '--fit', 'drop'];
    expectOk(run([...DROP, '--out', 'drop-base']));
    const st = JSON.parse(readFileSync(join(p('drop-base'), 'stats.json'), 'utf8')) as { records: { sosp: number } };
    expect(st.records.sosp).toBeLessThan(1200); // records were dropped before the kill points
    for (const point of ['record:sosp:700', 'record:apr:300']) {
      const r = runKilledAt(point, [...DROP, ...FAST, '--out', 'drop-killed', ...(point.includes('apr') ? ['--resume'] : [])]);
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
    }
    expectOk(run([...DROP, '--out', 'drop-killed', '--resume']));
    expectSameFolder('drop-base', 'drop-killed');
  });

  it('kill -9 from outside while the last stage runs, then --resume: the base bytes', async () => {
    const { child, done } = start([...BASE, ...FAST, '--workers', '2', '--out', 'ext']);
    const state = { exited: false };
    void done.then(() => (state.exited = true));
    await waitFor(() => (checkpointOf('ext')?.stages.apr?.records ?? 0) >= 300, state);
    child.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    expectOk(run([...BASE, '--out', 'ext', '--resume']));
    expectSameFolder('base', 'ext');
  });

  it('a file of a stopped run replaced by a folder or a pipe is named by resume (not the stream\'s first file), and a pipe is never opened', () => {
    // Small files, so that the file open at the kill is not the stream's first.
    const small = [...BASE.slice(0, -2), '--max-file-size', '400KB'];
    const r = runKilledAt('record:apr:355+checkpoint', [...small, ...FAST, '--out', 'dirk']);
    expect(r.signal).toBe('SIGKILL');
    const parts = checkpointOf('dirk')!.stages.apr!.files['apr/train']!.parts;
    expect(parts.length).toBeGreaterThan(1);
    const open = `apr/train-${String(parts.length - 1).padStart(5, '0')}.jsonl.partial`;
    rmSync(join(p('dirk'), open));
    mkdirSync(join(p('dirk'), open));
    // Its covered bytes are gone: not a write fault to fix and resume from (it said so), but a file the checkpoint cannot find.
    expectUsageError(run([...small, '--out', 'dirk', '--resume']), new RegExp(`^countdown-traces: cannot resume: dirk/${escapeRe(open)} is not a regular file but a folder, pipe or device \\(move it away\\); start over with --force$`));
    // A pipe in a covered file's place is refused, not opened (the open or a read would wait for ever).
    rmSync(join(p('dirk'), 'apr/train-00000.jsonl.partial'));
    expect(spawnSync('mkfifo', [join(p('dirk'), 'apr/train-00000.jsonl.partial')]).status).toBe(0);
    expectUsageError(run([...small, '--out', 'dirk', '--resume']), /cannot resume: dirk\/apr\/train-00000\.jsonl\.partial is not a regular file but a folder, pipe or device/);
  });

  it('gzip: kill -9 mid-block, then --resume: the same bytes as an uninterrupted gzip run (a byte changed in what the checkpoint covers of the compressed file is refused)', () => {
    const r = runKilledAt('record:apr:355+checkpoint', [...GZ, ...FAST, '--out', 'gzk']);
    expect(r.signal).toBe('SIGKILL');
    const parts = checkpointOf('gzk')!.stages.apr!.files['apr/train']!.parts;
    const open = `apr/train-${String(parts.length - 1).padStart(5, '0')}.jsonl.gz.partial`;
    expect(parts.at(-1)!.bytes).toBeGreaterThan(0);
    flipByte(join(p('gzk'), open), parts.at(-1)!.bytes - 1);
    expectUsageError(run([...GZ, '--out', 'gzk', '--resume']), new RegExp(`cannot resume: gzk/${escapeRe(open)} changed since the checkpoint`));
    flipByte(join(p('gzk'), open), parts.at(-1)!.bytes - 1);
    // A finished gzip file's records are counted through gunzip.
    const cpPath = join(p('gzk'), '.corpus-checkpoint.json');
    const cpText = readFileSync(cpPath, 'utf8');
    const { seal: _gz, ...edited } = JSON.parse(cpText);
    edited.stages.apr.files['apr/train'].parts[0].records += 1;
    // Sealed again, as a writer that knew the rule would: the counts are still checked against the bytes.
    writeFileSync(cpPath, sealedCheckpoint(edited));
    // The open file may hold bytes past the checkpoint (how far the kill let it write): then its covered part is named.
    expectUsageError(run([...GZ, '--out', 'gzk', '--resume']), /cannot resume: gzk\/apr\/train-00000\.jsonl\.gz\.partial holds \d+ records in its (bytes|first [\d,]+ bytes, which the checkpoint covers); the checkpoint says \d+/);
    writeFileSync(cpPath, cpText);
    expectOk(run([...GZ, '--workers', '1', '--out', 'gzk', '--resume']));
    expectSameFolder(shared('gz'), 'gzk');
  });

  it('resume reads back what the checkpoint covers: a byte changed in a finished file (same size), in a full .partial file or in the durable part of the open one is refused naming the file; put back, the run resumes to the base bytes', () => {
    const r = runKilledAt('record:apr:400+checkpoint', [...BASE, ...FAST, '--out', 'tamper']);
    expect(r.signal).toBe('SIGKILL');
    const cp = checkpointOf('tamper')!;
    expect(cp.stages.sosp!.done).toBe(true);
    const parts = cp.stages.apr!.files['apr/train']!.parts;
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.at(-1)!.bytes).toBeGreaterThan(0);
    // Each part the checkpoint lists has the SHA-256 of what it covers: the whole file, or the open one's first bytes.
    parts.forEach((part, i) => {
      const bytes = readFileSync(join(p('tamper'), `apr/train-${String(i).padStart(5, '0')}.jsonl.partial`)).subarray(0, part.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(part.sha256);
    });
    const finished = streamFiles('tamper', 'sosp_sequences')[1]!.slice(p('tamper').length + 1);
    const cases: Array<[string, number]> = [
      [finished, 1234],
      ['apr/train-00000.jsonl.partial', 4321],
      [`apr/train-${String(parts.length - 1).padStart(5, '0')}.jsonl.partial`, Math.floor(parts.at(-1)!.bytes / 2)],
    ];
    for (const [name, at] of cases) {
      flipByte(join(p('tamper'), name), at);
      expectUsageError(run([...BASE, '--out', 'tamper', '--resume']), new RegExp(`^countdown-traces: cannot resume: tamper/${escapeRe(name)} changed since the checkpoint was written: .*; start over with --force$`));
      flipByte(join(p('tamper'), name), at);
    }
    // The records counted beside the bytes are checked too: a count edited in the checkpoint would resume at the wrong record.
    const cpPath = join(p('tamper'), '.corpus-checkpoint.json');
    const cpText = readFileSync(cpPath, 'utf8');
    // Any hand edit breaks the checkpoint's seal; a tally (which only stats.json shows) is caught by it alone.
    const { seal, ...edited } = JSON.parse(cpText);
    const tallied = structuredClone(edited);
    tallied.stages.sosp.tally = { ...tallied.stages.sosp.tally, edited: true };
    writeFileSync(cpPath, JSON.stringify({ ...tallied, seal })); // the old seal kept: it no longer matches
    expectUsageError(run([...BASE, '--out', 'tamper', '--resume']), /^countdown-traces: cannot resume: tamper\/\.corpus-checkpoint\.json changed since it was written \(its seal does not match its text\); start over with --force$/);
    // Sealed again (a writer that knew the rule), the counts are still checked against the files.
    edited.stages.apr.files['apr/train'].parts.at(-1).records -= 1;
    writeFileSync(cpPath, sealedCheckpoint(edited));
    const open = `apr/train-${String(parts.length - 1).padStart(5, '0')}.jsonl.partial`;
    expectUsageError(run([...BASE, '--out', 'tamper', '--resume']), new RegExp(`^countdown-traces: cannot resume: tamper/${escapeRe(open)} holds ${parts.at(-1)!.records} records in (its bytes|its first .* bytes, which the checkpoint covers); the checkpoint says ${parts.at(-1)!.records - 1}; start over with --force$`));
    // So is the stage's own count, edited alone: in the running stage, and in a done one.
    const stageEdits: Array<[(cp: { stages: Record<string, { records: number }> }) => void, RegExp]> = [
      [(cp) => (cp.stages.apr!.records -= 1), /says stage apr holds [\d,]+ records; the files of apr\/train hold [\d,]+; start over with --force$/],
      [(cp) => (cp.stages.sosp!.records -= 1), /says stage sosp holds [\d,]+ records; the files of sosp\/train hold [\d,]+; start over with --force$/],
    ];
    for (const [edit, message] of stageEdits) {
      const { seal: _s, ...cp } = JSON.parse(cpText);
      edit(cp);
      writeFileSync(cpPath, sealedCheckpoint(cp));
      expectUsageError(run([...BASE, '--out', 'tamper', '--resume']), new RegExp(`^countdown-traces: cannot resume: tamper/\\.corpus-checkpoint\\.json ${message.source}`));
    }
    writeFileSync(cpPath, cpText);
    expectOk(run([...BASE, '--out', 'tamper', '--resume']));
    expectSameFolder('base', 'tamper');
  });

  it('a refused resume changes nothing: every stream of the stage is checked before any is cut back (a byte changed in the second stream left the first cut), and a folder in place of a .partial file is named as such', () => {
    const r = runKilledAt('record:apr:400+checkpoint', [...BASE, ...FAST, '--out', 'untouched']);
    expect(r.signal).toBe('SIGKILL');
    // The data and the checkpoint (the killed run's stale lock goes with the first run that takes it).
    const snapshot = () =>
      Object.fromEntries(
        treeFiles(p('untouched'))
          .filter((n) => n !== '.corpus.lock')
          .map((n) => [n, createHash('sha256').update(readFileSync(join(p('untouched'), n))).digest('hex')]),
      );
    const parts = checkpointOf('untouched')!.stages.apr!.files['apr_sequences/train']!.parts;
    const open = `apr_sequences/train-${String(parts.length - 1).padStart(5, '0')}.jsonl.partial`;
    // The first stream's open file with bytes past the checkpoint (as a block written after it leaves): a cut would show.
    const records = checkpointOf('untouched')!.stages.apr!.files['apr/train']!.parts;
    const firstOpen = join(p('untouched'), `apr/train-${String(records.length - 1).padStart(5, '0')}.jsonl.partial`);
    appendFileSync(firstOpen, '{"a block": "past the checkpoint"}\n');
    expect(statSync(firstOpen).size).toBeGreaterThan(records.at(-1)!.bytes);
    const before = snapshot();
    flipByte(join(p('untouched'), open), Math.floor(parts.at(-1)!.bytes / 2));
    const flipped = snapshot();
    expectUsageError(run([...BASE, '--out', 'untouched', '--resume']), new RegExp(`^countdown-traces: cannot resume: untouched/${escapeRe(open)} changed since the checkpoint was written`));
    expect(snapshot()).toEqual(flipped);
    flipByte(join(p('untouched'), open), Math.floor(parts.at(-1)!.bytes / 2));
    // A folder in its place: not a write fault to fix and resume (it said so), but a file gone.
    const kept = join(p('untouched'), 'kept.partial');
    renameSync(join(p('untouched'), open), kept);
    mkdirSync(join(p('untouched'), open));
    expectUsageError(run([...BASE, '--out', 'untouched', '--resume']), new RegExp(`^countdown-traces: cannot resume: untouched/${escapeRe(open)} is not a regular file but a folder, pipe or device \\(move it away\\); start over with --force$`));
    rmSync(join(p('untouched'), open), { recursive: true });
    renameSync(kept, join(p('untouched'), open));
    expect(snapshot()).toEqual(before);
    // A copy under a name the stream's pattern also reads (`train-0.jsonl.partial`, sorting first) is not the stream's file.
    const copy = join(p('untouched'), 'apr_sequences', 'train-0.jsonl.partial');
    cpSync(join(p('untouched'), open), copy);
    expectOk(run([...BASE, '--out', 'untouched', '--resume']));
    rmSync(copy);
    expectSameFolder('base', 'untouched');
  });

  it('--resume of an unfinished run refuses, before any work and changing nothing, a data file the card would load that the run did not write: beside a done stage\'s file, at a name the run gives a file later, in a stage not started', () => {
    const r = runKilledAt('record:sosp:250+checkpoint', [...BASE, ...FAST, '--out', 'stray']);
    expect(r.signal).toBe('SIGKILL');
    const cp = checkpointOf('stray')!;
    expect(cp.stages.train!.done).toBe(true);
    expect(cp.stages.sosp!.done).toBe(false);
    // The stream being written: its open file is the last the checkpoint lists; the next one is not written yet.
    const open = cp.stages.sosp!.files['sosp/train']!.parts.length;
    const pad = (n: number) => String(n).padStart(5, '0');
    const snapshot = () =>
      Object.fromEntries(
        treeFiles(p('stray'))
          .filter((n) => n !== '.corpus.lock')
          .map((n) => [n, createHash('sha256').update(readFileSync(join(p('stray'), n))).digest('hex')]),
      );
    const strays = ['problems/train-00001-of-00002.jsonl', `sosp/train-${pad(open)}-of-${pad(open + 1)}.jsonl`, 'apr/train-00000-of-00001.jsonl'];
    for (const name of strays) {
      mkdirSync(join(p('stray'), name, '..'), { recursive: true });
      writeFileSync(join(p('stray'), name), '{"nums": [1, 2], "target": 3}\n');
      const before = snapshot();
      expectUsageError(run([...BASE, '--out', 'stray', '--resume']), new RegExp(`^countdown-traces: stray already holds ${escapeRe(name)}, which this run did not write, where the dataset card's globs would load it with this run's files; move it away, or use another --out$`));
      expect(snapshot(), name).toEqual(before);
      rmSync(join(p('stray'), name));
    }
    // One that is not in the tool's form is worded by its content, as a file at a path a run writes is (it said "is not a file of a countdown-traces corpus").
    writeFileSync(join(p('stray'), 'sosp', 'train-mine.jsonl'), '{"mine": 1}\n');
    const before = snapshot();
    expectUsageError(
      run([...BASE, '--out', 'stray', '--resume']),
      /^countdown-traces: stray already holds sosp\/train-mine\.jsonl, which is not a countdown-traces data file, where the dataset card's globs would load it with this run's files; move it away, or use another --out$/,
    );
    expect(snapshot()).toEqual(before);
    rmSync(join(p('stray'), 'sosp', 'train-mine.jsonl'));
    expectOk(run([...BASE, '--out', 'stray', '--resume']));
    expectSameFolder('base', 'stray');
    expectOk(run(['verify', 'stray']));
  });

  it('--resume on a finished corpus checks its files against the manifest: a changed byte is refused, naming the file', () => {
    cpSync(p(shared('small')), p('edited'), { recursive: true });
    const name = streamFiles('edited', 'apr')[1]!.slice(p('edited').length + 1);
    flipByte(join(p('edited'), name), 99);
    expectUsageError(run([...SMALL, '--out', 'edited', '--resume']), new RegExp(`^countdown-traces: edited/${escapeRe(name)} changed since the manifest was written: .*make it again with --force$`));
    flipByte(join(p('edited'), name), 99);
    expectOk(run([...SMALL, '--out', 'edited', '--resume']));
    // Files the card's globs would not load (a desktop's or an editor's) are no concern of the corpus.
    writeFileSync(join(p('edited'), 'apr', '.DS_Store'), '');
    writeFileSync(join(p('edited'), 'apr', 'notes.txt'), 'mine\n');
    expectOk(run([...SMALL, '--out', 'edited', '--resume']));
    expectOk(run(['verify', 'edited']));
    // A data file the manifest does not list, where the card's globs would load it, is refused by --resume and reported by verify.
    const extra = name.replace(/-(\d+)-of-(\d+)/, '-99999-of-$2');
    cpSync(join(p('edited'), name), join(p('edited'), extra));
    // Worded as a resume of an unfinished run words a file it did not write.
    const unlisted = (rel: string, why: string) =>
      new RegExp(`^countdown-traces: edited already holds ${escapeRe(rel)}, ${why}, where the dataset card's globs would load it with the files its manifest lists; move it away, or use another --out$`);
    expectUsageError(run([...SMALL, '--out', 'edited', '--resume']), unlisted(extra, 'which this run did not write'));
    const v = run(['verify', 'edited']);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`edited/${extra}: not in the manifest, yet where the dataset card's globs would load it`);
    // stats and report read the listed files only, and say what a trainer would load beside them (they said nothing).
    const st = run(['stats', 'edited']);
    expect(st.code).toBe(0);
    expect(st.stderr).toContain(`countdown-traces: warning: edited/${extra}: not in the manifest, yet where the dataset card's globs would load it; left out of these figures\n`);
    // One of another's, by its content: --force, which the refusal offered, refuses it too.
    for (const name of [extra, 'apr/.DS_Store', 'apr/notes.txt']) rmSync(join(p('edited'), name));
    writeFileSync(join(p('edited'), 'apr', 'train-mine.jsonl'), '{"mine": 1}\n');
    expectUsageError(run([...SMALL, '--out', 'edited', '--resume']), unlisted('apr/train-mine.jsonl', 'which is not a countdown-traces data file'));
    expectUsageError(run([...SMALL, '--out', 'edited', '--force']), /--force: edited\/apr\/train-mine\.jsonl is not a file of a countdown-traces corpus/);
    expect(readFileSync(join(p('edited'), 'apr', 'train-mine.jsonl'), 'utf8')).toBe('{"mine": 1}\n');
  });

  it('SIGTERM stops cleanly with exit 143 and the command to resume; resuming finishes the base bytes', async () => {
    const { child, done } = start([...BASE.filter((a) => a !== '--quiet'), ...FAST, '--out', 'term']);
    const state = { exited: false };
    void done.then(() => (state.exited = true));
    await waitFor(() => (checkpointOf('term')?.stages.sosp?.records ?? 0) > 0, state);
    child.kill('SIGTERM');
    const r = await done;
    expect(r.code).toBe(143);
    expect(r.stderr).toMatch(/stopped by SIGTERM/);
    // As the process was started (here node and the script), to be pasted.
    expect(r.stderr).toMatch(/Resume with:\n\s+node \S+\/dist\/cli\/main\.js corpus .*--out term.*--resume/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(p('term'), 'manifest.json'))).toBe(false);
    expect(treeFiles(p('term')).some((f) => f.endsWith('.partial'))).toBe(true);
    expect(existsSync(join(p('term'), '.corpus.lock'))).toBe(false);
    // A file of the user's that the card would load, put there meanwhile: the resumed run would have looked finished.
    mkdirSync(join(p('term'), 'sosp'), { recursive: true });
    writeFileSync(join(p('term'), 'sosp', 'train-mine.jsonl'), '{"nums": [1, 2], "target": 3}\n');
    expectUsageError(run([...BASE, '--out', 'term', '--resume']), /term already holds sosp\/train-mine\.jsonl, which this run did not write, where the dataset card's globs would load it/);
    rmSync(join(p('term'), 'sosp', 'train-mine.jsonl'));
    expectOk(run([...BASE, '--out', 'term', '--resume']));
    expectSameFolder('base', 'term');
  });

  it('refuses to resume with other options, and to overwrite a finished corpus; --resume on it checks it and does nothing more', () => {
    cpSync(p('base'), p('base-before'), { recursive: true }); // this test's own witness, so it runs alone too
    const r = run(['corpus', '--count', String(COUNT), '--val-count', '100', '--seed', '6', '--quiet', '--out', 'base', '--resume']);
    // Named by the option as it is typed, with its values as given (not the manifest's fields).
    expectUsageError(r, /other options \(--seed 5, here 6\)/);
    expectUsageError(run([...BASE.slice(0, -2), '--max-file-size', '6MB', '--out', 'base', '--resume']), /other options \(--max-file-size 3MB, here 6MB\)/);
    expectUsageError(run([...BASE, '--max-depth', '2', '--out', 'base', '--resume']), /other options \(--max-depth 3 for apr, here 2\)/);
    expectUsageError(run([...BASE, '--solvers', 'sosp', '--out', 'base', '--resume']), /other options \(--solvers sosp,apr, here sosp\)/);
    expectUsageError(run([...BASE, '--min-numbers', '3', '--out', 'base', '--resume']), /other options \(--min-numbers 4, here 3\)/);
    expectUsageError(run([...BASE, '--out', 'base']), /already holds a finished corpus/);
    expectOk(run([...BASE, '--out', 'base', '--resume']));
    expectSameFolder('base', 'base-before');
  });

  it('refuses to resume a corpus whose manifest is of another format (its options are recorded in another shape)', () => {
    cpSync(p('base'), p('older'), { recursive: true });
    const path = join(p('older'), 'manifest.json');
    writeFileSync(path, readFileSync(path, 'utf8').replace(/"countdown-traces corpus \d+"/, '"countdown-traces corpus 2"'));
    expectUsageError(run([...BASE, '--out', 'older', '--resume']), /manifest.json is of format "countdown-traces corpus 2", from another version of countdown-traces/);
  });

  it("the manifest's sizes and SHA-256s are the files', plain and gzip, uninterrupted and resumed", () => {
    // Every resumed folder (killed, ext, gzk, term, tamper) is checked byte for byte, manifest
    // included, against one of these two by the test that makes it.
    for (const folder of ['base', shared('gz')]) expectManifestTrue(folder);
  });
});

describe('corpus: shards and merge', () => {
  it('--shard 0/2 and 1/2, merged, are the base corpus byte for byte, manifest included', () => {
    expectOk(run([...BASE, '--shard', '0/2', '--out', 's0']));
    expectOk(run([...BASE, '--shard', '1/2', '--out', 's1']));
    const m1 = JSON.parse(readFileSync(join(p('s1'), 'manifest.json'), 'utf8'));
    expect(m1.shard).toEqual({ index: 1, count: 2, first_record: 1000, records: COUNT - 1000 });
    expect(streamFiles('s1', 'problems', 'validation')).toEqual([]);
    // A shard is a corpus of its own (its card says which shard), with the block sizes merge needs.
    expect(treeFiles(p('s1')).filter((n) => !n.includes('/'))).toEqual(['README.md', 'blocks.json', 'manifest.json', 'stats.json']);
    expect(readFileSync(join(p('s1'), 'README.md'), 'utf8')).toMatch(/shard 1 of 2/);
    // Its command makes this shard (the merged card, the base corpus's, names none).
    expect(readFileSync(join(p('s1'), 'README.md'), 'utf8').replace(/ \\\n\s*/g, ' ')).toMatch(/--max-file-size 3MB --shard 1\/2 --out DIR/);
    // Any order of the shard folders.
    expectOk(run(['merge', 's1', 's0', '--out', 'merged', '--quiet']));
    expectSameFolder('base', 'merged');
  });

  it('a merge stopped by SIGINT takes what it wrote with it, its lock included: merging again needs no --force', async () => {
    const { child, done } = start(['merge', 's0', 's1', '--out', 'msig']);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const state = { exited: false };
    void done.then(() => (state.exited = true));
    // The first stream joined: merge is writing.
    await waitFor(() => /merge: problems\/train/.test(stderr), state);
    child.kill('SIGINT');
    const r = await done;
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toMatch(/merge stopped by SIGINT; nothing of it is left in msig: merge again\n$/);
    expect(readdirSync(p('msig'))).toEqual([]);
    expectOk(run(['merge', 's0', 's1', '--out', 'msig', '--quiet']));
    expectSameFolder('base', 'msig');
  });

  it('gzip shards, merged, are the gzip corpus byte for byte (the members of a shard\'s files laid out again)', () => {
    expectOk(run([...GZ, '--shard', '0/2', '--out', 'gs0']));
    expectOk(run([...GZ, '--shard', '1/2', '--out', 'gs1']));
    const merged = run(['merge', 'gs0', 'gs1', '--out', 'gmerged']);
    expectOk(merged);
    expectSameFolder(shared('gz'), 'gmerged');
    // Its progress counts shards, under its own name: val is in shard 0 alone.
    expect(merged.stderr).toMatch(/^merge: sosp\/train 2\/2 +[\d,]+ shards\/s +in \d+s \(100\.0%\)$/m);
    expect(merged.stderr).toMatch(/^merge: problems\/validation 1\/1 /m);
    expect(merged.stderr).not.toMatch(/rec\/s|^corpus:/m);
  });

  it('takes the shard from SLURM_ARRAY_TASK_ID/COUNT, or from JOB_COMPLETION_INDEX with --shards', () => {
    const slurm = run([...BASE, '--out', 'slurm1'], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_COUNT: '2' });
    expectOk(slurm);
    // Said under --quiet too: an array task meant to make a whole corpus (a seed sweep) would silently make half.
    expect(slurm.stderr).toBe('countdown-traces: shard 1/2 from SLURM_ARRAY_TASK_ID/SLURM_ARRAY_TASK_COUNT: this run makes 1/2 of the corpus; --shard 0/1 makes the whole corpus in an array task\n');
    expectSameFolder('s1', 'slurm1');
    const k8s = run([...BASE, '--shards', '2', '--out', 'k8s0'], { JOB_COMPLETION_INDEX: '0' });
    expectOk(k8s);
    expect(k8s.stderr).toBe(''); // asked for with --shards: --quiet stays quiet
    expectSameFolder('s0', 'k8s0');
    expectUsageError(run([...BASE, '--shards', '2', '--out', 'nok']), /no shard index/);
    expectUsageError(run([...BASE, '--shard', '2/2', '--out', 'nok']), /outside 0\.\.1/);
    expectUsageError(run([...BASE, '--shard', '0/3', '--out', 'nok']), /at most 2 shards/);
    // I/N read as --shards reads its integer: a count past exact integers was taken, rounded, before.
    expectUsageError(run([...BASE, '--shard', '0/99999999999999999999', '--out', 'nok']), /^countdown-traces: --shard: 99999999999999999999 is too large$/m);
    expectUsageError(run([...BASE, '--shard', '0/0', '--out', 'nok']), /--shard: must be at least 1, got 0/);
    for (const bad of ['1', '/2', '0/', '0x0/2']) expectUsageError(run([...BASE, '--shard', bad, '--out', 'nok']), new RegExp(`--shard: expected INDEX/COUNT such as 0/8, got "${bad}"`));
    expectUsageError(run([...BASE, '--out', 'nok'], { SLURM_ARRAY_TASK_ID: '99999999999999999999', SLURM_ARRAY_TASK_COUNT: '2' }), /SLURM_ARRAY_TASK_ID: 99999999999999999999 is too large/);
    // A refused array task says its refusal alone (the shard's line came first), naming where a shard it refuses came from.
    // An array task that cannot tell the array's size made the whole corpus, as every task then would.
    expectUsageError(run([...BASE, '--out', 'nok'], { SLURM_ARRAY_TASK_ID: '1' }), /^countdown-traces: SLURM_ARRAY_TASK_ID is set and SLURM_ARRAY_TASK_COUNT is not .*: give --shards N for an array of N tasks, or --shard 0\/1 for the whole corpus in each$/);
    expect(existsSync(join(dir, 'nok'))).toBe(false);
    const three = { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '3' };
    expectUsageError(run([...BASE, '--out', 'nok'], three), /^countdown-traces: shard 0\/3 from SLURM_ARRAY_TASK_ID\/SLURM_ARRAY_TASK_COUNT: 1,100 records make 2 blocks of 1,000; use at most 2 shards$/);
    mkdirSync(p('slurm-mine'));
    writeFileSync(join(p('slurm-mine'), 'README.md'), 'mine');
    expectUsageError(run([...BASE, '--out', 'slurm-mine'], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }), /slurm-mine already holds README\.md, which is not a countdown-traces card/);
    expectUsageError(run([...BASE, '--out', 's0'], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }), /s0 already holds a finished corpus/);
    expectUsageError(run([...BASE, '--out', 's0', '--resume'], { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2' }), /^countdown-traces: s0 holds shard 0\/2, not 1\/2 \(from SLURM_ARRAY_TASK_ID\/SLURM_ARRAY_TASK_COUNT\); start over with --force$/);
  });

  it("merged corpora's manifests are true to their files; merge checks each shard file against its manifest, naming a changed one", () => {
    expectManifestTrue('merged');
    expectManifestTrue('gmerged');
    cpSync(p('s1'), p('bad1'), { recursive: true });
    const name = streamFiles('bad1', 'apr_sequences')[0]!.slice(p('bad1').length + 1);
    flipByte(join(p('bad1'), name), 500);
    expectUsageError(run(['merge', 's0', 'bad1', '--out', 'bad-merged', '--quiet']), new RegExp(`bad1/${escapeRe(name)} does not match its shard's manifest`));
    expect(existsSync(join(p('bad-merged'), 'manifest.json'))).toBe(false);
    // Found part way through (apr_sequences comes last): the splits merged before it are removed,
    // not left with final names for stats to read as a corpus, and the folder takes a merge again.
    expect(treeFiles(p('bad-merged'))).toEqual([]);
    expectOk(run(['merge', 's0', 's1', '--out', 'bad-merged', '--quiet']));
    expectSameFolder('base', 'bad-merged');
    // Beside a file of the user's (a merge without --force allows one), only merge's own go.
    mkdirSync(p('noted-merged'));
    writeFileSync(join(p('noted-merged'), 'notes.txt'), 'mine\n');
    expectUsageError(run(['merge', 's0', 'bad1', '--out', 'noted-merged', '--quiet']), /does not match its shard's manifest/);
    expect(treeFiles(p('noted-merged'))).toEqual(['notes.txt']);
    // A link at a config's name would send the data into another folder (another corpus, even): refused, that folder untouched.
    cpSync(p('s0'), p('linked-target'), { recursive: true });
    mkdirSync(p('linked-merged'));
    symlinkSync(join(p('linked-target'), 'sosp'), join(p('linked-merged'), 'sosp'));
    expectUsageError(run(['merge', 's0', 's1', '--out', 'linked-merged', '--quiet']), /linked-merged\/sosp is not a folder of this run \(a link or a file\)/);
    expectSameFolder('s0', 'linked-target');
    // Bytes appended after a file's last block are never read as a block: its size gives them away.
    cpSync(p('s1'), p('long1'), { recursive: true });
    const data = streamFiles('long1', 'sosp')[0]!;
    writeFileSync(data, readFileSync(data, 'utf8') + 'garbage\n');
    expectUsageError(run(['merge', 's0', 'long1', '--out', 'long-merged', '--quiet']), new RegExp(`long1/${escapeRe(data.slice(p('long1').length + 1))} does not match its shard's manifest`));
    // Every file its manifest lists is checked, the shard's card too (merge writes its own).
    cpSync(p('s1'), p('card1'), { recursive: true });
    writeFileSync(join(p('card1'), 'README.md'), readFileSync(join(p('card1'), 'README.md'), 'utf8') + '\nedited\n');
    expectUsageError(run(['merge', 's0', 'card1', '--out', 'card-merged', '--quiet']), /card1\/README\.md does not match its shard's manifest/);
    // A damaged shard manifest or blocks.json is one line naming it, not a stack trace.
    cpSync(p('s1'), p('nul1'), { recursive: true });
    writeFileSync(join(p('nul1'), 'manifest.json'), 'null');
    expectUsageError(run(['merge', 's0', 'nul1', '--out', 'nul-merged', '--quiet']), /nul1\/manifest\.json is not a countdown-traces manifest/);
    const m = JSON.parse(readFileSync(join(p('s1'), 'manifest.json'), 'utf8')) as { files: Array<{ name: string; bytes: number; sha256: string }> };
    writeFileSync(join(p('nul1'), 'blocks.json'), 'null');
    const blocks = m.files.find((f) => f.name === 'blocks.json')!;
    Object.assign(blocks, { bytes: 4, sha256: createHash('sha256').update('null').digest('hex') });
    writeFileSync(join(p('nul1'), 'manifest.json'), JSON.stringify(sealed(m))); // sealed again, as a run writes it
    expectUsageError(run(['merge', 's0', 'nul1', '--out', 'nul-merged', '--quiet']), /nul1\/blocks\.json is not \{"streams"/);
    // So is a damaged manifest of a finished corpus met by --resume; one that is not JSON cannot
    // be told from another program's, and is not the tool's to replace, even with --force.
    cpSync(p('base'), p('mfbad'), { recursive: true });
    writeFileSync(join(p('mfbad'), 'manifest.json'), '{"format": "countdown-traces corpus 4", "files": 3}');
    expectUsageError(run([...BASE, '--out', 'mfbad', '--resume']), /mfbad\/manifest\.json: .*; the corpus folder's manifest is damaged$/);
    writeFileSync(join(p('mfbad'), 'manifest.json'), '');
    for (const start of ['--resume', '--force']) {
      expectUsageError(run([...BASE, '--out', 'mfbad', start]), /mfbad\/?.*manifest\.json.* is not a .*countdown-traces .*move it away, or use another --out$/);
    }
    expect(readFileSync(join(p('mfbad'), 'manifest.json'), 'utf8')).toBe('');
  });

  it('merge --force replaces what an earlier run left in --out, and refuses a shard folder as --out', () => {
    expectOk(run(['corpus', '--count', '300', '--val-count', '0', '--seed', '1', '--solvers', 'dfs', '--quiet', '--out', 'remerged']));
    expectUsageError(run(['merge', 's0', 's1', '--out', 'remerged', '--quiet']), /already holds a finished corpus/);
    expectOk(run(['merge', 's0', 's1', '--out', 'remerged', '--force', '--quiet']));
    expectSameFolder('base', 'remerged');
    const before = treeFiles(p('s0'));
    expectUsageError(run(['merge', 's0', 's1', '--out', './s0/', '--force', '--quiet']), /--out \.\/s0\/ is the shard folder s0/);
    expect(treeFiles(p('s0'))).toEqual(before);
  });

  it("merge refuses another run's files in --out without --force, and leaves them", () => {
    mkdirSync(join(p('leftover'), 'apr'), { recursive: true });
    writeFileSync(join(p('leftover'), 'apr', 'train-00000-of-00001.jsonl'), '{"nums": [1, 2]}\n');
    expectUsageError(run(['merge', 's0', 's1', '--out', 'leftover', '--quiet']), /leftover already holds apr\/train-00000-of-00001\.jsonl from another run/);
    expect(readFileSync(join(p('leftover'), 'apr', 'train-00000-of-00001.jsonl'), 'utf8')).toBe('{"nums": [1, 2]}\n');
    expect(existsSync(join(p('leftover'), 'manifest.json'))).toBe(false);
  });

  it('merge refuses an incomplete set of shards', () => {
    expectUsageError(run(['merge', 's0', '--out', 'half', '--quiet']), /shard 1\/2 is missing/);
    expectUsageError(run(['merge', 'base', '--out', 'half', '--quiet']), /not a shard/);
  });

  it('merge refuses shards whose manifests are of another format, even when they agree with each other', () => {
    for (const s of ['s0', 's1']) {
      cpSync(p(s), p(`fmt-${s}`), { recursive: true });
      const path = join(p(`fmt-${s}`), 'manifest.json');
      writeFileSync(path, readFileSync(path, 'utf8').replace(/"countdown-traces corpus \d+"/, '"countdown-traces corpus 2"'));
    }
    expectUsageError(run(['merge', 'fmt-s0', 'fmt-s1', '--out', 'fmt-merged', '--quiet']), /fmt-s0: manifest format "countdown-traces corpus 2", from another version of countdown-traces/);
  });

  it('merge, stats and verify refuse a manifest whose options are not of its shape or not values a run records, naming the field (the same edit in every shard, resealed)', () => {
    // Before the options were read as typed: solvers "sosp" was a TypeError's stack (exit 1),
    // and max_file_size "big" or compress "zip" merged with exit 0.
    const edits: ReadonlyArray<[string, (o: Record<string, unknown>) => void, RegExp]> = [
      ['solvers', (o) => (o.solvers = 'sosp'), /"options\.solvers" "sosp" is not a list of solvers/],
      ['size', (o) => (o.max_file_size = 'big'), /"options\.max_file_size" "big" is not an integer of at least 0/],
      ['zip', (o) => (o.compress = 'zip'), /"options\.compress" "zip" is not one of none, gzip/],
      // A run-wide value no flag takes, or values no flags take together: each was read back as a count.
      ['count', (o) => (o.count = 0), /"options\.count" 0 is not an integer of at least 1/],
      ['numbers', (o) => ((o.problems as Record<string, unknown>).min_numbers = 9), /"options\.problems\.min_numbers" 9 is not an integer from 2 to 6/],
      ['order', (o) => ((o.problems as Record<string, unknown>).min_target = 1000), /"options\.problems" are not options of one run \(--min-target 1000 is larger than --max-target 100\)/],
      ['search', (o) => delete o.search, /"options\.search" missing is not an object/],
      // A value of the right kind that no flag takes: the old shape check let it through.
      ['subbeam', (o) => ((o.search as Record<string, Record<string, unknown>>).apr!.max_sub_beam = 20.5), /"options\.search\.apr\.max_sub_beam" 20\.5 is not an integer of at least 1/],
      // A solver's window that is not the run's: each was read as its own.
      ['window', (o) => ((o.search as Record<string, Record<string, unknown>>).sosp!.window = (o.window as number) + 1), /"options\.search\.\*\.window" \d+, \d+ are not of one run whose "options\.window" is \d+/],
    ];
    for (const [name, edit, fault] of edits) {
      for (const s of ['s0', 's1']) {
        cpSync(p(s), p(`opt-${name}-${s}`), { recursive: true });
        const path = join(p(`opt-${name}-${s}`), 'manifest.json');
        const m = JSON.parse(readFileSync(path, 'utf8'));
        edit(m.options);
        // Sealed again, as a hand that knew the rule would: the seal is a checksum.
        writeFileSync(path, JSON.stringify(sealed(m), null, 2) + '\n');
      }
      const damaged = new RegExp(`opt-${name}-s0/manifest\\.json: ${fault.source}.*manifest is damaged`);
      expectUsageError(run(['merge', `opt-${name}-s0`, `opt-${name}-s1`, '--out', `opt-${name}-merged`, '--quiet']), damaged);
      expect(existsSync(p(`opt-${name}-merged`))).toBe(false);
      expectUsageError(run(['stats', `opt-${name}-s0`]), damaged);
      expectUsageError(run(['verify', `opt-${name}-s0`]), damaged);
      expectUsageError(run(['report', `opt-${name}-s0`, '--out', `opt-${name}.html`]), damaged);
      expectUsageError(run([...BASE, '--shard', '0/2', '--out', `opt-${name}-s0`, '--resume']), damaged);
    }
  });

  it('a shard of an earlier manifest format is still read by stats, report and verify (its options untyped), and refused by merge and resume', () => {
    // Shard 1, the smaller: every command reads all of it.
    cpSync(p('s1'), p('older-s1'), { recursive: true });
    const path = join(p('older-s1'), 'manifest.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    // Format 2 listed every option for every solver: a shape this version does not type.
    writeFileSync(path, JSON.stringify({ ...m, format: 'countdown-traces corpus 2', options: { ...m.options, search: { sosp: { every: 'option', window: 4096 } } } }, null, 2) + '\n');
    for (const args of [['stats', 'older-s1'], ['verify', 'older-s1'], ['report', 'older-s1', '--out', 'older.html']]) expectOk(run(args));
    expectUsageError(run(['merge', 's0', 'older-s1', '--out', 'older-merged', '--quiet']), /older-s1: manifest format "countdown-traces corpus 2", from another version/);
    expectUsageError(run([...BASE, '--shard', '1/2', '--out', 'older-s1', '--resume']), /manifest\.json is of format "countdown-traces corpus 2", from another version of countdown-traces/);
  });

  it('merge refuses a shard whose stats.json has no decomposition figures (an older version), naming it', () => {
    cpSync(p('s0'), p('old0'), { recursive: true });
    const stats = JSON.parse(readFileSync(join(p('old0'), 'stats.json'), 'utf8'));
    delete stats.decomposition;
    const text = JSON.stringify(stats, null, 2) + '\n';
    writeFileSync(join(p('old0'), 'stats.json'), text);
    const manifest = JSON.parse(readFileSync(join(p('old0'), 'manifest.json'), 'utf8'));
    const entry = manifest.files.find((f: { name: string }) => f.name === 'stats.json');
    Object.assign(entry, { bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') });
    writeFileSync(join(p('old0'), 'manifest.json'), JSON.stringify(sealed(manifest), null, 2) + '\n');
    expectUsageError(run(['merge', 'old0', 's1', '--out', 'old-merged', '--quiet']), /old0\/stats\.json has no decomposition figures for sosp .*make that shard again/);
    // Refused before the output is touched: no data files copied for nothing.
    expect(existsSync(p('old-merged'))).toBe(false);
  });
});

describe('corpus: --force owns its folder', () => {
  it("--force removes every file of an earlier run (other solvers, a split's other files, .partial files, card, stats, checkpoint, manifest): the folder is the new run's, and stats reads only it", () => {
    expectOk(run(['corpus', '--count', '300', '--val-count', '0', '--seed', '1', '--solvers', 'dfs,sosp', '--max-file-size', '20KB', '--quiet', '--out', 'stale']));
    expect(streamFiles('stale', 'sosp').length).toBeGreaterThan(streamFiles('base', 'sosp').length);
    // Without --force a new run refuses such a folder, naming a file it holds, even of a config it would not write.
    cpSync(p('stale'), p('stale-data'), { recursive: true });
    for (const name of ['manifest.json', 'README.md', 'stats.json']) rmSync(join(p('stale-data'), name));
    expectUsageError(run([...BASE, '--out', 'stale-data']), /stale-data already holds dfs\/train-00000-of-\d+\.jsonl from another run/);
    // What an interrupted run would have left beside it.
    mkdirSync(join(p('stale'), 'apr_sequences'));
    writeFileSync(join(p('stale'), 'apr_sequences', 'train-00007.jsonl.gz.partial'), gzipSync('{"text": "Current State: 1:[1]').subarray(0, 30));
    writeFileSync(join(p('stale'), 'sosp', 'train-00042.jsonl.partial'), '{"nums": [');
    writeFileSync(join(p('stale'), 'stats.json.partial'), '{');
    writeFileSync(join(p('stale'), '.corpus-checkpoint.json'), sealedCheckpoint({ format: 6, options: {}, shard: { index: 0, count: 1 }, stages: {} } as unknown as Parameters<typeof sealedCheckpoint>[0]));
    expectOk(run([...BASE, '--out', 'stale', '--force']));
    expectSameFolder('base', 'stale');
    const stats = (folder: string) => run(['stats', folder, '--label', 'corpus']);
    expectOk(stats('stale'));
    expect(stats('stale').stdout).toBe(stats('base').stdout);
  });

  it('--force refuses a folder holding anything else (a file, a folder, a README.md that is not its card), naming it, before removing anything', () => {
    cpSync(p('base'), p('mine'), { recursive: true });
    const before = treeFiles(p('mine'));
    for (const [what, make, undo] of [
      ['apr/notes.txt', () => writeFileSync(join(p('mine'), 'apr', 'notes.txt'), 'mine'), () => rmSync(join(p('mine'), 'apr', 'notes.txt'))],
      ['logs', () => mkdirSync(join(p('mine'), 'logs')), () => rmSync(join(p('mine'), 'logs'), { recursive: true })],
      ['README.md', () => writeFileSync(join(p('mine'), 'README.md'), 'my notes'), () => cpSync(join(p('base'), 'README.md'), join(p('mine'), 'README.md'))],
    ] as const) {
      make();
      const now = treeFiles(p('mine'));
      expectUsageError(run([...BASE, '--out', 'mine', '--force']), new RegExp(`--force: mine/${escapeRe(what)} is not a file of a countdown-traces corpus.*move it away, or use another --out`));
      expect(treeFiles(p('mine'))).toEqual(now);
      undo();
    }
    expect(treeFiles(p('mine'))).toEqual(before);
  });

  it("a file of the user's at a name a run writes (stats.json, blocks.json, the checkpoint, a top .partial, a data file) is told from a run's by its content: a new run, --force and merge --force refuse it, naming it, and leave it", () => {
    const TINY = ['corpus', '--count', '1200', '--val-count', '5', '--solvers', 'sosp', '--quiet'];
    for (const k of [0, 1]) expectOk(run([...TINY, '--shard', `${k}/2`, '--out', `own-s${k}`]));
    const users: ReadonlyArray<readonly [string, string | Buffer]> = [
      ['stats.json', '{"accuracy": 0.9}\n'],
      ['blocks.json', '[1, 2, 3]\n'],
      ['.corpus-checkpoint.json', '{"step": 100}\n'],
      ['.corpus.lock', 'held by my own script\n'],
      ['stats.json.partial', 'my draft\n'],
      ['manifest.json.partial', '{"name": "mine"}\n'],
      ['problems/train-00000-of-00001.jsonl', '{"question": "2+2", "answer": 4}\n'],
      ['sosp/train-00000.jsonl.partial', 'my notes\n'],
      ['sosp_sequences/train-00000-of-00001.jsonl.gz', gzipSync('{"prompt": "mine"}\n')],
    ];
    for (const [k, [name, text]] of users.entries()) {
      const folder = `users-${k}`;
      mkdirSync(dirname(join(p(folder), name)), { recursive: true });
      writeFileSync(join(p(folder), name), text);
      const at = new RegExp(`${folder}/?.*${escapeRe(name)}`);
      for (const args of [[...BASE, '--out', folder], [...BASE, '--out', folder, '--force'], ['merge', 'own-s0', 'own-s1', '--out', folder, '--force', '--quiet']]) {
        const r = run(args);
        expectUsageError(r, at);
        expect(r.stderr, args.join(' ')).not.toMatch(/from another run/);
        expect(r.stderr, args.join(' ')).toMatch(/move it away/);
        expect(readFileSync(join(p(folder), name))).toEqual(Buffer.from(text));
      }
    }
  });

  it("every file a run writes, plain or gzip, whole or cut short as a stopped write leaves it, is told to be the tool's by its content", () => {
    expectOk(run(['corpus', '--count', '200', '--val-count', '5', '--solvers', 'sosp,apr,dfs,bfs', '--compress', 'gzip', '--max-file-size', '100KB', '--quiet', '--out', 'own-gz']));
    mkdirSync(p('own-cuts'));
    for (const folder of ['base', 'own-s0', 'own-gz']) {
      for (const name of treeFiles(p(folder))) {
        expect(notOwn(p(folder), name), `${folder}/${name}`).toBeUndefined();
        const bytes = readFileSync(join(p(folder), name));
        // A top file cut short is its .partial; a data file is written in place.
        const cut = name.includes('/') ? name : `${name}.partial`;
        mkdirSync(dirname(join(p('own-cuts'), cut)), { recursive: true });
        for (const at of [0, 1, 5, 12, 40, 300, 2000, bytes.length >> 1, bytes.length]) {
          writeFileSync(join(p('own-cuts'), cut), bytes.subarray(0, at));
          expect(notOwn(p('own-cuts'), cut), `${folder}/${cut} cut at ${at}`).toBeUndefined();
        }
      }
    }
  });

  it('--force still clears what earlier versions left: a checkpoint of an older format, a stats.json without the decomposition figures, blocks.json, .partial files cut short', () => {
    cpSync(p('base'), p('older'), { recursive: true });
    rmSync(join(p('older'), 'manifest.json'));
    const stats = JSON.parse(readFileSync(join(p('older'), 'stats.json'), 'utf8')) as Record<string, unknown>;
    delete stats.decomposition;
    writeFileSync(join(p('older'), 'stats.json'), JSON.stringify(stats, null, 2) + '\n');
    // Format 1's fields: no seal, no versions.
    writeFileSync(join(p('older'), '.corpus-checkpoint.json'), JSON.stringify({ format: 1, options: { count: 1 }, shard: { index: 0, count: 1 }, stages: {} }) + '\n');
    writeFileSync(join(p('older'), 'blocks.json'), JSON.stringify({ format: 1, streams: { 'problems/train': [[10, 1]] } }) + '\n');
    writeFileSync(join(p('older'), 'manifest.json.partial'), '{\n  "format": "countdown-t');
    writeFileSync(join(p('older'), '.corpus-checkpoint.json.partial'), '');
    writeFileSync(join(p('older'), 'README.md.partial'), readFileSync(join(p('base'), 'README.md')).subarray(0, 10));
    writeFileSync(join(p('older'), 'sosp', 'train-00009.jsonl.partial'), '{"nums": [1, 2');
    writeFileSync(join(p('older'), 'apr_sequences', 'train-00009.jsonl.gz.partial'), gzipSync('{"text": "Current State').subarray(0, 20));
    expectUsageError(run([...BASE, '--out', 'older']), /^countdown-traces: older\/\.corpus-checkpoint\.json is from another version of countdown-traces; start over with --force$/);
    expectOk(run([...BASE, '--out', 'older', '--force']));
    expectSameFolder('base', 'older');
  });
});

describe('corpus: errors are one line', () => {
  it('an output folder that cannot be created', () => {
    writeFileSync(p('a-file'), 'x');
    expectUsageError(run([...BASE, '--out', 'a-file/corpus']), /cannot write a-file\/corpus: a parent is not a folder/);
  });

  it('--out - (a corpus is a folder), and --resume with --force', () => {
    expectUsageError(run([...BASE, '--out', '-']), /--out -/);
    expectUsageError(run([...BASE, '--out', 'x', '--resume', '--force']), /exclude each other/);
  });

  it('a --max-file-size that is not a size', () => {
    for (const bad of ['5XB', '-1MB', 'big', '']) expectUsageError(run([...BASE.slice(0, -2), '--max-file-size', bad, '--out', 'nok']), /--max-file-size: expected a size such as 500MB/);
    expectUsageError(run([...BASE.slice(0, -2), '--max-file-size', '0.5', '--out', 'nok']), /--max-file-size: 0.5 is less than one byte \(0 means no bound\)/);
    expect(existsSync(p('nok'))).toBe(false);
  });

  it('a README.md in a new run\'s folder is not overwritten', () => {
    mkdirSync(p('own'));
    writeFileSync(join(p('own'), 'README.md'), 'my notes');
    expectUsageError(run([...BASE, '--out', 'own']), /already holds README\.md, which is not a countdown-traces card, at a path a run writes; move it away/);
    expectUsageError(run([...BASE, '--out', 'own', '--force']), /README\.md is not a file of a countdown-traces corpus/);
    // Another run's files beside a file of the user's: --force would refuse the folder too.
    mkdirSync(p('mixed-left'));
    cpSync(join(p('base'), 'stats.json'), join(p('mixed-left'), 'stats.json'));
    writeFileSync(join(p('mixed-left'), 'notes.txt'), 'mine');
    expectUsageError(run([...BASE, '--out', 'mixed-left']), /already holds stats\.json from another run, and notes\.txt, which --force would not remove; use another --out/);
    expect(readFileSync(join(p('own'), 'README.md'), 'utf8')).toBe('my notes');
  });

  it("a user's file or link at a path a run writes is refused by a new run, a resume and a merge, and --force removes none", () => {
    // A link at a top file's name: a run would have replaced the link with its own file.
    mkdirSync(p('linked'));
    writeFileSync(p('precious.md'), 'mine');
    symlinkSync(p('precious.md'), join(p('linked'), 'README.md'));
    symlinkSync(p('nowhere'), join(p('linked'), 'stats.json'));
    expectUsageError(run([...BASE, '--out', 'linked']), /linked already holds README\.md, a link, at a path a run writes; move it away/);
    expectUsageError(run([...BASE, '--out', 'linked', '--force']), /linked\/README\.md \(and 1 more\) is not a file of a countdown-traces corpus/);
    expect(lstatSync(join(p('linked'), 'README.md')).isSymbolicLink()).toBe(true);
    // Another program's manifest.json: not "a finished corpus", and not the tool's to remove.
    mkdirSync(p('foreign'));
    writeFileSync(join(p('foreign'), 'manifest.json'), '{"mine": 1}');
    expectUsageError(run([...BASE, '--out', 'foreign']), /foreign already holds manifest\.json, which is not a countdown-traces manifest, at a path a run writes/);
    expectUsageError(run([...BASE, '--out', 'foreign', '--force']), /manifest\.json is not a file of a countdown-traces corpus/);
    const TINY = ['corpus', '--count', '1200', '--val-count', '5', '--solvers', 'sosp', '--quiet'];
    for (const k of [0, 1]) expectOk(run([...TINY, '--shard', `${k}/2`, '--out', `tiny${k}`]));
    expectUsageError(run(['merge', 'tiny0', 'tiny1', '--out', 'foreign', '--quiet']), /foreign already holds manifest\.json, which is not a countdown-traces manifest/);
    expect(readFileSync(join(p('foreign'), 'manifest.json'), 'utf8')).toBe('{"mine": 1}');
    // The tool's own manifest, its keys reordered (the format no longer first), is the tool's by the
    // rule every reader takes: --force clears it, as before.
    cpSync(p('base'), p('resorted'), { recursive: true });
    const m = JSON.parse(readFileSync(join(p('resorted'), 'manifest.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(p('resorted'), 'manifest.json'), JSON.stringify(Object.fromEntries(Object.entries(m).sort(([a], [b]) => (a < b ? 1 : -1)))));
    expectOk(run([...BASE, '--out', 'resorted', '--force']));
    expectSameFolder('base', 'resorted');
    // A resume wrote its card over a README.md put in the folder of a stopped run.
    expect(runKilledAt('checkpoint:1', [...BASE, '--checkpoint-interval', '0', '--out', 'stopped']).signal).toBe('SIGKILL');
    writeFileSync(join(p('stopped'), 'README.md'), 'my notes');
    expectUsageError(run([...BASE, '--out', 'stopped', '--resume']), /stopped already holds README\.md, which is not a countdown-traces card/);
    expect(readFileSync(join(p('stopped'), 'README.md'), 'utf8')).toBe('my notes');
  });

  it("a folder, link or pipe at a data file's name in a config folder is refused before any work, naming it, by a new run, a resume and a merge (a new run found it at its last rename)", () => {
    const RUN = ['corpus', '--count', '60', '--val-count', '0', '--solvers', 'sosp', '--quiet'];
    const inTheWay = (folder: string, name: string) => new RegExp(`^countdown-traces: ${folder}/${escapeRe(name)} is not a regular file but a folder, pipe or device \\(move it away\\)$`);
    for (const name of ['sosp/train-00000-of-00001.jsonl', 'sosp_sequences/train-00000.jsonl.partial', 'problems/train-00000-of-00003.jsonl']) {
      const folder = `in-the-way-${name.split('/')[0]}`;
      mkdirSync(join(p(folder), name), { recursive: true });
      expectUsageError(run([...RUN, '--out', folder]), inTheWay(folder, name));
      // Refused before a byte is written: no checkpoint, no data file.
      expect(treeFiles(p(folder)), name).toEqual([]);
      expectUsageError(run(['merge', 'tiny0', 'tiny1', '--out', folder, '--quiet']), inTheWay(folder, name));
      expect(treeFiles(p(folder)), name).toEqual([]);
    }
    // A link there: the run would write through it, or replace it.
    mkdirSync(join(p('linked-data'), 'sosp'), { recursive: true });
    symlinkSync(p('precious.md'), join(p('linked-data'), 'sosp', 'train-00000-of-00001.jsonl'));
    expectUsageError(run([...RUN, '--out', 'linked-data']), /^countdown-traces: linked-data already holds sosp\/train-00000-of-00001\.jsonl, a link, at a path a run writes; move it away, or use another --out$/);
    expect(readFileSync(p('precious.md'), 'utf8')).toBe('mine');
    // Resuming: one at a name the run gives a file later, in a stage the checkpoint lists no file of yet.
    const k = runKilledAt('opened:sosp/train', [...RUN, '--checkpoint-interval', '0', '--workers', '0', '--out', 'in-the-way-resume']);
    expect(k.signal, k.stderr).toBe('SIGKILL');
    const held = treeFiles(p('in-the-way-resume')).filter((n) => n !== '.corpus.lock');
    mkdirSync(join(p('in-the-way-resume'), 'sosp_sequences', 'train-00000-of-00001.jsonl'), { recursive: true });
    expectUsageError(run([...RUN, '--out', 'in-the-way-resume', '--resume']), inTheWay('in-the-way-resume', 'sosp_sequences/train-00000-of-00001.jsonl'));
    expect(treeFiles(p('in-the-way-resume')).filter((n) => n !== '.corpus.lock')).toEqual(held);
    rmSync(join(p('in-the-way-resume'), 'sosp_sequences', 'train-00000-of-00001.jsonl'), { recursive: true });
    expectOk(run([...RUN, '--out', 'in-the-way-resume', '--resume']));
  });
});
