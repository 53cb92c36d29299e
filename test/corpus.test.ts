import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { problemKey } from '../src/core/countdown.js';
import { splitOf } from '../src/solver/problems.js';
import { repoRoot } from './helpers.js';

/**
 * The corpus command end to end, through the built CLI in child processes: identical bytes
 * for any worker count and batch size, kill -9 and SIGTERM then --resume, shards and merge,
 * manifest and stats. Small corpora (1,500 records: two shard blocks, 15 search blocks).
 */

vi.setConfig({ testTimeout: 150_000 });

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
let dir: string;

/** The options of every run compared with the base corpus. */
const BASE = ['corpus', '--count', '1500', '--val-count', '100', '--seed', '5', '--quiet'];

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}): Ran {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, ...cleanEnv(), ...env } });
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
      stages: Record<string, { records: number; done: boolean }>;
    };
  } catch {
    return undefined;
  }
};

/** Every file of two folders, byte for byte (names included). */
function expectSameFolder(a: string, b: string): void {
  const names = readdirSync(p(a)).sort();
  expect(readdirSync(p(b)).sort()).toEqual(names);
  for (const n of names) {
    const same = readFileSync(join(p(a), n)).equals(readFileSync(join(p(b), n)));
    if (!same) throw new Error(`${b}/${n} differs from ${a}/${n}`);
  }
}

function expectOk(r: Ran): void {
  if (r.code !== 0) throw new Error(`exit ${r.code} ${r.signal ?? ''}: ${r.stderr}`);
}

/** A one-line usage error, exit code 2. */
function expectUsageError(r: Ran, mention: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^countdown-traces: /);
  expect(lines[0]).toMatch(mention);
}

const jsonl = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'ct-corpus-'));
  // The base corpus every other run is compared with: two workers, default batches.
  expectOk(run([...BASE, '--workers', '2', '--out', 'base']));
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('corpus: the folder', () => {
  it('holds the problems, records, sequences, stats.json and manifest.json, and nothing else', () => {
    expect(readdirSync(p('base')).sort()).toEqual([
      'apr.jsonl',
      'apr.sequences.jsonl',
      'manifest.json',
      'sosp.jsonl',
      'sosp.sequences.jsonl',
      'stats.json',
      'train.jsonl',
      'val.jsonl',
    ]);
  });

  it('manifest: every file with its records, bytes and SHA-256, the options and the versions', () => {
    const m = JSON.parse(readFileSync(join(p('base'), 'manifest.json'), 'utf8')) as {
      options: Record<string, unknown>;
      tool: { version: string };
      dependencies: Record<string, string>;
      files: Array<{ name: string; records: number; bytes: number; sha256: string }>;
      shard?: unknown;
    };
    expect(m.options.count).toBe(1500);
    expect(m.options.val_count).toBe(100);
    expect(m.options.solvers).toEqual(['sosp', 'apr']);
    expect(m.options.window).toBe(4096);
    expect((m.options.search as Record<string, { window: number }>).apr!.window).toBe(4096);
    expect(m.tool.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(m.dependencies.piscina).toBe('5.3.2');
    expect(m.shard).toBeUndefined();
    expect(m.files.map((f) => f.name)).toEqual([
      'train.jsonl',
      'val.jsonl',
      'sosp.jsonl',
      'sosp.sequences.jsonl',
      'apr.jsonl',
      'apr.sequences.jsonl',
      'stats.json',
    ]);
    for (const f of m.files) {
      const bytes = readFileSync(join(p('base'), f.name));
      expect(bytes.length).toBe(f.bytes);
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(f.sha256);
      if (f.name.endsWith('.jsonl')) expect(bytes.toString().split('\n').length - 1).toBe(f.records);
    }
    // Written last: no file of the corpus is newer than the manifest.
    const mt = statSync(join(p('base'), 'manifest.json')).mtimeMs;
    for (const f of m.files) expect(statSync(join(p('base'), f.name)).mtimeMs).toBeLessThanOrEqual(mt);
  });

  it('train and val: distinct problems, each of its split, disjoint; records in order and starting with the problem', () => {
    const train = jsonl(join(p('base'), 'train.jsonl'));
    const val = jsonl(join(p('base'), 'val.jsonl'));
    expect(train).toHaveLength(1500);
    expect(val).toHaveLength(100);
    const tk = train.map((r) => problemKey(r.nums as number[], r.target as number));
    const vk = val.map((r) => problemKey(r.nums as number[], r.target as number));
    expect(new Set(tk).size).toBe(1500);
    expect(new Set(vk).size).toBe(100);
    expect(tk.filter((k) => vk.includes(k))).toEqual([]);
    expect(train.every((r) => splitOf(r.nums as number[], r.target as number) === 'train')).toBe(true);
    expect(val.every((r) => splitOf(r.nums as number[], r.target as number) === 'val')).toBe(true);
    // The same problems the `problems` command draws (records 0..n-1 of the default stream).
    expectOk(run(['problems', '--count', '1500', '--seed', '5', '--out', 'train-problems.jsonl']));
    expect(readFileSync(join(p('base'), 'train.jsonl'))).toEqual(readFileSync(p('train-problems.jsonl')));
    for (const solver of ['sosp', 'apr']) {
      const recs = jsonl(join(p('base'), `${solver}.jsonl`));
      expect(recs).toHaveLength(1500);
      recs.forEach((r, i) => {
        expect(r.nums).toEqual(train[i]!.nums);
        expect(r.target).toBe(train[i]!.target);
        expect(String(r.search_type)).toMatch(new RegExp(`^${solver}_`));
      });
    }
  });

  it('sequences: {text, record, thread, tokens} in record order, the search path among them', () => {
    for (const solver of ['sosp', 'apr']) {
      const seqs = jsonl(join(p('base'), `${solver}.sequences.jsonl`));
      const recs = jsonl(join(p('base'), `${solver}.jsonl`));
      expect(Object.keys(seqs[0]!)).toEqual(['text', 'record', 'thread', 'tokens']);
      let last = 0;
      for (const s of seqs) {
        expect(s.record as number).toBeGreaterThanOrEqual(last);
        last = s.record as number;
        expect(s.tokens as number).toBeGreaterThan(2);
      }
      expect(new Set(seqs.map((s) => s.record)).size).toBe(1500);
      // Every record's search_path is one of its sequences (the root thread's last).
      const byRecord = new Map<number, string[]>();
      for (const s of seqs) byRecord.set(s.record as number, [...(byRecord.get(s.record as number) ?? []), s.text as string]);
      recs.slice(0, 50).forEach((r, i) => expect(byRecord.get(i)).toContain(r.search_path));
    }
  });

  it('stats.json: counts, solve rates by start size, token percentiles per kind, child threads, overflows, decomposition', () => {
    const s = JSON.parse(readFileSync(join(p('base'), 'stats.json'), 'utf8'));
    expect(s.records).toEqual({ train: 1500, val: 100, sosp: 1500, apr: 1500 });
    const seqLines = (f: string) => readFileSync(join(p('base'), f), 'utf8').split('\n').length - 1;
    expect(s.sequences).toEqual({ sosp: seqLines('sosp.sequences.jsonl'), apr: seqLines('apr.sequences.jsonl') });
    expect(s.problems.train.by_start_size).toEqual({ 4: 1500 });
    for (const solver of ['sosp', 'apr']) {
      const recs = jsonl(join(p('base'), `${solver}.jsonl`));
      const solved = recs.filter((r) => (r.rating as number) > 0).length;
      expect(s.solve_rate[solver].records).toBe(1500);
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
    const over = (f: string) => jsonl(join(p('base'), f)).filter((q) => (q.tokens as number) > 4096).length;
    expect(s.tokens.sosp.window_overflows).toBe(over('sosp.sequences.jsonl'));
    expect(s.tokens.apr.window_overflows).toBe(over('apr.sequences.jsonl'));
    expect(s.window_overflows).toBe(s.tokens.sosp.window_overflows + s.tokens.apr.window_overflows);
    // The window guarantee (default --window 4096): nothing overflows.
    expect(s.window_overflows).toBe(0);
    expect(s.tokens.apr.max).toBeLessThanOrEqual(4096);
    expect(s.child_threads_per_root.apr.max).toBeGreaterThan(1);
    const hist = s.child_threads_per_root.apr.histogram as Record<string, number>;
    expect(Object.values(hist).reduce((a, b) => a + b, 0)).toBe(1500);
    // The decomposition: the records' own figures, summed per start size (merge keeps them: see shards).
    for (const solver of ['sosp', 'apr']) {
      const recs = jsonl(join(p('base'), `${solver}.jsonl`));
      const sum = (k: string) => recs.reduce((n, r) => n + (r[k] as number), 0);
      const depths: Record<string, number> = {};
      for (const r of recs) depths[String(r.thread_depth)] = (depths[String(r.thread_depth)] ?? 0) + 1;
      const d = s.decomposition[solver];
      expect(d.by_start_size['4']).toEqual(d.all);
      expect(d.all).toMatchObject({
        records: 1500,
        solved: s.solve_rate[solver].solved,
        threads: sum('thread_count'),
        sequences: s.sequences[solver],
        text_tokens: sum('text_token_count'),
        sequential_tokens: sum('sequential_token_count'),
        depth: depths,
      });
      expect(d.all.per_problem.text_tokens).toBeCloseTo(sum('text_token_count') / 1500, 2);
      expect(d.all.sequence_tokens).toEqual(s.tokens[solver]);
    }
    expect(s.decomposition.apr.all.per_problem.threads).toBeGreaterThan(1);
  });
});

describe('corpus: options pass through to the record maker', () => {
  it('window, depth, conditioning and fit: the same records and sequences as the search command', () => {
    const opts = ['--seed', '9', '--window', '2048', '--max-depth', '2'];
    expectOk(
      run(['corpus', '--count', '300', '--val-count', '0', '--solvers', 'apr,sosp', ...opts, '--condition', 'token-budget,sub-call-budget', '--fit', 'resample', '--quiet', '--out', 'opts']),
    );
    expect(readdirSync(p('opts')).sort()).toEqual(['apr.jsonl', 'apr.sequences.jsonl', 'manifest.json', 'sosp.jsonl', 'sosp.sequences.jsonl', 'stats.json', 'train.jsonl']);
    const m = JSON.parse(readFileSync(join(p('opts'), 'manifest.json'), 'utf8'));
    expect(m.options.solvers).toEqual(['apr', 'sosp']);
    expect(m.options.search.apr).toMatchObject({ window: 2048, condition: 'sub-call-budget', fit: 'stop', max_spawn_level: 1 });
    expect(m.options.search.sosp).toMatchObject({ window: 2048, condition: 'token-budget', fit: 'resample' });
    const train = join('opts', 'train.jsonl');
    for (const [solver, extra] of [
      ['apr', ['--condition', 'sub-call-budget']],
      ['sosp', ['--condition', 'token-budget', '--fit', 'resample']],
    ] as const) {
      const r = run(['search', solver, '--problems', train, ...opts, ...extra, '--out', `${solver}-search.jsonl`, '--sequences-out', `${solver}-search.sequences.jsonl`]);
      expectOk(r);
      expect(readFileSync(join(p('opts'), `${solver}.jsonl`)).equals(readFileSync(p(`${solver}-search.jsonl`)))).toBe(true);
      expect(readFileSync(join(p('opts'), `${solver}.sequences.jsonl`)).equals(readFileSync(p(`${solver}-search.sequences.jsonl`)))).toBe(true);
    }
    const seqs = jsonl(join(p('opts'), 'sosp.sequences.jsonl'));
    expect(seqs.every((q) => (q.text as string).startsWith('Token Budget: ') && (q.tokens as number) <= 2048)).toBe(true);
    const apr = jsonl(join(p('opts'), 'apr.sequences.jsonl'));
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

  it('gzip: one member per block, the same for any workers and batches, decompressing to the plain files', () => {
    expectOk(run([...BASE, '--compress', 'gzip', '--workers', '2', '--batch-size', '5', '--out', 'gz']));
    expectOk(run([...BASE, '--compress', 'gzip', '--workers', '1', '--batch-size', '64', '--out', 'gz1']));
    expectSameFolder('gz', 'gz1');
    for (const n of ['train', 'val', 'sosp', 'sosp.sequences', 'apr', 'apr.sequences']) {
      const plain = readFileSync(join(p('base'), `${n}.jsonl`));
      expect(gunzipSync(readFileSync(join(p('gz'), `${n}.jsonl.gz`))).equals(plain)).toBe(true);
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

  it('kill -9 at exact points (mid-train, mid-block, between renames and checkpoint, before the manifest), then --resume: the base bytes', () => {
    const points = ['checkpoint:1', 'record:sosp:250', 'finish:sosp', 'record:apr:777', 'finish:apr', 'manifest'];
    let first = true;
    for (const point of points) {
      const r = run([...BASE, ...FAST, '--out', 'killed', ...(first ? [] : ['--resume'])], { COUNTDOWN_TRACES_TEST_KILL: point });
      expect(r.signal, `${point}: ${r.stderr}`).toBe('SIGKILL');
      expect(existsSync(join(p('killed'), 'manifest.json'))).toBe(false);
      first = false;
    }
    // Without --resume the unfinished folder is refused, not overwritten.
    expectUsageError(run([...BASE, '--out', 'killed']), /unfinished run.*--resume/);
    expectOk(run([...BASE, '--out', 'killed', '--resume']));
    expectSameFolder('base', 'killed');
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

  it('gzip: kill -9 mid-block, then --resume: the same bytes as an uninterrupted gzip run', () => {
    const r = run([...BASE, ...FAST, '--compress', 'gzip', '--out', 'gzk'], { COUNTDOWN_TRACES_TEST_KILL: 'record:apr:555' });
    expect(r.signal).toBe('SIGKILL');
    expectOk(run([...BASE, '--compress', 'gzip', '--workers', '1', '--out', 'gzk', '--resume']));
    expectSameFolder('gz', 'gzk');
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
    expect(r.stderr).toMatch(/Resume with:\n\s+countdown-traces corpus .*--out term.*--resume/);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(p('term'), 'manifest.json'))).toBe(false);
    expect(readdirSync(p('term')).some((f) => f.endsWith('.partial'))).toBe(true);
    expect(existsSync(join(p('term'), '.corpus.lock'))).toBe(false);
    expectOk(run([...BASE, '--out', 'term', '--resume']));
    expectSameFolder('base', 'term');
  });

  it('refuses to resume with other options, and to overwrite a finished corpus; --resume on it is a no-op', () => {
    const r = run(['corpus', '--count', '1500', '--val-count', '100', '--seed', '6', '--quiet', '--out', 'base', '--resume']);
    expectUsageError(r, /other options \(seed: 5, here 6\)/);
    expectUsageError(run([...BASE, '--out', 'base']), /already holds a finished corpus/);
    expectOk(run([...BASE, '--out', 'base', '--resume']));
    expectSameFolder('base', 'w1');
  });
});

describe('corpus: shards and merge', () => {
  it('--shard 0/2 and 1/2, merged, are the base corpus byte for byte, manifest included', () => {
    expectOk(run([...BASE, '--shard', '0/2', '--out', 's0']));
    expectOk(run([...BASE, '--shard', '1/2', '--out', 's1']));
    const m1 = JSON.parse(readFileSync(join(p('s1'), 'manifest.json'), 'utf8'));
    expect(m1.shard).toEqual({ index: 1, count: 2, first_record: 1000, records: 500 });
    expect(existsSync(join(p('s1'), 'val.jsonl'))).toBe(false);
    // Any order of the shard folders.
    expectOk(run(['merge', 's1', 's0', '--out', 'merged', '--quiet']));
    expectSameFolder('base', 'merged');
  });

  it('takes the shard from SLURM_ARRAY_TASK_ID/COUNT, or from JOB_COMPLETION_INDEX with --shards', () => {
    expectOk(run([...BASE, '--out', 'slurm1'], { SLURM_ARRAY_TASK_ID: '3', SLURM_ARRAY_TASK_MIN: '2', SLURM_ARRAY_TASK_COUNT: '2' }));
    expectSameFolder('s1', 'slurm1');
    expectOk(run([...BASE, '--shards', '2', '--out', 'k8s0'], { JOB_COMPLETION_INDEX: '0' }));
    expectSameFolder('s0', 'k8s0');
    expectUsageError(run([...BASE, '--shards', '2', '--out', 'nok']), /no shard index/);
    expectUsageError(run([...BASE, '--shard', '2/2', '--out', 'nok']), /outside 0\.\.1/);
    expectUsageError(run([...BASE, '--shard', '0/3', '--out', 'nok']), /at most 2 shards/);
  });

  it('merge refuses an incomplete set of shards', () => {
    expectUsageError(run(['merge', 's0', '--out', 'half', '--quiet']), /shard 1\/2 is missing/);
    expectUsageError(run(['merge', 'base', '--out', 'half', '--quiet']), /not a shard/);
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
    writeFileSync(join(p('old0'), 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    expectUsageError(run(['merge', 'old0', 's1', '--out', 'old-merged', '--quiet']), /old0\/stats\.json has no decomposition figures for sosp .*make that shard again/);
    expect(existsSync(join(p('old-merged'), 'manifest.json'))).toBe(false);
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
});
