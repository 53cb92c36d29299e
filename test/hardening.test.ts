import { spawn, spawnSync } from 'node:child_process';
import { closeSync, constants, existsSync, linkSync, lstatSync, lutimesSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeSearch, type RecordMaker } from '../src/pipeline/make-record.js';
import { makeSearchOrExplain } from '../src/pipeline/search-job.js';
import { UNSEEN_EVIDENCE, unsolvedNote } from '../src/pipeline/settings.js';
import { LINE_LIMIT } from '../src/records/lines.js';
import { inFolder, mkdirp, removeEmptyMadeFolders } from '../src/pipeline/mkdirp.js';
import { writePage } from '../src/report/page-text.js';
import { RecordSink } from '../src/pipeline/sink.js';
import { recordFilesIn } from '../src/records/files.js';
import { readRecordsTolerant, type ReadIssue } from '../src/records/read.js';
import { describeRecord } from '../src/serializers/record-view.js';
import { countTextTokens } from '../src/tokens/llama.js';
import { tokenBudgetBin } from '../src/serializers/conditioning.js';
import { streamFor } from '../src/random/streams.js';
import { verifyRecord } from '../src/verify/index.js';
import { splitOf, type Problem } from '../src/solver/problems.js';
import { goldenPath, repoRoot, testSettings } from './helpers.js';

/**
 * Issue 13 (hardening), through the built CLI: no input destroyed, no silent wrong output,
 * every fault one line and exit code 2.
 */

const cli = join(repoRoot, 'dist', 'cli', 'main.js');
let dir: string;

/** Runs the CLI; `stdin`: a file to open as its standard input. */
function run(args: string[], stdin?: string) {
  const fd = stdin === undefined ? 'pipe' : openSync(p(stdin), 'r');
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, timeout: 45_000, stdio: [fd, 'pipe', 'pipe'] });
  if (typeof fd === 'number') closeSync(fd);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const p = (name: string) => join(dir, name);
const text = (name: string) => readFileSync(p(name), 'utf8');

/** A refused command: exit 2, exactly one line on stderr, no temporary file left. */
function expectRefused(r: ReturnType<typeof run>, mention: RegExp): void {
  expect(r.code).toBe(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^countdown-traces: /);
  expect(lines[0]).toMatch(mention);
  expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
}

const golden42 = () => goldenPath('problems_s42_n200_k4_t100.jsonl');

beforeAll(() => {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
  dir = mkdtempSync(join(tmpdir(), 'ct-hard-'));
  writeFileSync(p('in.jsonl'), readFileSync(golden42(), 'utf8').split('\n').slice(0, 20).join('\n') + '\n');
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('nothing destroys an input', () => {
  beforeAll(() => {
    symlinkSync('in.jsonl', p('link.jsonl'));
    linkSync(p('in.jsonl'), p('hard.jsonl'));
    mkdirSync(p('shard'));
  });

  it.each([
    [['search', 'sosp', '--problems', 'in.jsonl', '--out', 'in.jsonl'], /--out in.jsonl is --problems in.jsonl/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', './in.jsonl'], /--out .\/in.jsonl is --problems in.jsonl/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', 'link.jsonl'], /--out link.jsonl is --problems/],
    [['search', 'apr', '--problems', 'link.jsonl', '--sequences-out', 'hard.jsonl', '--out', 'o.jsonl'], /--sequences-out hard.jsonl is --problems/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', 'x.jsonl', '--sequences-out', 'x.jsonl'], /--sequences-out x.jsonl and --out x.jsonl are the same file/],
    // Standard output twice (a pipe here: spawnSync's) would interleave records and sequences.
    [['search', 'apr', '--problems', 'in.jsonl', '--out', '-', '--sequences-out', '-'], /--sequences-out - and --out - are both standard output/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', '-', '--sequences-out', '/dev/stdout'], /--sequences-out \/dev\/stdout and --out - are the same pipe/],
    [['search', 'apr', '--problems', 'in.jsonl', '--out', '/dev/stdout', '--sequences-out', '/dev/stdout'], /--sequences-out \/dev\/stdout and --out \/dev\/stdout are the same pipe/],
    [['problems', '--exclude', 'in.jsonl', '--out', 'hard.jsonl'], /--out hard.jsonl is --exclude in.jsonl/],
    [['report', 'in.jsonl', '--out', 'in.jsonl'], /--out in.jsonl is the input in.jsonl/],
    [['inspect', '--record', 'in.jsonl:0', '--html', 'link.jsonl'], /--html link.jsonl is --record in.jsonl/],
    [['merge', 'shard', '--out', './shard/'], /--out .\/shard\/ is the shard folder shard/],
  ])('%j is refused before any work', (args, message) => {
    const before = text('in.jsonl');
    expectRefused(run(args), message);
    expect(text('in.jsonl')).toBe(before);
    expect(existsSync(p('x.jsonl'))).toBe(false);
    expect(existsSync(p('o.jsonl'))).toBe(false);
  });

  it('a file output that names a folder is refused before any work, and an earlier output stays', () => {
    mkdirSync(p('folder-out'));
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'kept.jsonl']).code).toBe(0);
    const kept = text('kept.jsonl');
    expectRefused(run(['search', 'apr', '--problems', 'in.jsonl', '--out', 'kept.jsonl', '--sequences-out', 'folder-out']), /--sequences-out folder-out is a folder; name a file/);
    expect(text('kept.jsonl')).toBe(kept);
    expectRefused(run(['problems', '--count', '10', '--out', 'folder-out']), /--out folder-out is a folder/);
    expectRefused(run(['problems', '--count', '10', '--out', 'no-such/']), /--out no-such\/ names a folder \(it ends with \/\); name a file/);
    expectRefused(run(['report', 'in.jsonl', '--out', 'folder-out']), /--out folder-out is a folder/);
  });

  it('a file name too long for the temporary name beside it is refused before any work; one just short enough is written', () => {
    const long = `${'n'.repeat(244)}.jsonl`; // 250 bytes: NAME.tmp-PID passes 255 with any pid
    expectRefused(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', long]), /^countdown-traces: --out: a file name of 250 bytes; at most 2[45]\d \(it is written as NAME\.tmp-PID first, and a name holds 255\)$/);
    expectRefused(run(['report', 'in.jsonl', '--out', `${'n'.repeat(245)}.html`]), /--out: a file name of 250 bytes/);
    expect(readdirSync(dir).some((f) => f.startsWith('nnnn'))).toBe(false);
    const fits = `${'n'.repeat(235)}.jsonl`;
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', fits]).code).toBe(0);
    expect(text(fits).split('\n').filter(Boolean)).toHaveLength(20);
    rmSync(p(fits));
  });

  it('a pipe as report --out or inspect --html is written in place, not replaced by a file', async () => {
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'pipe-src.jsonl']).code).toBe(0);
    for (const [k, args] of [['report', 'in.jsonl', '--out'], ['inspect', '--record', 'pipe-src.jsonl:0', '--html']].entries()) {
      const fifo = p(`page-${k}.fifo`);
      spawnSync('mkfifo', [fifo]);
      const reader = spawn('sh', ['-c', `cat "${fifo}" > "${fifo}.got"`]);
      const done = new Promise((resolve) => reader.on('exit', resolve));
      const r = await new Promise<number | null>((resolve) => spawn(process.execPath, [cli, ...args, fifo], { cwd: dir, stdio: 'ignore' }).on('exit', resolve));
      await done;
      expect(r).toBe(0);
      expect(statSync(fifo).isFIFO()).toBe(true);
      expect(readFileSync(`${fifo}.got`, 'utf8')).toMatch(/^<!doctype html>/i);
    }
  });

  it('a pipe output without a reader is waited for without deafening the command: SIGTERM ends it (143) and removes the other output\'s temporary file; a reader that comes gets every line', async () => {
    const fifo = p('wait.fifo');
    spawnSync('mkfifo', [fifo]);
    const args = [cli, 'search', 'sosp', '--problems', 'in.jsonl', '--out', 'wait.jsonl', '--sequences-out', fifo];
    const child = spawn(process.execPath, args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // The --out temporary file appears first; the pipe is then waited for.
    for (let k = 0; k < 100 && !readdirSync(dir).some((f) => f.startsWith('wait.jsonl.tmp-')); k++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toBe('countdown-traces: stopped by SIGTERM; wait.jsonl not written\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('wait.jsonl'))).toEqual([]);
    // With a reader coming late, the run finishes and the reader has every sequence.
    const late = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore' });
    const lateExit = new Promise<number | null>((resolve) => late.on('exit', resolve));
    await new Promise((r) => setTimeout(r, 500));
    const reader = spawn('sh', ['-c', `cat "${fifo}" > "${fifo}.got"`]);
    await new Promise((resolve) => reader.on('exit', resolve));
    expect(await lateExit).toBe(0);
    expect(readFileSync(`${fifo}.got`, 'utf8').split('\n').filter(Boolean)).toHaveLength(20);
    rmSync(fifo);
  });

  it('a fault in the input while a pipe output waits for its reader ends the command: one line, exit 2 (it waited for a reader for ever)', () => {
    const fifo = p('fault.fifo');
    spawnSync('mkfifo', [fifo]);
    writeFileSync(p('fault-in.jsonl'), '{"nums": [1, 2, 3], "target": 6}\n{"nums": [1, 2\n');
    writeFileSync(p('fault-utf8.jsonl'), Buffer.from('{"nums": [1, 2, 3], "target": 6}\n{"x": "\xff"}\n', 'latin1'));
    const cases: Array<[string[], RegExp]> = [
      [['search', 'sosp', '--problems', 'fault-in.jsonl', '--out', fifo], /fault-in\.jsonl:2: not valid JSON /],
      [['search', 'sosp', '--problems', 'fault-in.jsonl', '--out', 'fault.jsonl', '--sequences-out', fifo], /fault-in\.jsonl:2: not valid JSON /],
      [['verify', 'fault-utf8.jsonl', '--grades', fifo], /fault-utf8\.jsonl:2: not valid UTF-8/],
    ];
    for (const [args, message] of cases) {
      const r = spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8', timeout: 20_000 });
      expect(r.signal, `${args[0]} still waiting for a reader`).toBeNull();
      expect(r.status).toBe(2);
      expect(r.stderr.split('\n')).toHaveLength(2);
      expect(r.stderr).toMatch(message);
    }
    expect(readdirSync(dir).filter((f) => f.startsWith('fault.jsonl'))).toEqual([]);
    rmSync(fifo);
  });

  it('a name of an open file under /proc (as /dev/stdout is) is written in place, not replaced by a renamed file', () => {
    symlinkSync('/proc/self/fd/1', p('stdout-link'));
    for (const args of [['problems', '--count', '3', '--out', 'stdout-link'], ['report', 'in.jsonl', '--out', 'stdout-link']]) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" ${args.join(' ')} > redirected.out`], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(p('redirected.out'), 'utf8').length).toBeGreaterThan(0);
      expect(lstatSync(p('stdout-link')).isSymbolicLink()).toBe(true);
    }
  });

  it('report --out may not lie inside a corpus folder it reads (the card\'s globs would load the page as data), as verify --grades', () => {
    expect(run(['corpus', '--count', '5', '--val-count', '3', '--solvers', 'sosp', '--quiet', '--workers', '0', '--out', 'inside']).code).toBe(0);
    expectRefused(run(['report', 'inside', '--out', 'inside/sosp/train-99999.jsonl']), /--out inside\/sosp\/train-99999\.jsonl is inside the corpus folder inside; choose a path outside it/);
    expectRefused(run(['verify', 'inside', '--grades', 'inside/grades.jsonl']), /--grades inside\/grades\.jsonl is inside the corpus folder inside/);
    expect(run(['verify', 'inside']).code).toBe(0);
  });

  it('a page that cannot be written where named (a parent that is a file) is one line, not a stack from removing its temporary file', () => {
    expectRefused(run(['report', 'in.jsonl', '--out', 'in.jsonl/x.html']), /cannot write in\.jsonl\/x\.html: a parent is not a folder/);
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'parent-src.jsonl']).code).toBe(0);
    expectRefused(run(['inspect', '--record', 'parent-src.jsonl:0', '--html', 'in.jsonl/x.html']), /cannot write in\.jsonl\/x\.html: a parent is not a folder/);
  });

  it('standard output sent into a corpus folder read is refused, as --out there is', () => {
    expect(run(['corpus', '--count', '5', '--val-count', '3', '--solvers', 'sosp', '--quiet', '--workers', '0', '--out', 'sent']).code).toBe(0);
    for (const command of ['stats sent', 'verify sent', 'report sent --out -']) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" ${command} > sent/sosp/train-99999.jsonl`], { cwd: dir, encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^countdown-traces: (standard output|--out) - \(.*sent\/sosp\/train-99999\.jsonl\) is inside the corpus folder sent; send it to a file outside it\n$/);
      expect(readFileSync(p('sent/sosp/train-99999.jsonl'), 'utf8')).toBe('');
    }
  });

  it('stats and verify refuse to print into a file they read (`stats a.jsonl >> a.jsonl`), as report --out - does', () => {
    writeFileSync(p('appended.jsonl'), text('in.jsonl'));
    for (const command of ['stats', 'verify']) {
      const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" ${command} appended.jsonl >> appended.jsonl`], { cwd: dir, encoding: 'utf8' });
      expect(r.status).toBe(2);
      expect(r.stderr.trim()).toBe('countdown-traces: standard output - is the input appended.jsonl (the same file): writing it would destroy that input; choose another standard output');
      expect(text('appended.jsonl')).toBe(text('in.jsonl'));
    }
  });

  it('merge --out may not lie inside a shard folder, nor hold one', () => {
    mkdirSync(p('shard/apr'), { recursive: true });
    expectRefused(run(['merge', 'shard', '--out', 'shard/apr']), /--out shard\/apr is inside the shard folder shard/);
    expectRefused(run(['merge', 'shard', '--out', '.']), /the shard folder shard is inside --out \./);
  });

  it('standard input is compared too, and devices may be named twice', () => {
    expectRefused(run(['search', 'sosp', '--problems', '-', '--out', 'hard.jsonl'], 'in.jsonl'), /--out hard.jsonl is --problems -/);
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', '/dev/null', '--sequences-out', '/dev/null']).code).toBe(0);
  });
});

describe('no silent wrong arithmetic', () => {
  const BIG = '{"nums": [1000000, 999999, 999998, 999997], "target": 77777}\n';

  it('search refuses problems beyond exact integer arithmetic, naming file and line (the rule problems uses)', () => {
    writeFileSync(p('big.jsonl'), readFileSync(golden42(), 'utf8').split('\n')[0] + '\n' + BIG);
    expectRefused(run(['search', 'bfs', '--problems', 'big.jsonl', '--min-beam', '30', '--max-beam', '30', '--window', '0', '--out', 'big-out.jsonl']), /big.jsonl:2: "nums" \[1000000, 999999, 999998, 999997\] can exceed exact integer arithmetic/);
    expect(existsSync(p('big-out.jsonl'))).toBe(false);
    expectRefused(run(['problems', '--max-number', '1000000', '--max-target', '1000001', '--out', 'big-p.jsonl']), /--max-number 1000000 with 4 numbers can exceed exact integer arithmetic/);
  });

  it('inspect --nums refuses them too', () => {
    expectRefused(run(['inspect', '--nums', '1000000,999999,999998,999997', '--target', '77777']), /--nums \[1000000, 999999, 999998, 999997\] can exceed exact integer arithmetic/);
    // 94906265^2 < 2^53 - 1 < 94906266^2: the bound is exact at its edge.
    expect(run(['inspect', '--nums', '94906265,94906265', '--target', '50']).code).toBe(0);
    expectRefused(run(['inspect', '--nums', '94906266,94906266', '--target', '50']), /can exceed exact integer arithmetic/);
  });

  it('verify catches an inexact product in a trace', () => {
    // The pure search never refuses: a record made from such a problem prints rounded products.
    const problem = { nums: [1000000, 999999, 999998, 999997], target: 77777, solution: [], startSize: 4 };
    const made = makeSearch(problem, { nums: problem.nums, target: problem.target }, streamFor(0, 'bfs', 0), testSettings('bfs', 0, { minBeam: 30, maxBeam: 30 }));
    const record = JSON.parse(Buffer.from(made.json).toString('latin1')) as Record<string, unknown>;
    const messages = verifyRecord(record).map((i) => i.message);
    expect(messages.some((m) => /\*999995000006=999994000010999900 is beyond exact integer arithmetic/.test(m))).toBe(true);
    expect(messages).toContain('"nums" [1000000, 999999, 999998, 999997] can exceed exact integer arithmetic (2^53)');
  });
});

describe('no stale fields', () => {
  it('search keeps only the problem fields of its input records', () => {
    expect(run(['search', 'apr', '--problems', 'in.jsonl', '--out', 'apr-in.jsonl']).code).toBe(0);
    expect(run(['search', 'sosp', '--problems', 'apr-in.jsonl', '--out', 'sosp-from-apr.jsonl']).code).toBe(0);
    const rec = JSON.parse(text('sosp-from-apr.jsonl').split('\n')[0]!) as Record<string, unknown>;
    expect(Object.keys(rec).slice(0, 9)).toEqual(['nums', 'target', 'solution', 'optimal_path', 'start_size', 'search_path', 'rating', 'search_type', 'heuristic']);
    for (const stale of ['trace_dict', 'beam_size', 'sub_call_beam_size', 'promising_threshold']) expect(rec).not.toHaveProperty(stale);
    // The same records as from the problems themselves.
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'sosp-in.jsonl']).code).toBe(0);
    expect(text('sosp-from-apr.jsonl')).toBe(text('sosp-in.jsonl'));
  });
});

describe('every fault is one line and exit 2', () => {
  it.runIf(existsSync('/dev/full'))('a full disk (ENOSPC) in problems and search', () => {
    for (const args of [
      ['problems', '--count', '3000', '--out', '/dev/full'],
      ['search', 'sosp', '--problems', 'in.jsonl', '--out', '/dev/full'],
      ['search', 'sosp', '--problems', 'in.jsonl', '--out', 'full.jsonl', '--sequences-out', '/dev/full'],
    ]) {
      expectRefused(run(args), /cannot write \/dev\/full: no space left on the device/);
    }
    expect(existsSync(p('full.jsonl'))).toBe(false);
    // Standard output that is a full file.
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cli}" problems --count 50 --out - > /dev/full`], { encoding: 'utf8', cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('countdown-traces: cannot write to standard output: no space left on the device\n');
  });

  it('a worker out of memory says to raise --worker-heap', () => {
    const r = run(['corpus', '--count', '40', '--val-count', '0', '--solvers', 'apr', '--min-numbers', '6', '--max-numbers', '6', '--min-beam', '60', '--max-beam', '60', '--max-sub-beam', '80', '--window', '0', '--worker-heap', '64', '--workers', '1', '--quiet', '--out', 'oom']);
    expectRefused(r, /a worker ran out of memory \(--worker-heap 64 MB\).*raise --worker-heap/);
  });

  it('inspect --record on a line that is not a problem or search record', () => {
    writeFileSync(p('seqs.jsonl'), '{"text": "Moving to Node #0\\n", "record": 0, "thread": "root#0", "tokens": 9}\n');
    expectRefused(run(['inspect', '--record', 'seqs.jsonl:0']), /seqs.jsonl:1: a sequence line, not a record/);
    // A model output with no text, as verify grades it (it was shown as a problem record).
    writeFileSync(p('failed.jsonl'), '{"nums": [1, 2, 3], "target": 6, "text": null}\n');
    expectRefused(run(['inspect', '--record', 'failed.jsonl:0']), /^countdown-traces: failed\.jsonl:1: "text" null is not a string: a sequence line, not a record/);
  });

  it('stats and report refuse a corpus folder with a listed file missing, and an unfinished run', () => {
    expect(run(['corpus', '--count', '60', '--val-count', '0', '--solvers', 'sosp', '--quiet', '--out', 'small']).code).toBe(0);
    rmSync(p('small/sosp/train-00000-of-00001.jsonl'));
    expectRefused(run(['stats', 'small']), /cannot read small\/sosp\/train-00000-of-00001\.jsonl: no such file/);
    expectRefused(run(['report', 'small', '--out', 'small.html']), /cannot read small\/sosp\/train-00000-of-00001\.jsonl/);
    expect(existsSync(p('small.html'))).toBe(false);
    // A pipe, or a link to a device, in a data file's place is named and never read (the read blocked, or ran for ever).
    spawnSync('mkfifo', [p('small/sosp/train-00000-of-00001.jsonl')]);
    const notRegular = /small\/sosp\/train-00000-of-00001\.jsonl is not a regular file but a folder, pipe or device \(move it away\)/;
    expectRefused(run(['stats', 'small']), notRegular);
    expectRefused(run(['report', 'small', '--out', 'small.html']), notRegular);
    const verified = run(['verify', 'small']);
    expect(verified.code).toBe(1);
    expect(verified.stdout + verified.stderr).toMatch(/small\/sosp\/train-00000-of-00001\.jsonl: is not a regular file/);
    rmSync(p('small/sosp/train-00000-of-00001.jsonl'));
    symlinkSync('/dev/zero', p('small/sosp/train-00000-of-00001.jsonl'));
    expectRefused(run(['stats', 'small']), notRegular);
    expect(run(['verify', 'small']).code).toBe(1);
    // A file given where a folder is read, or a manifest.json linking to itself: one line, not a stack.
    expectRefused(run(['merge', 'in.jsonl', '--out', 'merged-file']), /in\.jsonl is not a folder; merge joins the shard folders of a corpus$/);
    mkdirSync(p('looped'));
    symlinkSync('manifest.json', p('looped/manifest.json'));
    expectRefused(run(['stats', 'looped']), /cannot read looped\/manifest\.json/);
    // The manifest itself too, for every command that reads a corpus folder's.
    rmSync(p('small/manifest.json'));
    spawnSync('mkfifo', [p('small/manifest.json')]);
    for (const args of [['stats', 'small'], ['verify', 'small'], ['report', 'small', '--out', 'small.html'], ['merge', 'small', '--out', 'small-merged'], ['corpus', '--count', '60', '--val-count', '0', '--solvers', 'sosp', '--quiet', '--resume', '--out', 'small']]) {
      expectRefused(run(args), /small\/manifest\.json is not a regular file but a folder, pipe or device \(move it away\)/);
    }
    mkdirSync(p('running'));
    writeFileSync(p('running/.corpus-checkpoint.json'), JSON.stringify({ format: 6, options: { count: 60 }, shard: { index: 0, count: 1 }, stages: {} }) + '\n');
    expectRefused(run(['stats', 'running']), /running holds an unfinished corpus run \(\.corpus-checkpoint\.json, no manifest\.json\)/);
  });

  it("stats and report tell an unfinished run by its checkpoint's or lock's content, as a run does: a file of another's at such a name marks none, and the folder's records are read", () => {
    mkdirSync(p('named-alike'));
    writeFileSync(p('named-alike/a.jsonl'), text('in.jsonl'));
    // Another program's files at the names a run gives its checkpoint and its lock (a run refuses to take either for its own).
    writeFileSync(p('named-alike/.corpus-checkpoint.json'), '{"step": 100}\n');
    writeFileSync(p('named-alike/.corpus.lock'), 'held by my own script\n');
    const r = run(['stats', 'named-alike']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/files read +1\n +records +20\n/);
    expect(run(['report', 'named-alike', '--out', 'named-alike.html']).stderr).toMatch(/wrote named-alike\.html: 20 records/);
    // The tool's lock, torn as an older version left it: a run's, which may still be writing.
    writeFileSync(p('named-alike/.corpus.lock'), '{"pid":');
    expectRefused(run(['stats', 'named-alike']), /named-alike holds an unfinished corpus run \(\.corpus\.lock, no manifest\.json\)/);
    // A folder at the checkpoint's name is no checkpoint either.
    rmSync(p('named-alike/.corpus.lock'));
    rmSync(p('named-alike/.corpus-checkpoint.json'));
    mkdirSync(p('named-alike/.corpus-checkpoint.json'));
    expect(run(['stats', 'named-alike']).code).toBe(0);
  });

  it('stats and report read the record files a folder links to (they were left out, exit 0); a link is an alias, read once', () => {
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'linked.jsonl']).code).toBe(0);
    mkdirSync(p('gathered/sub'), { recursive: true });
    expect(run(['search', 'dfs', '--problems', 'in.jsonl', '--out', 'gathered/dfs.jsonl']).code).toBe(0);
    symlinkSync('../linked.jsonl', p('gathered/sosp.jsonl'));
    const counts = (r: ReturnType<typeof run>) => {
      expect(r.code, r.stderr).toBe(0);
      return /files read +(\d+)\n +records +(\d+)\n/.exec(r.stdout)!.slice(1).map(Number);
    };
    expect(counts(run(['stats', 'gathered']))).toEqual([2, 40]);
    expect(run(['stats', 'gathered']).stdout).toMatch(/\nSoS\+\n +records +20\n/);
    expect(run(['report', 'gathered', '--out', 'gathered.html']).stderr).toMatch(/wrote gathered\.html: 40 records/);
    // Aliases of what the folder holds (a latest link, a link to a sub-folder, a loop) are not read again.
    symlinkSync('dfs.jsonl', p('gathered/latest.jsonl'));
    symlinkSync('sub', p('gathered/best'));
    symlinkSync('..', p('gathered/sub/up'));
    expect(counts(run(['stats', 'gathered']))).toEqual([2, 40]);
    // A chain of folders each linking twice to the next is walked once (it took exponential time).
    for (let k = 0; k <= 24; k++) mkdirSync(p(`chain/d${k}`), { recursive: true });
    for (let k = 0; k < 24; k++) for (const name of ['a', 'b']) symlinkSync(`../d${k + 1}`, p(`chain/d${k}/${name}`));
    writeFileSync(p('chain/d24/r.jsonl'), text('linked.jsonl'));
    expect(counts(run(['stats', 'chain/d0']))).toEqual([1, 20]);
    // Two hard links are two names of equal standing: refused, named, as before.
    linkSync(p('gathered/dfs.jsonl'), p('gathered/dfs-again.jsonl'));
    expectRefused(run(['stats', 'gathered']), /gathered\/dfs-again\.jsonl is gathered\/dfs\.jsonl \(the same file\), read twice|gathered\/dfs\.jsonl is gathered\/dfs-again\.jsonl/);
  });

  it('a folder walk reads in byte order, keeps a name holding .tmp-, and stops at what it cannot read (a missing file, a name not UTF-8); names are shown without their control characters', () => {
    mkdirSync(p('walk'));
    for (const name of ['z.jsonl', 'B.jsonl', 'ä.jsonl', 'a.jsonl', 'results.tmp-final.jsonl']) writeFileSync(p(`walk/${name}`), text('in.jsonl'));
    // Byte order, whatever the locale (localeCompare put ä before B in one, after z in another).
    expect(recordFilesIn(p('walk')).map((f) => f.slice(p('walk').length + 1))).toEqual(['B.jsonl', 'a.jsonl', 'results.tmp-final.jsonl', 'z.jsonl', 'ä.jsonl']);
    const r = run(['stats', 'walk']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/files read +5\n/);
    // A file that cannot be opened was a warning with exit 0, its records missing from the figures.
    symlinkSync('gone.jsonl', p('walk/lost.jsonl'));
    for (const args of [['stats', 'walk'], ['report', 'walk', '--out', 'walk.html']]) expectRefused(run(args), /walk\/lost\.jsonl: no such file or folder/);
    rmSync(p('walk/lost.jsonl'));
    // A name that is not UTF-8 cannot be opened by its decoded path: named, not skipped.
    writeFileSync(Buffer.concat([Buffer.from(p('walk/bad')), Buffer.from([0xff, 0xfe]), Buffer.from('.jsonl')]), text('in.jsonl'));
    expectRefused(run(['stats', 'walk']), /walk\/bad\uFFFD\uFFFD\.jsonl: a name that is not UTF-8/);
    rmSync(Buffer.concat([Buffer.from(p('walk/bad')), Buffer.from([0xff, 0xfe]), Buffer.from('.jsonl')]));
    // So is a folder of such a name, whose records were left out without a word.
    const odd = Buffer.concat([Buffer.from(p('walk/d')), Buffer.from([0xff])]);
    mkdirSync(odd);
    writeFileSync(Buffer.concat([odd, Buffer.from('/b.jsonl')]), text('in.jsonl'));
    expectRefused(run(['stats', 'walk']), /walk\/d\uFFFD: a name that is not UTF-8/);
    rmSync(odd, { recursive: true });
    // A link of such a name to a file that is no record file is no more read than that file.
    writeFileSync(p('walk/notes.txt'), 'mine\n');
    symlinkSync('notes.txt', Buffer.concat([Buffer.from(p('walk/n')), Buffer.from([0xff])]));
    expect(run(['stats', 'walk']).code).toBe(0);
    // A pipe with a record file's name was left out without a word.
    spawnSync('mkfifo', [p('walk/pipe.jsonl')]);
    expectRefused(run(['stats', 'walk']), /walk\/pipe\.jsonl: a record file's name on a pipe, socket or device, which a folder walk does not read/);
    rmSync(p('walk/pipe.jsonl'));
    // A control character in a name reaches neither the terminal nor the page as is.
    writeFileSync(p('esc\u001b[31mred.jsonl'), text('in.jsonl'));
    const shown = run(['stats', 'esc\u001b[31mred.jsonl']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('esc\\u001b[31mred.jsonl');
    expect(shown.stdout).not.toContain('\u001b');
    expect(run(['report', 'esc\u001b[31mred.jsonl', '--out', 'esc.html']).code).toBe(0);
    expect(text('esc.html')).not.toContain('\u001b');
    expect(text('esc.html')).toContain('esc\\u001b[31mred.jsonl');
    // C1 too: U+009B is a terminal's CSI.
    const c1 = run(['stats', 'in.jsonl', '--label', 'x\u009b31m']);
    expect(c1.stdout).toContain('x\\u009b31m');
    expect(c1.stdout).not.toContain('\u009b');
  });

  it('a new corpus is refused, before any work, in a folder holding a file of the user\'s that its card would load as data; stats names a data file changed since', () => {
    mkdirSync(p('own/apr'), { recursive: true });
    writeFileSync(p('own/apr/train-mine.jsonl'), '{"nums": [1, 2], "target": 3}\n');
    writeFileSync(p('own/apr/notes.txt'), 'mine\n'); // no glob loads it: left alone
    for (const extra of [[], ['--resume']]) {
      expectRefused(
        run(['corpus', '--count', '10', '--val-count', '5', '--quiet', '--out', 'own', ...extra]),
        /own already holds apr\/train-mine\.jsonl, which this run did not write, where the dataset card's globs would load it with this run's files/,
      );
    }
    expect(existsSync(p('own/manifest.json'))).toBe(false);
    // Only the globs of the run's own card: an SoS+ corpus loads nothing from apr/, and verify agrees.
    mkdirSync(p('own-sosp/apr'), { recursive: true });
    mkdirSync(p('own-sosp/sosp/train-old.jsonl'), { recursive: true }); // a folder: no glob of the Hub's loads it
    writeFileSync(p('own-sosp/apr/train-mine.jsonl'), '{"nums": [1, 2], "target": 3}\n');
    expect(run(['corpus', '--count', '10', '--val-count', '5', '--solvers', 'sosp', '--quiet', '--out', 'own-sosp']).code).toBe(0);
    expect(run(['verify', 'own-sosp']).code).toBe(0);
    rmSync(p('own/apr/train-mine.jsonl'));
    expect(run(['corpus', '--count', '10', '--val-count', '5', '--quiet', '--out', 'own']).code).toBe(0);
    expect(text('own/apr/notes.txt')).toBe('mine\n');
    // A data file cut short since: stats and report name it (they counted what was left, without a word).
    const data = 'own/apr/train-00000-of-00001.jsonl';
    writeFileSync(p(data), text(data).split('\n').slice(0, 3).join('\n') + '\n');
    const r = run(['stats', 'own']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/own\/apr\/train-00000-of-00001\.jsonl: holds [\d,]+ bytes, the manifest [\d,]+: the corpus changed since it was made/);
    const page = run(['report', 'own', '--out', 'own.html']).stderr;
    expect(page).toMatch(/bytes, the manifest [\d,]+: the corpus changed since/);
    // A digit changed in place keeps the size: its SHA-256 names it (the figures changed without a word).
    const problems = 'own/problems/train-00000-of-00001.jsonl';
    const before = text(problems);
    const target = /"target": (\d)/.exec(before)!;
    writeFileSync(p(problems), before.replace(target[0], `"target": ${(Number(target[1]) + 1) % 10}`));
    expect(run(['stats', 'own']).stderr).toMatch(/own\/problems\/train-00000-of-00001\.jsonl: changed since the manifest was written: its bytes no longer have the SHA-256 recorded there: the corpus changed since it was made/);
    // Counted as verify counts them: records, and sequence lines apart.
    expect(page).toMatch(/wrote own\.html: \d+ records and \d+ sequence lines, \d+ charts/);
    // So does the page's data for scripts (its `records` counted sequence lines too).
    const [, recs, seqs] = /wrote own\.html: (\d+) records and (\d+) sequence lines/.exec(page)!;
    const json = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(text('own.html'))![1]!;
    const corpus = (JSON.parse(json) as { corpora: Array<{ records: number; sequence_lines: number }> }).corpora[0]!;
    expect([corpus.records, corpus.sequence_lines]).toEqual([Number(recs), Number(seqs)]);
  });

  it('a damaged manifest is refused naming it; a file reached twice (beside its corpus, two links in a folder) is refused, not counted twice', () => {
    expect(run(['corpus', '--count', '60', '--val-count', '0', '--solvers', 'sosp', '--quiet', '--out', 'mf']).code).toBe(0);
    const good = text('mf/manifest.json');
    const m = JSON.parse(good) as { files: Array<Record<string, unknown>>; options: Record<string, unknown> };
    const data = m.files.findIndex((f) => f.config !== undefined);
    const edits: Array<[string, RegExp]> = [
      ['{"format": ', /mf\/manifest\.json: not valid JSON \(.*\); the corpus folder's manifest is damaged$/],
      [JSON.stringify({ ...m, files: null }), /"files" is not a list/],
      [JSON.stringify({ ...m, files: m.files.map((f, k) => (k === data ? { ...f, name: '../in.jsonl' } : f)) }), new RegExp(`"files"\\[${data}\\]\\.name "\\.\\./in\\.jsonl" is not a path inside the folder`)],
      [JSON.stringify({ ...m, files: [...m.files, m.files[data]] }), new RegExp(`"files"\\[${m.files.length}\\] lists ${String(m.files[data]!.name)} a second time`)],
      [JSON.stringify({ ...m, files: m.files.map((f, k) => (k === data ? { ...f, bytes: String(f.bytes) } : f)) }), /\.bytes "\d+" is not a byte count/],
      [JSON.stringify({ ...m, options: { ...m.options, window: '4096' } }), /"options\.window" "4096" is not an integer of at least 0/],
      // A format this tool never wrote is not taken for an earlier one (which has no seal to check).
      [JSON.stringify({ ...m, format: 'countdown-traces corpus x' }), /mf\/manifest\.json: manifest format "countdown-traces corpus x" is none that countdown-traces wrote; the corpus folder's manifest is damaged$/],
      [JSON.stringify({ ...m, format: 'countdown-traces corpus -1' }), /manifest format "countdown-traces corpus -1" is none that countdown-traces wrote/],
      [JSON.stringify({ ...m, format: 'countdown-traces corpus' }), /manifest format "countdown-traces corpus" is none that countdown-traces wrote/],
      // An earlier format's manifest listing no data file verified as "0 records in 0 files", exit 0.
      [JSON.stringify({ ...m, format: 'countdown-traces corpus 3', files: m.files.filter((f) => f.config === undefined) }), /"files" lists no data file \(none has a "config"\); the corpus folder's manifest is damaged$/],
      [JSON.stringify({ ...m, format: 'countdown-traces corpus 99' }), /mf\/manifest\.json: manifest format "countdown-traces corpus 99" is from a newer countdown-traces than this one/],
      // Of the right shape but edited by hand (more problems than were made): its seal says so.
      [good.replace('"count": 60,', '"count": 600,'), /mf\/manifest\.json: changed since it was written \(its seal does not match its text\); the corpus folder's manifest is damaged$/],
      [JSON.stringify({ ...m, seal: undefined }), /mf\/manifest\.json: changed since it was written/],
    ];
    for (const [manifest, message] of edits) {
      expect(manifest, 'an edit that changes nothing').not.toBe(good);
      writeFileSync(p('mf/manifest.json'), manifest);
      for (const args of [['stats', 'mf'], ['verify', 'mf'], ['report', 'mf', '--out', 'mf.html']]) expectRefused(run(args), message);
    }
    // A resume of the finished corpus trusted an edited count (it said the corpus was complete).
    writeFileSync(p('mf/manifest.json'), good.replace('"count": 60,', '"count": 600,'));
    expectRefused(run(['corpus', '--count', '600', '--val-count', '0', '--solvers', 'sosp', '--quiet', '--out', 'mf', '--resume']), /mf\/manifest\.json: changed since it was written/);
    // Valid JSON of another program (not an object) makes the folder a plain one, as before.
    writeFileSync(p('mf/manifest.json'), '["a list of mine"]');
    expect(run(['stats', 'mf']).code).toBe(0);
    writeFileSync(p('mf/manifest.json'), good);
    expect(run(['verify', 'mf']).code).toBe(0);
    const name = String(m.files[data]!.name);
    expectRefused(run(['verify', 'mf', `mf/${name}`]), new RegExp(`mf/${name.replace(/[.]/g, '\\.')} would be read twice \\(two inputs hold it\\)`));
    mkdirSync(p('links'));
    writeFileSync(p('links/a.jsonl'), text('in.jsonl'));
    linkSync(p('links/a.jsonl'), p('links/b.jsonl'));
    expectRefused(run(['stats', 'links']), /links\/b\.jsonl is links\/a\.jsonl \(the same file\), read twice/);
  });

  it('--fit drop leaves out a record whose first expansion the window cannot hold; stop and resample refuse it, naming the line', () => {
    expect(run(['problems', '--count', '6', '--min-numbers', '6', '--max-numbers', '6', '--out', 'six.jsonl']).code).toBe(0);
    const tight = ['search', 'sosp', '--problems', 'six.jsonl', '--window', '700', '--min-beam', '20', '--max-beam', '20'];
    const r = run([...tight, '--fit', 'drop', '--out', 'six-drop.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote 0 sosp records .* 6 stopped by the window, 6 of them dropped/);
    for (const fit of ['stop', 'resample']) {
      expectRefused(run([...tight, '--fit', fit, '--out', `six-${fit}.jsonl`]), /six\.jsonl:1: --window 700 cannot hold the first expansion of this problem's search; raise --window, lower --min-beam and --max-beam or use --fit drop to leave such problems out$/);
      expect(existsSync(p(`six-${fit}.jsonl`))).toBe(false);
    }
    // The remedy names only flags the solver reads (dfs draws no beam, sosp has no child beam).
    expectRefused(run(['search', 'dfs', '--problems', 'six.jsonl', '--window', '60', '--out', 'six-dfs.jsonl']), /; raise --window or use --fit drop to leave such problems out$/);
    // APR narrows to a beam of 1 before it refuses: only the window helps.
    expectRefused(run(['search', 'apr', '--problems', 'six.jsonl', '--window', '60', '--out', 'six-apr.jsonl']), /; raise --window$/);
  });

  it("a run removes the temporary files of its output that killed runs left (their pid gone here, untouched for a minute), and no other", () => {
    expect(run(['problems', '--count', '20', '--seed', '9', '--out', 'tmp-in.jsonl']).code).toBe(0);
    const dead = spawnSync('true').pid!;
    const old = new Date(Date.now() - 5 * 60_000);
    for (const name of [`tmp-out.jsonl.tmp-${dead}`, `tmp-out.jsonl.old-${dead}`, `tmp-out.jsonl.tmp-${dead + 1000000}`, `tmp-out.jsonl.tmp-${process.pid}`, `tmp-out.jsonl.tmp-0${dead}`, `tmp-other.jsonl.tmp-${dead}`]) {
      writeFileSync(p(name), 'left by a killed run\n');
      utimesSync(p(name), old, old);
    }
    writeFileSync(p(`tmp-out.jsonl.tmp-${dead + 2000000}`), 'still being written, maybe from another host\n');
    // A link at such a name is not a file a run wrote (it was removed when what it names was old).
    writeFileSync(p('tmp-linked.txt'), 'a file of the user\'s\n');
    utimesSync(p('tmp-linked.txt'), old, old);
    symlinkSync(p('tmp-linked.txt'), p(`tmp-out.jsonl.old-${dead + 3000000}`));
    lutimesSync(p(`tmp-out.jsonl.old-${dead + 3000000}`), old, old);
    expect(run(['search', 'sosp', '--problems', 'tmp-in.jsonl', '--out', 'tmp-out.jsonl']).code).toBe(0);
    expect(readdirSync(dir).filter((n) => n.startsWith('tmp-') && /\.(tmp|old)-/.test(n)).sort()).toEqual(
      [`tmp-other.jsonl.tmp-${dead}`, `tmp-out.jsonl.tmp-${dead + 2000000}`, `tmp-out.jsonl.tmp-${process.pid}`, `tmp-out.jsonl.tmp-0${dead}`, `tmp-out.jsonl.old-${dead + 3000000}`].sort(),
    );
    // Gone again: the other tests check that no command leaves a temporary file.
    for (const n of readdirSync(dir)) if (n.startsWith('tmp-') && /\.(tmp|old)-/.test(n)) rmSync(p(n));
    rmSync(p('tmp-linked.txt'));
  });

  it('a window that leaves nothing solved says so on the summary line', () => {
    expect(run(['problems', '--count', '20', '--seed', '4', '--out', 'tiny-window.jsonl']).code).toBe(0);
    const r = run(['search', 'apr', '--problems', 'tiny-window.jsonl', '--window', '300', '--out', 'tiny-window-apr.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // APR's planner narrows searches to fit besides stopping them (here 16 of the 20), which no
    // tally shows: the window is named beside the beam, not as the cause.
    expect(r.stderr).toMatch(/: 0 solved \(0\.0%\).*; none solved within --window 300, which stopped 16 of the 20 searches: the window may be too small for these problems, or the beam too narrow \(--max-beam\): compare --window 0 to tell$/m);
    expect(run(['search', 'apr', '--problems', 'tiny-window.jsonl', '--out', 'tiny-window-apr.jsonl']).stderr).not.toMatch(/none solved/);
    // Nothing solved where the window stopped nothing (a target out of reach) blames no window:
    // it said to compare --window 0, which solves nothing either.
    writeFileSync(p('tiny-window.jsonl'), '{"nums": [1, 1, 2, 3], "target": 97}\n');
    for (const solver of ['sosp', 'apr']) {
      const unreachable = run(['search', solver, '--problems', 'tiny-window.jsonl', '--out', 'tiny-window-apr.jsonl']);
      expect(unreachable.stderr).toMatch(/: 0 solved \(0\.0%\).*, 0 stopped by the window$/m);
    }
    // APR's planner fits the window by narrowing beams and stopping nothing: the note stays
    // where enough searches fail (here 12 six-number problems, 5 of which --window 0 solves).
    expect(run(['problems', '--count', '12', '--seed', '2', '--min-numbers', '6', '--max-numbers', '6', '--out', 'tiny-window.jsonl']).code).toBe(0);
    expect(run(['search', 'apr', '--problems', 'tiny-window.jsonl', '--window', '700', '--out', 'tiny-window-apr.jsonl']).stderr).toMatch(/: 0 solved .*, 0 stopped by the window; none solved within --window 700/);
    const four = (stopped: number, searched = 3) => ({ bySize: new Map([[4, { searched, solved: 0 }]]), searched, stopped, resampled: false });
    expect(unsolvedNote(4096, four(0), 'sosp', 'stop')).toBeUndefined();
    expect(unsolvedNote(4096, four(0), 'apr', undefined)).toBeUndefined();
    expect(unsolvedNote(4096, four(1), 'sosp', 'stop')).toMatch(/^none solved within --window 4096/);
    expect(unsolvedNote(4096, four(0, UNSEEN_EVIDENCE), 'apr', undefined)).toMatch(/^none solved within --window 4096/);
    expect(run(['problems', '--count', '20', '--seed', '4', '--out', 'tiny-window.jsonl']).code).toBe(0);
    // Every problem left out is nothing solved too.
    expect(run(['search', 'sosp', '--problems', 'tiny-window.jsonl', '--window', '300', '--fit', 'drop', '--out', 'tiny-window-apr.jsonl']).stderr).toMatch(/: 0 solved .*, 20 stopped by the window, 20 of them dropped; none solved within --window 300/);
    // How often --fit resample searched again is said too, as the README says (it said nothing).
    const again = /, (\d+) searched again \(--fit resample\)/;
    const resampled = run(['search', 'sosp', '--problems', 'tiny-window.jsonl', '--window', '1200', '--fit', 'resample', '--out', 'tiny-window-apr.jsonl']).stderr;
    expect(Number(again.exec(resampled)?.[1])).toBeGreaterThan(0);
    expect(run(['search', 'sosp', '--problems', 'tiny-window.jsonl', '--window', '1200', '--out', 'tiny-window-apr.jsonl']).stderr).not.toMatch(again);
    for (const n of ['tiny-window.jsonl', 'tiny-window-apr.jsonl']) rmSync(p(n));
  });

  it('a window that leaves every problem of a start size unsolved says so, in search and in corpus (a corpus said nothing)', () => {
    expect(run(['problems', '--count', '30', '--min-numbers', '5', '--max-numbers', '6', '--out', 'sizes.jsonl']).code).toBe(0);
    const r = run(['search', 'apr', '--problems', 'sizes.jsonl', '--window', '1024', '--out', 'sizes-apr.jsonl']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(
      /: [1-9]\d* solved .*; none of the problems of 6 numbers solved within --window 1024, which stopped \d+ of their \d+ searches: the window may be too small for them, or the beam too narrow \(--max-beam\): compare --window 0 to tell$/m,
    );
    const c = run(['corpus', '--count', '30', '--val-count', '0', '--min-numbers', '5', '--max-numbers', '6', '--solvers', 'sosp,apr', '--window', '700', '--quiet', '--out', 'sizes-corpus']);
    expect(c.code).toBe(0);
    expect(c.stderr.trim().split('\n')).toEqual([
      // 6 of the 30 SoS+ searches ended unsolved within the window: it is not named the cause.
      'countdown-traces: warning: sosp: none solved within --window 700, which stopped 24 of the 30 searches: the window may be too small for these problems, or the beam too narrow (--max-beam): compare --window 0 to tell',
      'countdown-traces: warning: apr: none solved within --window 700, which stopped 1 of the 30 searches: the window may be too small for these problems, or the beam too narrow (--max-beam): compare --window 0 to tell',
    ]);
    // One start size unsolved.
    const one = ['--count', '30', '--val-count', '0', '--min-numbers', '5', '--max-numbers', '6', '--solvers', 'apr', '--window', '1024', '--quiet', '--out', 'sizes-1024'];
    // A corpus tallies the window's stops in all, not by size: the note cannot count them for one size.
    expect(run(['corpus', ...one]).stderr.trim()).toBe(
      'countdown-traces: warning: apr: none of the problems of 6 numbers solved within --window 1024: the window may be too small for them, or the beam too narrow (--max-beam): compare --window 0 to tell',
    );
    // The whole corpus's warning from merge, which no shard can give: here shard 0 solved no five-number problem, shard 1 one.
    const whole = ['--count', '2000', '--val-count', '0', '--min-numbers', '4', '--max-numbers', '6', '--solvers', 'sosp', '--window', '800', '--fit', 'drop', '--quiet'];
    const shards = [0, 1].map((i) => run(['corpus', ...whole, '--shard', `${i}/2`, '--out', `sizes-shard${i}`]).stderr.trim());
    expect(shards[0]).toMatch(/none of the problems of 5 or 6 numbers solved/);
    const m = run(['merge', 'sizes-shard0', 'sizes-shard1', '--out', 'sizes-merged', '--quiet']);
    expect(m.code).toBe(0);
    // The window dropped the searches it stopped: those of six numbers written ended unsolved within it.
    expect(m.stderr.trim()).toBe(
      'countdown-traces: warning: sosp: none of the problems of 6 numbers solved within --window 800: the window may be too small for them, or the beam too narrow (--max-beam): compare --window 0 to tell',
    );
    // Every record dropped is none solved too (the corpus said nothing).
    const dropped = run(['corpus', '--count', '10', '--val-count', '0', '--min-numbers', '6', '--max-numbers', '6', '--solvers', 'sosp', '--window', '500', '--fit', 'drop', '--quiet', '--out', 'sizes-dropped']);
    expect(dropped.stderr.trim()).toBe('countdown-traces: warning: sosp: none solved within --window 500: it may be too small for these problems: raise --window, or compare --window 0');
    for (const d of ['sizes-corpus', 'sizes-1024', 'sizes-shard0', 'sizes-shard1', 'sizes-merged', 'sizes-dropped']) rmSync(p(d), { recursive: true });
  });

  it('a start size left unsolved by a narrow beam is not blamed on the window alone: the note counts what the window stopped and names the beam beside it', () => {
    expect(run(['problems', '--count', '100', '--min-numbers', '3', '--max-numbers', '6', '--out', 'beam.jsonl']).code).toBe(0);
    // A beam of 1: the window stopped 2 of the 32 six-number searches, the other 30 ended unsolved
    // within it (--window 0 solves 2 of the 32). It said "it may be too small for them: raise --window".
    const sosp = run(['search', 'sosp', '--max-beam', '1', '--window', '1024', '--problems', 'beam.jsonl', '--out', 'beam-out.jsonl']);
    expect(sosp.code).toBe(0);
    expect(sosp.stderr).toMatch(
      /, 2 stopped by the window; none of the problems of 6 numbers solved within --window 1024, which stopped 2 of their 32 searches: the window may be too small for them, or the beam too narrow \(--max-beam\): compare --window 0 to tell$/m,
    );
    // APR with a beam of 1 at the default window: 0 of 12 six-number problems, as with --window 0.
    expect(run(['problems', '--count', '12', '--seed', '2', '--min-numbers', '6', '--max-numbers', '6', '--out', 'beam.jsonl']).code).toBe(0);
    expect(run(['search', 'apr', '--max-beam', '1', '--window', '0', '--problems', 'beam.jsonl', '--out', 'beam-out.jsonl']).stderr).toMatch(/: 0 solved \(0\.0%\)/);
    expect(run(['search', 'apr', '--max-beam', '1', '--problems', 'beam.jsonl', '--out', 'beam-out.jsonl']).stderr).toMatch(
      /, 0 stopped by the window; none solved within --window 4096, which stopped none of the 12 searches: the window may be too small for these problems, or the beam too narrow \(--max-beam\): compare --window 0 to tell$/m,
    );
    // A size whose searches the window stopped none of is not named, though it stopped others.
    const bySize = new Map([[4, { searched: 5, solved: 0, stopped: 5 }], [5, { searched: 5, solved: 0, stopped: 0 }], [6, { searched: 5, solved: 1, stopped: 5 }]]);
    const tally = { bySize, searched: 15, stopped: 10, resampled: false };
    expect(unsolvedNote(1024, tally, 'sosp', 'stop')).toBe('none of the problems of 4 numbers solved within --window 1024: it may be too small for them: raise --window, or compare --window 0');
    // DFS draws no beam: what else leaves a search unsolved within the window is named.
    const some = new Map([[4, { searched: 5, solved: 0, stopped: 1 }], [5, { searched: 5, solved: 1, stopped: 0 }]]);
    expect(unsolvedNote(1024, { bySize: some, searched: 10, stopped: 1, resampled: false }, 'dfs', 'stop')).toBe(
      "none of the problems of 4 numbers solved within --window 1024, which stopped 1 of their 5 searches: the window may be too small for them, or their goals out of the search's reach: compare --window 0 to tell",
    );
    for (const n of ['beam.jsonl', 'beam-out.jsonl']) rmSync(p(n));
  });

  it("the sweep never removes a file the command reads, whatever its name (search's problems, problems' --exclude)", () => {
    const dead = spawnSync('true').pid!;
    const old = new Date(Date.now() - 5 * 60_000);
    expect(run(['problems', '--count', '20', '--seed', '9', '--out', `sw-out.jsonl.old-${dead}`]).code).toBe(0);
    utimesSync(p(`sw-out.jsonl.old-${dead}`), old, old);
    expect(run(['search', 'sosp', '--problems', `sw-out.jsonl.old-${dead}`, '--out', 'sw-out.jsonl']).code).toBe(0);
    expect(existsSync(p(`sw-out.jsonl.old-${dead}`))).toBe(true);
    expect(run(['problems', '--count', '5', '--seed', '3', '--exclude', `sw-out.jsonl.old-${dead}`, '--out', 'sw-out.jsonl']).code).toBe(0);
    expect(existsSync(p(`sw-out.jsonl.old-${dead}`))).toBe(true);
    rmSync(p(`sw-out.jsonl.old-${dead}`));
  });

  it('corpus: a link at a file name it writes anew (a top file\'s .partial) is refused, never written through nor removed; its own .partial there is replaced', () => {
    rmSync(p('lnk'), { recursive: true, force: true });
    mkdirSync(p('lnk'));
    writeFileSync(p('precious-a.txt'), 'precious\n');
    writeFileSync(p('precious-b.txt'), 'precious\n');
    symlinkSync('../precious-a.txt', p('lnk/stats.json.partial'));
    linkSync(p('precious-b.txt'), p('lnk/README.md.partial'));
    const corpus = ['corpus', '--count', '30', '--val-count', '5', '--solvers', 'sosp', '--quiet', '--out', 'lnk'];
    expectRefused(run(corpus), /lnk already holds README\.md\.partial, which is not a countdown-traces card, at a path a run writes; move it away/);
    rmSync(p('lnk/README.md.partial'));
    expectRefused(run([...corpus, '--force']), /--force: lnk\/stats\.json\.partial is not a file of a countdown-traces corpus/);
    expect(lstatSync(p('lnk/stats.json.partial')).isSymbolicLink()).toBe(true);
    rmSync(p('lnk/stats.json.partial'));
    // A hard link to a .partial the tool writes (its first bytes) is the tool's: replaced, the other name untouched.
    writeFileSync(p('precious-b.txt'), '{\n  "records": {');
    linkSync(p('precious-b.txt'), p('lnk/stats.json.partial'));
    expect(run(corpus).code).toBe(0);
    expect(text('precious-a.txt')).toBe('precious\n');
    expect(text('precious-b.txt')).toBe('{\n  "records": {');
    expect(lstatSync(p('lnk/stats.json')).isFile()).toBe(true);
    expect(statSync(p('lnk/stats.json')).nlink).toBe(1);
    for (const n of ['lnk', 'precious-a.txt', 'precious-b.txt']) rmSync(p(n), { recursive: true });
  });

  it("corpus: a link at a later stage's config folder is refused before any data is written", () => {
    rmSync(p('late-link'), { recursive: true, force: true });
    mkdirSync(p('late-link'));
    symlinkSync('/nonexistent', p('late-link/apr_sequences'));
    expectRefused(run(['corpus', '--count', '30', '--val-count', '5', '--solvers', 'sosp,apr', '--quiet', '--out', 'late-link']), /late-link\/apr_sequences is not a folder of this run \(a link or a file\)/);
    expect(readdirSync(p('late-link'))).toEqual(['apr_sequences']);
    rmSync(p('late-link'), { recursive: true });
  });

  it('an output written in place (a pipe) is never removed when another output of the command cannot be renamed', async () => {
    const fifo = p('pair-fifo');
    rmSync(fifo, { force: true });
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // A reader holds the pipe open, so the writer never waits; what it reads is dropped.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      rmSync(p('pair-seq.jsonl'), { recursive: true, force: true });
      const records = RecordSink.open(fifo, []);
      const sequences = RecordSink.open(p('pair-seq.jsonl'), []);
      await records.write('{"a": 1}');
      await sequences.write('{"b": 2}');
      mkdirSync(join(p('pair-seq.jsonl'), 'inside'), { recursive: true });
      await expect(RecordSink.closeAll([records, sequences])).rejects.toThrow(/cannot write .*pair-seq\.jsonl: /);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
    } finally {
      closeSync(reader);
      rmSync(fifo, { force: true });
      rmSync(p('pair-seq.jsonl'), { recursive: true, force: true });
    }
  });

  it('outputs of one command go together: when one cannot be renamed into place, those renamed before it are left as before the run', async () => {
    for (const earlier of [undefined, 'an earlier run\n']) {
      rmSync(p('pair-seq.jsonl'), { recursive: true, force: true });
      writeFileSync(p('pair-seq.jsonl'), 'an earlier run\n');
      if (earlier === undefined) rmSync(p('pair-rec.jsonl'), { force: true });
      else writeFileSync(p('pair-rec.jsonl'), earlier);
      const records = RecordSink.open(p('pair-rec.jsonl'), []);
      const sequences = RecordSink.open(p('pair-seq.jsonl'), []);
      await records.write('{"a": 1}');
      await sequences.write('{"b": 2}');
      // Its name taken by a folder that is not empty: the rename fails after the first output's.
      rmSync(p('pair-seq.jsonl'));
      mkdirSync(join(p('pair-seq.jsonl'), 'inside'), { recursive: true });
      await expect(RecordSink.closeAll([records, sequences])).rejects.toThrow(/cannot write .*pair-seq\.jsonl: .*; .*pair-rec\.jsonl left as before this run, as the outputs of one command go together$/);
      // The earlier records file is back (or there is none, as before), and no other name is left.
      if (earlier === undefined) expect(existsSync(p('pair-rec.jsonl'))).toBe(false);
      else expect(readFileSync(p('pair-rec.jsonl'), 'utf8')).toBe(earlier);
      expect(readdirSync(dir).filter((n) => n.startsWith('pair-') && (n.includes('.tmp-') || n.includes('.old-')))).toEqual([]);
    }
    // When every rename works, the earlier files' second names go too.
    rmSync(p('pair-seq.jsonl'), { recursive: true, force: true });
    const records = RecordSink.open(p('pair-rec.jsonl'), []);
    await records.write('{"a": 1}');
    await RecordSink.closeAll([records]);
    expect(readFileSync(p('pair-rec.jsonl'), 'utf8')).toBe('{"a": 1}\n');
    expect(readdirSync(dir).filter((n) => n.startsWith('pair-rec.jsonl.'))).toEqual([]);
  });

  it('inspect: a window too small for the problem is one line and exit 2, as in search; a problem --fit drop leaves out has no record to show', () => {
    for (const solver of ['sosp', 'apr', 'bfs', 'dfs']) {
      // Never --fit drop, which would leave nothing to show.
      expectRefused(run(['inspect', '--nums', '22,26,31,53', '--target', '27', '--solver', solver, '--window', '100']), /^countdown-traces: --window 100 cannot hold the first expansion of this problem's search; raise --window( or lower --max-beam)?$/);
    }
    // A window the prefix tips over names it (155 holds this search without one).
    writeFileSync(p('six-prefix.jsonl'), '{"nums": [17, 61, 7, 67, 92, 57], "target": 18}\n');
    expect(run(['search', 'apr', '--problems', 'six-prefix.jsonl', '--window', '155', '--out', 'six-prefix-apr.jsonl']).code).toBe(0);
    expectRefused(
      run(['search', 'apr', '--problems', 'six-prefix.jsonl', '--window', '155', '--condition', 'sub-call-budget', '--out', 'six-prefix-apr.jsonl']),
      /six-prefix\.jsonl:1: --window 155 cannot hold the first expansion of this problem's search beside its Sub Call Budget prefix; raise --window$/,
    );
    // Dropped, the message says why: a first expansion too wide (what --fit stop would say), or a search cut short.
    expectRefused(run(['inspect', '--nums', '22,26,31,53', '--target', '27', '--solver', 'sosp', '--window', '100', '--fit', 'drop']), /--fit drop leaves this problem out, so there is no record to show: --window 100 cannot hold the first expansion of this problem's search; raise --window or lower --max-beam$/);
    expectRefused(run(['inspect', '--nums', '38,89,39,91,33', '--target', '63', '--solver', 'sosp', '--window', '600', '--fit', 'drop']), /--window 600 cannot hold this problem's whole search, and --fit drop leaves it out: no record to show; raise --window, or use --fit stop to see it cut at the window$/);
    // A beam of 1 cannot be narrowed: only the window is offered.
    expectRefused(run(['inspect', '--nums', '22,26,31,53', '--target', '27', '--solver', 'sosp', '--window', '100', '--max-beam', '1']), /; raise --window$/);
  });

  it('standard output closed early: a file the command also wrote is removed and named, exit 2; with stdout alone, exit 0', () => {
    expect(run(['problems', '--count', '400', '--seed', '8', '--out', 'pipe-in.jsonl']).code).toBe(0);
    const both = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" search apr --problems pipe-in.jsonl --out pipe-rec.jsonl --sequences-out - | head -c 100 > /dev/null; exit \${PIPESTATUS[0]}`], { cwd: dir, encoding: 'utf8' });
    expect(both.status).toBe(2);
    expect(both.stderr).toBe('countdown-traces: standard output closed early; pipe-rec.jsonl not written\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('pipe-rec'))).toEqual([]);
    const alone = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" search apr --problems pipe-in.jsonl --out - | head -c 100 > /dev/null; exit \${PIPESTATUS[0]}`], { cwd: dir, encoding: 'utf8' });
    expect(alone.status).toBe(0);
    // verify's exit code is its verdict: one never reached is no pass (a failing verify | head exited 0).
    // Far more findings than a pipe holds (64 KiB), so the writes go on after head has gone.
    writeFileSync(p('pipe-bad.jsonl'), text('pipe-in.jsonl').replaceAll('"target": ', '"target": 1').repeat(10));
    const verdict = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" verify pipe-bad.jsonl | head -c 100 > /dev/null; exit \${PIPESTATUS[0]}`], { cwd: dir, encoding: 'utf8' });
    expect(verdict.stderr).toBe('countdown-traces: standard output closed early; verify stopped before its verdict\n');
    expect(verdict.status).toBe(2);
  });

  it('inspect refuses standard output sent onto the file it reads', () => {
    writeFileSync(p('self.jsonl'), text('in.jsonl'));
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${cli}" inspect --record self.jsonl:0 >> self.jsonl`], { cwd: dir, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^countdown-traces: standard output - is --record self\.jsonl \(the same file\)/);
    expect(text('self.jsonl')).toBe(text('in.jsonl'));
  });

  it('a second output that cannot be opened leaves no temporary file of the first', () => {
    mkdirSync(p('not-a-dir-parent'));
    writeFileSync(p('not-a-dir-parent/file'), '');
    const r = run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'first.jsonl', '--sequences-out', 'not-a-dir-parent/file/seq.jsonl']);
    expect(r.code).toBe(2);
    expect(readdirSync(dir).filter((f) => f.startsWith('first.jsonl'))).toEqual([]);
  });

  it('an output that fails takes back the folders it made (only those left empty), for records and pages alike', () => {
    writeFileSync(p('late-fault.jsonl'), '{"nums": [1, 2, 3], "target": 6}\n{"nums": [1, 2\n');
    expectRefused(run(['search', 'sosp', '--problems', 'late-fault.jsonl', '--out', 'made/a/o.jsonl', '--sequences-out', 'made/b/s.jsonl']), /late-fault\.jsonl:2: not valid JSON/);
    expect(existsSync(p('made'))).toBe(false);
    mkdirSync(p('had'));
    writeFileSync(p('had/mine.txt'), 'x');
    expectRefused(run(['search', 'sosp', '--problems', 'late-fault.jsonl', '--out', 'had/new/o.jsonl']), /late-fault\.jsonl:2/);
    expect(readdirSync(p('had'))).toEqual(['mine.txt']);
    // A page's writer takes them back by the same rule (a write that fails after its folders were
    // made: here its text is no text); a folder holding anything stays.
    expect(() => writePage(p('page/x/y/p.html'), 123 as unknown as string)).toThrow(/cannot write/);
    expect(existsSync(p('page'))).toBe(false);
    mkdirp(p('kept/x/y'));
    writeFileSync(p('kept/x/other.txt'), 'x');
    removeEmptyMadeFolders();
    expect(existsSync(p('kept/x/y'))).toBe(false);
    expect(readdirSync(p('kept/x'))).toEqual(['other.txt']);
    // A folder taken back by another run between this one's mkdir and its open is made again.
    let tries = 0;
    const made = inFolder(p('again'), () => {
      if (tries++ === 0) rmSync(p('again'), { recursive: true }); // the other run, at the worst moment
      writeFileSync(p('again/f'), 'x');
      return 'made';
    });
    expect([made, tries]).toEqual(['made', 2]);
  });

  it('refused, not bent: reference val without the train file, --fit/--max-depth/--wave with --window 0, an empty problems file, labels empty or alike', () => {
    expectRefused(run(['problems', '--compat', 'reference', '--split', 'val', '--count', '5', '--out', 'rv.jsonl']), /--split val with --compat reference needs --exclude TRAIN/);
    // ... or with a train file its seed does not draw (another seed's was taken, and val came out as if it were the seed's)
    expect(run(['problems', '--compat', 'reference', '--count', '20', '--seed', '42', '--out', 'rt20.jsonl']).code).toBe(0);
    expect(run(['problems', '--compat', 'reference', '--count', '25', '--seed', '42', '--out', 'rt25.jsonl']).code).toBe(0);
    expect(run(['problems', '--compat', 'reference', '--split', 'val', '--count', '5', '--seed', '42', '--exclude', 'rt20.jsonl', '--out', 'rv.jsonl']).code).toBe(0);
    expect(text('rv.jsonl')).toBe(text('rt25.jsonl').split('\n').slice(20).join('\n')); // the draws after train's (none of them a train problem)
    expectRefused(
      run(['problems', '--compat', 'reference', '--split', 'val', '--count', '5', '--seed', '7', '--exclude', 'rt20.jsonl', '--out', 'rv7.jsonl']),
      /^countdown-traces: --exclude rt20\.jsonl:1: not the train problem --seed 7 draws there \(\[.*\], target \d+\); reference mode draws val after its train set/,
    );
    expect(existsSync(p('rv7.jsonl'))).toBe(false);
    // The train file on standard input too (the problems are drawn on a thread, which reads it there)
    expect(run(['problems', '--compat', 'reference', '--split', 'val', '--count', '5', '--seed', '42', '--exclude', '-', '--out', 'rv-in.jsonl'], 'rt20.jsonl').code).toBe(0);
    expect(text('rv-in.jsonl')).toBe(text('rv.jsonl'));
    for (const [solver, opt] of [['sosp', ['--fit', 'drop']], ['apr', ['--max-depth', '2']], ['apr', ['--wave', '1']]] as const) {
      expectRefused(run(['search', solver, '--problems', 'in.jsonl', '--window', '0', ...opt, '--out', 'w0.jsonl']), new RegExp(`${opt[0]} cannot be combined with --window 0`));
    }
    writeFileSync(p('none.jsonl'), '');
    expectRefused(run(['search', 'sosp', '--problems', 'none.jsonl', '--out', 'none-out.jsonl']), /none\.jsonl: holds no problems/);
    expect(existsSync(p('none-out.jsonl'))).toBe(false);
    expectRefused(run(['stats', 'in.jsonl', 'pipe-in.jsonl', '--label', 'A', '--label', 'A']), /--label "A" is given for two inputs/);
    // Told apart as shown: a control character and its escape's text look alike.
    expectRefused(run(['stats', 'in.jsonl', 'pipe-in.jsonl', '--label', 'a\u0001', '--label', 'a\\u0001']), /--label "a\\\\u0001" is given for two inputs \(as shown\)/);
    expectRefused(run(['stats', 'in.jsonl', '--label', '']), /--label 1 is empty/);
  });

  it('inspect --json on an unreachable target writes a record the tool reads back (no solution fields)', () => {
    const r = run(['inspect', '--nums', '5,5,5,5', '--target', '21', '--json']);
    expect(r.code).toBe(0);
    const rec = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(rec.solution).toBeUndefined();
    expect(rec.optimal_path).toBeUndefined();
    writeFileSync(p('unreached.jsonl'), r.stdout);
    expect(run(['verify', 'unreached.jsonl']).code).toBe(0);
    expect(run(['search', 'sosp', '--problems', 'unreached.jsonl', '--out', 'unreached-out.jsonl']).code).toBe(0);
    expect(run(['inspect', '--record', 'unreached.jsonl:0']).code).toBe(0);
  });

  it('a fault in a .json array names the line its element starts on', () => {
    writeFileSync(p('arr-bad.json'), '[\n{"nums": [1, 2, 3, 4], "target": 24},\n{"nums": [1, 2, 3, 4], "target": "x"}\n]\n');
    expectRefused(run(['search', 'sosp', '--problems', 'arr-bad.json', '--out', 'arr.jsonl']), /arr-bad\.json:3: "target" must be an integer of at least 2/);
  });

  it('a whole number past 2^53 is named as one, not as no integer', () => {
    writeFileSync(p('huge.jsonl'), '{"nums": [1, 2], "target": 10000000000000000}\n{"nums": [1, 2, 3, 9007199254740993], "target": 10}\n');
    expectRefused(run(['search', 'sosp', '--problems', 'huge.jsonl', '--out', 'huge-out.jsonl']), /^countdown-traces: huge\.jsonl:1: "target" is past exact integer arithmetic \(2\^53\)$/);
    writeFileSync(p('huge.jsonl'), '{"nums": [1, 2, 3, 9007199254740993], "target": 10}\n');
    expectRefused(run(['search', 'sosp', '--problems', 'huge.jsonl', '--out', 'huge-out.jsonl']), /^countdown-traces: huge\.jsonl:1: "nums" holds a number past exact integer arithmetic \(2\^53\)$/);
  });

  it('an error is one line even when a value, a file or a parser brings line breaks in', () => {
    writeFileSync(p('bad-array.json'), '[\n{"nums":[1,2,3,4],"target":24},\n]\n');
    expectRefused(run(['search', 'sosp', '--problems', 'bad-array.json', '--out', 'ba.jsonl']), /bad-array\.json:3: not valid JSON .*\\n/);
    expectRefused(run(['search', 'sosp', '--problems', 'in.jsonl', '--heuristic', 'mult\nX', '--out', 'h.jsonl']), /got "mult\\nX"/);
    // Commander's own errors: the suggestion and the pointer to --help on the same line.
    expectRefused(run(['corpus', '--counts', '5']), /unknown option '--counts' \(Did you mean --count\?\) \(run with --help for usage\)$/);
    // help of a command there is not: one line naming the commands (the whole help was printed, exit 2).
    expectRefused(run(['help', 'serch']), /^countdown-traces: help: no command "serch"; the commands: problems, search, inspect, corpus, merge, report, stats, verify$/);
    for (const args of [['help', 'search'], ['help', 'help'], ['help', '--help'], ['help', '-h']]) expect(run(args).code, args.join(' ')).toBe(0);
  });

  it('an empty --out is refused, naming the option', () => {
    expectRefused(run(['problems', '--count', '5', '--out', '']), /^countdown-traces: --out is empty: name a file/);
    expectRefused(run(['corpus', '--count', '5', '--out', '']), /^countdown-traces: --out is empty: name a folder/);
    // Checked before a merge's other rules (an empty name is the current folder, which may hold the shards).
    expectRefused(run(['merge', 'shard', '--out', '']), /^countdown-traces: --out is empty: name a folder/);
    // An empty --sequences-out was taken as not given: the sequences were not written, exit 0.
    expectRefused(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'e.jsonl', '--sequences-out', '']), /^countdown-traces: --sequences-out is empty: name a file/);
  });

  it('an empty input name is refused, naming the option (an empty --exclude was taken as not given: nothing excluded, exit 0)', () => {
    expectRefused(run(['problems', '--count', '5', '--exclude', '', '--out', 'e.jsonl']), /^countdown-traces: --exclude is empty: name a file$/);
    expectRefused(run(['search', 'sosp', '--problems', '', '--out', 'e.jsonl']), /^countdown-traces: --problems is empty: name a file$/);
    // An empty name is the current folder: it was taken for a shard folder holding --out.
    expectRefused(run(['merge', '', 'shard', '--out', 'merged']), /^countdown-traces: the shard folder is empty: name a folder$/);
    for (const args of [['verify', ''], ['stats', ''], ['report', '', '--out', 'e.html']]) {
      expectRefused(run(args), /^countdown-traces: an input is empty: name a file or folder$/);
    }
    expect(existsSync(p('e.jsonl'))).toBe(false);
  });

  it('--workers is capped', () => {
    expectRefused(run(['corpus', '--workers', '1000', '--out', 'many']), /--workers: at most \d+ \(4 per core on this machine\), got 1000/);
  });
});

describe('search never writes a line its readers refuse', () => {
  it('a record past the line limit is refused, naming the problem (six ones without a window made 529 MiB, exit 0)', () => {
    const maker = { unsafeMake: () => ({ json: new Uint8Array(LINE_LIMIT + 1) }) } as unknown as RecordMaker;
    const problem = { nums: [1, 1, 1, 1, 1, 1], target: 1000 } as unknown as Problem;
    const settings = testSettings('dfs', 0);
    expect(() => makeSearchOrExplain(maker, problem, {}, streamFor(0, 'dfs', 0), settings, 'hard.jsonl', 7)).toThrow(
      /^hard\.jsonl:7: its record would be 256 MiB, past the 256 MiB a line may hold \(the readers of this tool refuse longer ones\); a window \(--window 4096\) bounds a record$/,
    );
  });
});

describe('SIGINT, SIGTERM and SIGHUP remove unfinished outputs', () => {
  /** Starts a command, waits until its temporary output holds data, sends `signal`, returns its exit. */
  async function interrupt(args: string[], signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const tmp = () => readdirSync(dir).filter((f) => f.includes(`.tmp-${child.pid}`));
    while (!tmp().some((f) => statSync(p(f)).size > 0)) await new Promise((r) => setTimeout(r, 20));
    child.kill(signal);
    return { code: await exited, stderr };
  }

  beforeAll(() => {
    expect(run(['problems', '--count', '5000', '--seed', '3', '--out', 'many.jsonl']).code).toBe(0);
  });

  it('search', async () => {
    const r = await interrupt(['search', 'apr', '--window', '0', '--problems', 'many.jsonl', '--out', 'sig.jsonl', '--sequences-out', 'sig-seq.jsonl'], 'SIGTERM');
    expect(r.code).toBe(143);
    expect(r.stderr).toBe('countdown-traces: stopped by SIGTERM; sig.jsonl and sig-seq.jsonl not written\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.startsWith('sig'))).toEqual([]);
  });

  it('problems', async () => {
    const r = await interrupt(['problems', '--count', '5000000', '--out', 'sig.jsonl'], 'SIGINT');
    expect(r.code).toBe(130);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.startsWith('sig'))).toEqual([]);
  });

  it('a corpus run stops cleanly at SIGHUP even when its stderr is gone (a closed terminal): it died of the write, exit 1, no checkpoint, the lock left', async () => {
    const child = spawn(process.execPath, [cli, 'corpus', '--count', '200000', '--val-count', '10', '--solvers', 'dfs', '--workers', '1', '--out', 'hup'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', () => {});
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!existsSync(p('hup/.corpus-checkpoint.json'))) await new Promise((r) => setTimeout(r, 20));
    const first = statSync(p('hup/.corpus-checkpoint.json')).mtimeMs;
    child.stderr.destroy();
    child.kill('SIGHUP');
    expect(await exited).toBe(129);
    expect(existsSync(p('hup/.corpus.lock'))).toBe(false);
    expect(statSync(p('hup/.corpus-checkpoint.json')).mtimeMs).toBeGreaterThan(first); // saved at the stop
  });

  it('problems whose first record takes long to draw (solvable targets rare): SIGTERM is heard meanwhile, the file removed', async () => {
    // Five numbers up to 100 and a prime target near 10^10: 200,000 fruitless draws (about 50 s) before it gives up.
    const args = ['problems', '--min-numbers', '5', '--max-numbers', '5', '--min-target', '9999999967', '--max-target', '9999999967', '--max-number', '100', '--count', '1', '--out', 'rare.jsonl'];
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    while (!readdirSync(dir).some((f) => f.startsWith(`rare.jsonl.tmp-${child.pid}`))) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300)); // well into its draws
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(stderr).toBe('countdown-traces: stopped by SIGTERM; rare.jsonl not written\n');
    expect(readdirSync(dir).filter((f) => f.startsWith('rare'))).toEqual([]);
  });

  it('SIGHUP too (a closed terminal): it left the temporary file', async () => {
    const r = await interrupt(['problems', '--count', '5000000', '--out', 'sig.jsonl'], 'SIGHUP');
    expect(r.code).toBe(129);
    expect(r.stderr).toBe('countdown-traces: stopped by SIGHUP; sig.jsonl not written\n');
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-') || f.startsWith('sig'))).toEqual([]);
  });
});

describe('pipes and folders as inputs', () => {
  /** Starts a command; `stop` sends a signal and returns its exit code, or fails if it outlives the signal by 5 s (then killed outright). */
  function started(args: string[]) {
    const child = spawn(process.execPath, [cli, ...args], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    return {
      exited,
      stderr: () => stderr,
      async stop(signal: NodeJS.Signals): Promise<number | null | 'hung'> {
        child.kill(signal);
        const timer = new Promise<'hung'>((resolve) => setTimeout(() => resolve('hung'), 5000));
        const r = await Promise.race([exited, timer]);
        if (r === 'hung') child.kill('SIGKILL');
        return r;
      },
    };
  }

  it('standard input that is a folder is refused as a named folder is (it read as empty: verify passed it, exit 0)', () => {
    mkdirSync(p('stdin-folder'));
    expectRefused(run(['verify', '-'], 'stdin-folder'), /^countdown-traces: cannot read -: is a folder$/);
    expectRefused(run(['search', 'sosp', '--problems', '-', '--out', 'from-folder.jsonl'], 'stdin-folder'), /^countdown-traces: cannot read -: is a folder$/);
    expectRefused(run(['problems', '--count', '3', '--exclude', '-', '--out', 'from-folder.jsonl'], 'stdin-folder'), /^countdown-traces: cannot read -: is a folder$/);
    expect(existsSync(p('from-folder.jsonl'))).toBe(false);
  });

  it('an input pipe without a writer is waited for, and SIGTERM or SIGINT still ends the wait (it said "stopped" and hung until killed outright)', async () => {
    spawnSync('mkfifo', [p('in.fifo.jsonl')]);
    for (const [args, signal, code] of [
      [['search', 'sosp', '--problems', 'in.fifo.jsonl', '--out', 'fifo-out.jsonl'], 'SIGTERM', 143],
      [['problems', '--count', '3', '--exclude', 'in.fifo.jsonl', '--out', 'fifo-out.jsonl'], 'SIGINT', 130],
    ] as const) {
      const c = started([...args]);
      // Its output's temporary file is open (so its stop handlers are set), and it waits for a
      // writer: a fixed pause lost the race on a loaded machine, where the default handler killed it.
      for (let t = 0; !readdirSync(dir).some((f) => f.startsWith('fifo-out.jsonl.tmp-')); t += 20) {
        if (t > 20_000) throw new Error(`${args[0]} opened no temporary file: ${c.stderr()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
      await new Promise((r) => setTimeout(r, 200));
      expect(await c.stop(signal), `${args[0]} outlived ${signal}`).toBe(code);
      expect(readdirSync(dir).filter((f) => f.startsWith('fifo-out'))).toEqual([]);
    }
    // A writer that comes late is read to its end.
    const late = started(['search', 'sosp', '--problems', 'in.fifo.jsonl', '--out', 'fifo-out.jsonl']);
    await new Promise((r) => setTimeout(r, 300));
    const writer = spawn('sh', ['-c', 'cat in.jsonl > in.fifo.jsonl'], { cwd: dir });
    await new Promise((resolve) => writer.on('exit', resolve));
    expect(await late.exited).toBe(0);
    expect(text('fifo-out.jsonl').split('\n').filter(Boolean)).toHaveLength(20);
    rmSync(p('fifo-out.jsonl'));
    rmSync(p('in.fifo.jsonl'));
  });

  it('a .json array on a pipe is refused: a strict read takes it twice, and a pipe gives its text once (the second read waited for ever)', () => {
    spawnSync('mkfifo', [p('in.fifo.json')]);
    for (const args of [
      ['search', 'sosp', '--problems', 'in.fifo.json', '--out', 'fifo-out.jsonl'],
      ['problems', '--count', '3', '--exclude', 'in.fifo.json', '--out', 'fifo-out.jsonl'],
      ['verify', 'in.fifo.json'],
      ['inspect', '--record', 'in.fifo.json:0'],
    ]) {
      // Killed outright if it hangs: a stop signal did not end it.
      const s = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', cwd: dir, timeout: 10_000, killSignal: 'SIGKILL' });
      const r = { code: s.status, stdout: s.stdout, stderr: s.stderr };
      expect(s.signal, `${args[0]} hung`).toBeNull();
      expectRefused(r, /^countdown-traces: in\.fifo\.json: a pipe, which gives its text once, and a \.json array is read twice .*; name a file, or send JSON Lines/);
    }
    expect(existsSync(p('fifo-out.jsonl'))).toBe(false);
    rmSync(p('in.fifo.json'));
  });
});

describe('counts that take long', () => {
  it('a count beyond the problem space is refused at once', () => {
    expectRefused(run(['problems', '--count', '1000000000000', '--out', 'huge.jsonl']), /--count 1000000000000 is more than the 386,711,325 distinct problems these options allow/);
    expectRefused(run(['corpus', '--count', '1000000000000', '--out', 'huge']), /--count \+ --val-count 1000000001000 is more than the 386,711,325 distinct problems/);
    expect(existsSync(p('huge'))).toBe(false);
  });

  it('runCorpus checks the counts itself, so a caller other than the command line cannot skip the check', async () => {
    const { runCorpus } = await import('../src/pipeline/corpus/run.js');
    const options = { count: 1e12, seed: 0, valCount: 0, spec: { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100, maxNumber: 99 }, solvers: [], settings: {}, window: 4096, compress: 'none', maxFileSize: 0 } as const;
    const settings = { out: p('api'), workers: 0, workerHeap: 256, batchSize: undefined, shard: { index: 0, count: 1 }, start: 'new', checkpointInterval: 5, quiet: true, timings: undefined, argv: [] } as const;
    await expect(runCorpus(options, settings)).rejects.toThrow(/--count \+ --val-count 1000000000000 is more than the/);
    expect(existsSync(p('api'))).toBe(false);
  });

  it('a small space is counted per split: a val count beyond its share is refused at once, one within it is met', () => {
    // Two numbers: 107 solvable val problems (val is about 1/64 of the space); many targets have none.
    const two = ['--min-numbers', '2', '--max-numbers', '2'];
    expectRefused(run(['corpus', '--count', '100', ...two, '--solvers', 'sosp', '--out', 'two']), /--val-count 1000 is more than the 107 solvable val problems these options allow/);
    expect(existsSync(p('two'))).toBe(false);
    expectRefused(run(['problems', '--split', 'val', '--count', '200', '--min-numbers', '3', '--max-numbers', '3', '--max-target', '20', '--out', 'v3.jsonl']), /--count 200 is more than the 56 solvable val problems/);
    expect(existsSync(p('v3.jsonl'))).toBe(false);
    const r = run(['problems', '--split', 'val', '--count', '107', ...two, '--seed', '4', '--out', 'v2.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    const val = text('v2.jsonl').trim().split('\n').map((l) => JSON.parse(l) as { nums: number[]; target: number });
    expect(new Set(val.map((q) => `${[...q.nums].sort((a, b) => a - b).join(',')}:${q.target}`)).size).toBe(107);
    expect(val.every((q) => q.nums.length === 2 && splitOf(q.nums, q.target) === 'val')).toBe(true);
  });

  it('reference mode: a draw whose excluded problems leave none to redraw is refused (it never ended), one with a problem left is met', () => {
    const two = ['--compat', 'reference', '--min-numbers', '2', '--max-numbers', '2', '--max-target', '20'];
    // 1,000 train problems hold all 146 solvable ones; val only rejects train's, so it would redraw for ever.
    expect(run(['problems', ...two, '--count', '1000', '--out', 'rt146.jsonl']).code).toBe(0);
    expectRefused(
      run(['problems', ...two, '--split', 'val', '--exclude', 'rt146.jsonl', '--count', '1000', '--out', 'rv146.jsonl']),
      /^countdown-traces: --exclude rt146\.jsonl holds all 146 solvable problems these options allow, so none is left to draw: .*would never end; widen the ranges$/,
    );
    expect(existsSync(p('rv146.jsonl'))).toBe(false);
    // Val repeats problems: 1,000 after 50 train ones is met (104 distinct ones).
    expect(run(['problems', ...two, '--count', '50', '--out', 'rt50.jsonl']).code).toBe(0);
    expect(run(['problems', ...two, '--split', 'val', '--exclude', 'rt50.jsonl', '--count', '1000', '--out', 'rv50.jsonl']).code).toBe(0);
    // A record keeps the size it drew: with 3 numbers left but none of 2, the first record of 2 is refused.
    const mixed = ['--compat', 'reference', '--min-numbers', '2', '--max-numbers', '3', '--max-target', '20'];
    expectRefused(
      run(['problems', ...mixed, '--exclude', 'rt146.jsonl', '--count', '10', '--out', 'rm.jsonl']),
      /^countdown-traces: record 2 draws 2 numbers, and --exclude rt146\.jsonl holds every solvable problem with 2 numbers .*would never end; .*\(3\)$/,
    );
    expect(existsSync(p('rm.jsonl'))).toBe(false);
  });

  it('a counted space can be used up to its last problem, by problems and the corpus alike (its last records were too rare to draw: refused at record 3,302 of 3,304)', () => {
    const three = ['--min-numbers', '3', '--max-numbers', '3', '--max-target', '20'];
    expectRefused(run(['problems', ...three, '--count', '3305', '--out', 'all3.jsonl']), /--count 3305 is more than the 3,304 solvable train problems/);
    const r = run(['problems', ...three, '--count', '3304', '--out', 'all3.jsonl']);
    expect(r.code, r.stderr).toBe(0);
    const lines = text('all3.jsonl').trim().split('\n');
    const keys = lines.map((l) => JSON.parse(l) as { nums: number[]; target: number }).map((q) => `${[...q.nums].sort((a, b) => a - b).join(',')}:${q.target}`);
    expect(new Set(keys).size).toBe(3304);
    // Records before the way out are as they were: a shorter run is a prefix.
    expect(run(['problems', ...three, '--count', '3000', '--out', 'most3.jsonl']).code).toBe(0);
    expect(text('all3.jsonl').startsWith(text('most3.jsonl'))).toBe(true);
    // The corpus takes the same records, with workers or without.
    for (const workers of ['0', '2']) {
      const c = run(['corpus', ...three, '--count', '3304', '--val-count', '10', '--solvers', 'dfs', '--quiet', '--workers', workers, '--out', `all3-w${workers}`]);
      expect(c.code, c.stderr).toBe(0);
      expect(text(`all3-w${workers}/problems/train-00000-of-00001.jsonl`)).toBe(text('all3.jsonl'));
    }
  });

  it('a tiny space of four to six numbers is listed too: a target none of its numbers reach is drawn again, and a count beyond it is refused at once', () => {
    // Four 2s make 16, never 15: whatever the seed, the target is drawn again (seed 1 drew 15 and was refused).
    const tiny = ['--max-number', '2', '--min-target', '15', '--max-target', '16', '--min-numbers', '4', '--max-numbers', '4'];
    for (const seed of ['0', '1', '2']) {
      expect(run(['problems', '--count', '1', '--seed', seed, ...tiny, '--out', `tiny-${seed}.jsonl`]).code).toBe(0);
      expect(JSON.parse(text(`tiny-${seed}.jsonl`))).toMatchObject({ nums: [2, 2, 2, 2], target: 16 });
    }
    // Six 2s: one problem (64) in 60..64; three are refused before any work (it ran for minutes).
    const six = ['--max-number', '2', '--min-target', '60', '--max-target', '64', '--min-numbers', '6', '--max-numbers', '6'];
    expectRefused(run(['problems', '--count', '3', ...six, '--out', 'six.jsonl']), /--count 3 is more than the 1 solvable train problem these options allow/);
    expect(run(['problems', '--count', '1', '--seed', '1', ...six, '--out', 'six.jsonl']).code).toBe(0);
  });

  it('a count that takes hours shows its progress and the time left', async () => {
    const child = spawn(process.execPath, [cli, 'problems', '--count', '300000000', '--out', 'long.jsonl'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    const line = await new Promise<string>((resolve) => {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = /^problems: long.jsonl .*$/m.exec(stderr);
        if (m) resolve(m[0]);
      });
    });
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
    expect(line).toMatch(/^problems: long.jsonl [\d,]+\/300,000,000 +[\d,]+ rec\/s +ETA (\d+h|\d+d)/);
    expect(readdirSync(dir).filter((f) => f.startsWith('long'))).toEqual([]);
  });
});

describe('options that contradict are refused', () => {
  it('--checkpoint-interval takes decimal seconds up to a day (it took 0x10 and 1e20)', () => {
    expectRefused(run(['corpus', '--count', '5', '--checkpoint-interval', '0x10', '--out', 'cpi']), /--checkpoint-interval: expected seconds \(0 or more\), got "0x10"/);
    expectRefused(run(['corpus', '--count', '5', '--checkpoint-interval', '1e20', '--out', 'cpi']), /--checkpoint-interval: must be at most 86400 seconds, got 1e20/);
    expect(existsSync(p('cpi'))).toBe(false);
  });

  it('an option given twice is refused, not settled by the last one (--label repeats, once per input)', () => {
    expectRefused(run(['problems', '--count', '5', '--count', '6', '--out', 'twice.jsonl']), /--count is given twice: give it once/);
    expectRefused(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'a.jsonl', '--out', 'b.jsonl']), /--out is given twice/);
    expect(existsSync(p('twice.jsonl')) || existsSync(p('a.jsonl')) || existsSync(p('b.jsonl'))).toBe(false);
  });

  it.each([
    [['search', 'sosp', '--compat', 'reference', '--window', '2048'], /--window cannot be combined with --compat reference/],
    [['search', 'sosp', '--compat', 'reference', '--window', '4096'], /--window cannot be combined with --compat reference/],
    [['search', 'sosp', '--compat', 'reference', '--fit', 'drop'], /--fit cannot be combined with --compat reference/],
    [['search', 'apr', '--min-beam', '10', '--max-sub-beam', '3'], /--max-sub-beam 3 is below --min-beam 10/],
    [['search', 'sosp', '--min-beam', '6'], /--min-beam 6 is larger than sosp's default --max-beam 5; give --max-beam as well/],
    // A flag the solver does not read would change nothing: refused, not ignored.
    [['search', 'dfs', '--promising', '0.3'], /--promising is for sosp and apr: dfs does not read it/],
    [['search', 'sosp', '--max-depth', '2'], /--max-depth is for apr: sosp does not read it/],
    [['search', 'dfs', '--max-beam', '3'], /--max-beam is for sosp, apr and bfs: dfs does not read it/],
  ])('%j', (args, message) => {
    expectRefused(run([...args, '--problems', 'in.jsonl', '--out', 'contra.jsonl']), message);
    expect(existsSync(p('contra.jsonl'))).toBe(false);
  });

  it('corpus --min-beam above the SoS+ default does not raise its max beam silently', () => {
    expectRefused(run(['corpus', '--min-beam', '6', '--out', 'contra']), /--min-beam 6 is larger than sosp's default --max-beam 5/);
    expect(existsSync(p('contra'))).toBe(false);
  });

  it('corpus gives a flag to the solvers that read it, and refuses one that none of them reads', () => {
    expectRefused(run(['corpus', '--solvers', 'sosp,dfs', '--wave', '2', '--out', 'contra']), /--wave is for apr: none of --solvers sosp,dfs reads it/);
    expect(existsSync(p('contra'))).toBe(false);
  });

  it('corpus lists take each value once: --condition as --solvers (token-budget,token-budget passed)', () => {
    expectRefused(run(['corpus', '--solvers', 'sosp,sosp', '--out', 'twice']), /--solvers: sosp is listed twice/);
    expectRefused(run(['corpus', '--condition', 'token-budget,token-budget', '--out', 'twice']), /--condition: token-budget is listed twice/);
    expect(existsSync(p('twice'))).toBe(false);
  });

  it('--compat says its value in the help', () => {
    for (const cmd of ['search', 'problems', 'inspect']) expect(run([cmd, '--help']).stdout).toMatch(/--compat <mode> +"reference": reproduce/);
  });
});

describe('invalid UTF-8 is refused with its file and line', () => {
  const good = () => text('in.jsonl').split('\n')[0]!;
  const bad = () => Buffer.concat([Buffer.from(`${good()}\n{"nums": [1, 2], "target": 3, "x": "`), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);

  beforeAll(() => {
    writeFileSync(p('bad-utf8.jsonl'), bad());
    writeFileSync(p('bad-utf8.json'), Buffer.concat([Buffer.from(`[\n${good()},\n`), bad().subarray(good().length + 1, -1), Buffer.from('\n]\n')]));
  });

  it.each([
    [['search', 'sosp', '--problems', 'bad-utf8.jsonl', '--out', 'u.jsonl'], /bad-utf8.jsonl:2: not valid UTF-8/],
    [['search', 'sosp', '--problems', 'bad-utf8.json', '--out', 'u.jsonl'], /bad-utf8.json:3: not valid UTF-8/],
    [['problems', '--exclude', 'bad-utf8.jsonl', '--out', 'u.jsonl'], /bad-utf8.jsonl:2: not valid UTF-8/],
    [['verify', 'bad-utf8.jsonl'], /bad-utf8.jsonl:2: not valid UTF-8/],
    [['inspect', '--record', 'bad-utf8.jsonl:1'], /bad-utf8.jsonl:2: not valid UTF-8/],
  ])('%j', (args, message) => {
    expectRefused(run(args), message);
    expect(existsSync(p('u.jsonl'))).toBe(false);
  });

  it('a byte-order mark is named as one (JSON.parse showed it as an invisible character in quotes)', () => {
    writeFileSync(p('bom.jsonl'), `\uFEFF${good()}\n`);
    writeFileSync(p('bom.json'), `\uFEFF[${good()}]\n`);
    const mark = String.raw`starts with a byte-order mark \(U\+FEFF\), which JSON does not allow: save the file as UTF-8 without one`;
    expectRefused(run(['search', 'sosp', '--problems', 'bom.jsonl', '--out', 'u.jsonl']), new RegExp(String.raw`bom\.jsonl:1: ${mark}$`));
    expectRefused(run(['verify', 'bom.json']), new RegExp(String.raw`bom\.json: ${mark}$`));
    // the streaming array reader of stats and report too
    // A file with no record in it is the one fault of the command: named once, in its error.
    expect(run(['stats', 'bom.json']).stderr).toMatch(new RegExp(String.raw`^countdown-traces: no records to report in bom\.json \(${mark}\)\n$`));
    expect(existsSync(p('u.jsonl'))).toBe(false);
  });

  it('a line of a byte-order mark or other Unicode space alone is no JSON, not a blank line (trim() took it for one and the line was passed over)', () => {
    writeFileSync(p('bom-line.jsonl'), `\uFEFF\n${good()}\n`);
    writeFileSync(p('nbsp-line.jsonl'), `${good()}\n \u00A0\n${good()}\n`);
    writeFileSync(p('lsep-line.jsonl'), `${good()}\n\u2028\n`);
    const mark = String.raw`starts with a byte-order mark \(U\+FEFF\), which JSON does not allow: save the file as UTF-8 without one`;
    expectRefused(run(['search', 'sosp', '--problems', 'bom-line.jsonl', '--out', 'u.jsonl']), new RegExp(String.raw`bom-line\.jsonl:1: ${mark}$`));
    expectRefused(run(['verify', 'nbsp-line.jsonl']), /nbsp-line\.jsonl:2: not valid JSON /);
    expectRefused(run(['problems', '--count', '3', '--exclude', 'lsep-line.jsonl', '--out', 'u.jsonl']), /lsep-line\.jsonl:2: not valid JSON /);
    expect(run(['stats', 'nbsp-line.jsonl']).stderr).toMatch(/nbsp-line\.jsonl:2: not valid JSON .*; line skipped\n/);
    // Blank lines of JSON's own whitespace are still passed over.
    writeFileSync(p('blank-lines.jsonl'), `\n \t\r\n${good()}\n\r\n`);
    expect(run(['verify', 'blank-lines.jsonl']).code).toBe(0);
    expect(existsSync(p('u.jsonl'))).toBe(false);
  });

  it('gzip data where text is read (on standard input, or a .jsonl name) is named as gzip once, not a flood of lines that are not UTF-8', () => {
    writeFileSync(p('zipped.jsonl'), gzipSync(readFileSync(p('in.jsonl'))));
    expectRefused(run(['search', 'sosp', '--problems', '-', '--out', 'u.jsonl'], 'zipped.jsonl'), /^countdown-traces: -:1: gzip data, not text: a file is read as gzip when its name ends in \.gz/);
    expectRefused(run(['verify', 'zipped.jsonl']), /zipped\.jsonl:1: gzip data, not text/);
    const s = run(['stats', 'zipped.jsonl']);
    expect(s.code).toBe(2);
    expect(s.stderr.trim().split('\n')).toHaveLength(2); // the gzip line, and the refusal naming the file
  });

  it('a JSON array where JSON Lines are read (standard input, a .jsonl name) is named once as an array, with what to do', () => {
    const array = `[${good()},\n${good()}]\n`;
    writeFileSync(p('array.jsonl'), array);
    for (const one of [array, array.replace('\n', ' ')]) {
      writeFileSync(p('array-in'), one);
      expectRefused(run(['search', 'sosp', '--problems', '-', '--out', 'u.jsonl'], 'array-in'), /^countdown-traces: -:1: a JSON array, where JSON Lines \(one record a line\) are read: a file is read as one array when its name ends in \.json/);
    }
    expectRefused(run(['verify', 'array.jsonl']), /array\.jsonl:1: a JSON array, where JSON Lines/);
    const s = run(['stats', 'array.jsonl']);
    expect(s.code).toBe(2);
    expect(s.stderr.trim().split('\n')).toHaveLength(2); // the array named once, then the refusal
    expect(s.stderr).toMatch(/array\.jsonl:1: a JSON array, .*; file skipped\n/);
  });

  it('the ending of a name chooses its format whatever its case: A.JSON is an array and B.JSONL.GZ gzip, as their lower-case names', () => {
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'A.JSON']).code).toBe(0);
    expect(readFileSync(p('A.JSON'), 'utf8')).toMatch(/^\[\n\{/);
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'B.JSONL.GZ']).code).toBe(0);
    expect(readFileSync(p('B.JSONL.GZ')).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    for (const f of ['A.JSON', 'B.JSONL.GZ']) expect(run(['verify', f]).code).toBe(0);
    // A folder's walk takes them by the same rule: it passed them over, and its figures were short with exit 0.
    mkdirSync(p('upper'));
    for (const f of ['A.JSON', 'B.JSONL.GZ']) writeFileSync(p(`upper/${f}`), readFileSync(p(f)));
    expect(recordFilesIn(p('upper')).map((f) => f.slice(p('upper').length + 1))).toEqual(['A.JSON', 'B.JSONL.GZ']);
    const s = run(['stats', 'upper']);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stdout).toMatch(/files read +2\n/);
  });

  it('text where gzip is read (a .gz name) is named as no gzip, with what to do, not in zlib\'s words', () => {
    writeFileSync(p('plain.jsonl.gz'), readFileSync(p('in.jsonl')));
    expectRefused(run(['search', 'sosp', '--problems', 'plain.jsonl.gz', '--out', 'u.jsonl']), /^countdown-traces: cannot read plain\.jsonl\.gz: not gzip data: a file is read as gzip when its name ends in \.gz \(name it without \.gz, or compress it with gzip\)$/);
    expectRefused(run(['verify', 'plain.jsonl.gz']), /plain\.jsonl\.gz: not gzip data/);
  });

  it('the streaming array reader of report keeps characters cut by chunk ends, and names the bad line', async () => {
    const wide = '€ü𝄞'.repeat(40_000); // 3-, 2- and 4-byte characters across many 64 KiB chunks
    const file = p('wide.json');
    writeFileSync(file, Buffer.concat([Buffer.from(`[\n{"text": "${wide}"},\n{"text": "`), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n]\n')]));
    const issues: ReadIssue[] = [];
    const items: unknown[] = [];
    for await (const item of readRecordsTolerant(file, (i) => issues.push(i))) items.push(item.value);
    expect(items).toEqual([{ text: wide }]);
    expect(issues).toEqual([{ file, line: 3, message: 'not valid UTF-8; kept the 1 element before' }]);
  });

  it('report and stats name the line and skip it, as any corrupt line', () => {
    for (const file of ['bad-utf8.jsonl', 'bad-utf8.json']) {
      const r = run(['stats', file]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(new RegExp(`${file.replace('.', '\\.')}:\\d: not valid UTF-8`));
    }
    // A file whose every line was skipped is not called empty (a 555 MB line was).
    writeFileSync(p('only-bad.jsonl'), Buffer.from('{"x": "\xff"}\n', 'latin1'));
    const r = run(['stats', 'only-bad.jsonl']);
    expect(r.stderr).toMatch(/only-bad\.jsonl:1: not valid UTF-8.*line skipped\n.*no records to report in only-bad\.jsonl \(every line was skipped\)\n$/);
  });
});

describe('verify reads sequences files as text', () => {
  it('verify recounts the token fields of a default-mode record from its text', () => {
    expect(run(['search', 'apr', '--problems', 'in.jsonl', '--out', 'tf.jsonl']).code).toBe(0);
    expect(run(['verify', 'tf.jsonl']).code).toBe(0);
    const lines = text('tf.jsonl').trim().split('\n');
    const k = lines.findIndex((l) => (JSON.parse(l) as { seq_count: number }).seq_count > 2);
    const r = JSON.parse(lines[k]!) as Record<string, unknown> & { token_count: number; seq_token_counts: number[] };
    const before = { token_count: r.token_count, first: r.seq_token_counts[0]! };
    r.token_count += 1;
    r.seq_token_counts[0]! += 1;
    r.avg_seq_token_count = 'x';
    lines[k] = JSON.stringify(r);
    writeFileSync(p('tf-bad.jsonl'), lines.join('\n') + '\n');
    const v = run(['verify', 'tf-bad.jsonl']);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`tf-bad.jsonl:${k + 1} record ${k} record: token fields disagree with the text: token_count ${before.token_count + 1} (the text: ${before.token_count}), avg_seq_token_count "x" is not a number, seq_token_counts [${before.first + 1}, `);
  });

  const lines = (name: string) => text(name).split('\n').filter(Boolean);
  const objects = (name: string) => lines(name).map((l) => JSON.parse(l) as { text: string; record: number; thread: string; tokens: number });
  const write = (name: string, items: unknown[]) => writeFileSync(p(name), items.map((o) => JSON.stringify(o)).join('\n') + '\n');
  const corrupt = (s: string) => s.replace(/Exploring Operation: (\d+)\+(\d+)=(\d+)/, (_, a, b, c) => `Exploring Operation: ${a}+${b}=${Number(c) + 1}`);

  beforeAll(() => {
    expect(run(['search', 'apr', '--problems', 'in.jsonl', '--out', 'v-apr.jsonl', '--sequences-out', 'v-apr.seq.jsonl', '--condition', 'sub-call-budget']).code).toBe(0);
    expect(run(['search', 'apr', '--problems', 'in.jsonl', '--out', 'v-apr2.jsonl', '--sequences-out', 'v-apr.json']).code).toBe(0);
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'v-sosp.jsonl', '--sequences-out', 'v-sosp.seq.jsonl', '--condition', 'token-budget']).code).toBe(0);
    expect(run(['search', 'bfs', '--problems', 'in.jsonl', '--out', 'v-bfs.jsonl', '--sequences-out', 'v-bfs.json']).code).toBe(0);
  });

  it('passes what search writes, JSON Lines and .json arrays alike', () => {
    const r = run(['verify', 'v-apr.seq.jsonl', 'v-apr.json', 'v-sosp.seq.jsonl', 'v-bfs.json', '--strict']);
    expect(r.stdout).toMatch(/: 0 with issues/);
    expect(r.code).toBe(0);
  });

  it('finds wrong arithmetic in a sequence, in either form', () => {
    const seqs = objects('v-apr.seq.jsonl');
    const k = seqs.findIndex((q) => q.thread !== 'root#0' && /Exploring Operation: \d+\+/.test(q.text));
    write('bad.seq.jsonl', seqs.map((q, i) => (i === k ? { ...q, text: corrupt(q.text) } : q)));
    const r = run(['verify', 'bad.seq.jsonl']);
    expect(r.code).toBe(1);
    // A sequence line is named by the record it belongs to (its "record" field), a bare string by its line alone.
    expect(r.stdout).toMatch(new RegExp(`bad.seq.jsonl:${k + 1} record ${seqs[k]!.record} ${seqs[k]!.thread.replace('.', '\\.')} line \\d+: Exploring Operation: .* is wrong arithmetic`));
    const arr = JSON.parse(text('v-bfs.json')) as string[];
    const j = arr.findIndex((s) => /Exploring Operation: \d+\+/.test(s));
    writeFileSync(p('bad.json'), JSON.stringify(arr.map((s, i) => (i === j ? corrupt(s) : s))));
    const b = run(['verify', 'bad.json']);
    expect(b.code).toBe(1);
    expect(b.stdout).toMatch(new RegExp(`bad.json:1 element ${j} sequence line \\d+: Exploring Operation: .* is wrong arithmetic`));
  });

  it("a conditioning prefix is its search's: Token Budget before a single sequence, Sub Call Budget before an APR root, one at most", () => {
    const sosp = objects('v-sosp.seq.jsonl');
    const apr = objects('v-apr.seq.jsonl');
    const child = apr.findIndex((q) => q.thread.startsWith('root.0#'));
    const bare = (t: string) => t.replace(/^(Token Budget|Sub Call Budget): \d+ /, '');
    const cases: Array<[string, unknown[], RegExp]> = [
      // The tool never writes it (qualify refuses sub-call-budget for SoS+); verify passed it with exit 0.
      ['sub-call on sosp', [{ ...sosp[0]!, text: `Sub Call Budget: 0 ${bare(sosp[0]!.text)}` }], /:1 record 0 root#0 line 1: Sub Call Budget before this sosp thread \(it takes Token Budget\)/],
      ['token on apr', apr.map((q) => (q.thread.startsWith('root#') ? { ...q, text: `Token Budget: 4096 ${bare(q.text)}` } : q)), /:1 record 0 root#0 line 1: Token Budget before this apr thread \(it takes Sub Call Budget\)/],
      ['sub-call on a child', apr.map((q, i) => (i === child ? { ...q, text: `Sub Call Budget: 2 ${q.text}` } : q)), /root\.0#0 line 1: Sub Call Budget before a child thread \(it conditions the root only\)/],
      ['two prefixes', [{ ...sosp[0]!, text: `Token Budget: 512 ${sosp[0]!.text}` }], /:1 record 0 root#0 line 1: a sequence starts with its Current State .*, not "Token Budget: \d+ Current State/],
      ['a leading zero', [{ ...sosp[0]!, text: sosp[0]!.text.replace(/^Token Budget: /, 'Token Budget: 0') }], /:1 record 0 root#0 line 1: a sequence starts with its Current State .*, not "Token Budget: 0\d+ Current State/],
    ];
    for (const [what, items, message] of cases) {
      write('prefix.seq.jsonl', items);
      const r = run(['verify', 'prefix.seq.jsonl']);
      expect([what, r.code]).toEqual([what, 1]);
      expect(r.stdout).toMatch(message);
    }
    // The lone texts of a model's outputs (no thread names) are held to the same rule.
    write('prefix-lone.seq.jsonl', [{ text: `Sub Call Budget: 0 ${bare(sosp[0]!.text)}` }]);
    expect(run(['verify', 'prefix-lone.seq.jsonl']).stdout).toMatch(/line 1: Sub Call Budget before this sosp thread/);
    // A record's texts too: one prefix of its search's kind passes (a model output kept with its prompt), another is a finding.
    const rec = JSON.parse(lines('v-sosp.jsonl')[0]!) as { search_path: string };
    const bin = tokenBudgetBin(countTextTokens(rec.search_path) + 2);
    write('prefix-rec.jsonl', [{ ...rec, search_path: `Token Budget: ${bin} ${rec.search_path}` }, { ...rec, search_path: `Sub Call Budget: 3 ${rec.search_path}` }]);
    const r = run(['verify', 'prefix-rec.jsonl']);
    expect(r.stdout).not.toMatch(/prefix-rec\.jsonl:1 .*(Budget|line 1:)/); // its token fields no longer fit its text, and say so
    expect(r.stdout).toMatch(/prefix-rec\.jsonl:2 record 1 search_path line 1: Sub Call Budget before this sosp thread \(it takes Token Budget\)/);
    // Their numbers too: a record's bin and child count, as a sequence line's are checked.
    const aprRec = JSON.parse(lines('v-apr2.jsonl').find((l) => l.includes('<Start Sub Search'))!) as { trace_dict: { main_calls: string[]; sub_calls: unknown[][] }; search_path: string };
    const children = aprRec.trace_dict.sub_calls.reduce((n, k) => n + k.length, 0);
    const budgeted = (n: number) => {
      const main = aprRec.trace_dict.main_calls.map((m) => `Sub Call Budget: ${n} ${m}`);
      return { ...aprRec, trace_dict: { ...aprRec.trace_dict, main_calls: main }, search_path: main.at(-1)! };
    };
    write('prefix-n.jsonl', [{ ...rec, search_path: `Token Budget: 999999 ${rec.search_path}` }, budgeted(children), budgeted(children + 7)]);
    const n = run(['verify', 'prefix-n.jsonl']).stdout;
    expect(n).toMatch(/prefix-n\.jsonl:1 record 0 search_path line 1: Token Budget: 999999 but the sequence takes \d+ tokens \(bin \d+\)/);
    expect(n).not.toMatch(/prefix-n\.jsonl:2 .*Budget/);
    expect(n).toContain(`prefix-n.jsonl:3 record 2 main[0] line 1: Sub Call Budget: ${children + 7} but the root has ${children} child threads`);
    // A root sequence alone (a model's output) has at least the children its own spawns and joins name:
    // a last call, whose joins report every child and which spawns none, passed with a budget of 0.
    const spawning = aprRec.trace_dict.main_calls[0]!;
    const joining = aprRec.trace_dict.main_calls.at(-1)!;
    write('prefix-lone-apr.jsonl', [
      { text: `Sub Call Budget: 0 ${spawning}` },
      { text: `Sub Call Budget: ${children} ${spawning}` },
      { text: `Sub Call Budget: 0 ${joining}` },
      { text: `Sub Call Budget: ${children - 1} ${joining}` },
      { text: `Sub Call Budget: ${children} ${joining}` },
    ]);
    const lone = run(['verify', 'prefix-lone-apr.jsonl']).stdout;
    expect(lone).toMatch(/prefix-lone-apr\.jsonl:1 .*line 1: Sub Call Budget: 0 but this root sequence alone names \d+ child threads \(in its spawns and joins\)/);
    expect(lone).not.toMatch(/prefix-lone-apr\.jsonl:2 /);
    expect(lone).toContain(`prefix-lone-apr.jsonl:3 sequence line 1: Sub Call Budget: 0 but this root sequence alone names ${children} child threads (in its spawns and joins)`);
    expect(lone).toContain(`Sub Call Budget: ${children - 1} but this root sequence alone names ${children} child threads`);
    expect(lone).not.toMatch(/prefix-lone-apr\.jsonl:5 /);
  });

  it('checks record, thread and tokens against the texts', () => {
    const seqs = objects('v-apr.seq.jsonl');
    const twoChildren = seqs.findIndex((q) => q.thread === 'root.1#0');
    const cases: Array<[unknown[], RegExp]> = [
      [seqs.map((q, i) => (i === 0 ? { ...q, tokens: q.tokens + 1 } : q)), /:1 record 0 root#0: "tokens" says \d+, the text has \d+/],
      // a child's sequence put before its elder sibling's
      [seqs.map((q, i) => (i === twoChildren ? seqs[i - 1] : i === twoChildren - 1 ? seqs[twoChildren] : q)), /sequences out of the reference's order: root\.0#0 is due here/],
      [seqs.map((q, i) => (i === 0 ? { ...q, text: q.text.replace(/^Sub Call Budget: \d+/, 'Sub Call Budget: 99') } : q)), /:1 record 0 root#0 line 1: Sub Call Budget: 99 but the root has \d+ child threads/],
      [seqs.map((q) => ({ ...q, record: q.record === 1 ? 0 : q.record })), /sequence 0 of root where its sequence \d+ is due|out of the reference's order/],
      // a record with no root thread, and a thread that does not say its record (both threw before)
      [seqs.map((q, i) => (i === 0 ? { ...q, thread: 'root.0#0' } : q)), /:1 record 0 root\.0#0: the record has no root thread/],
      [seqs.map((q, i) => (i === 0 ? { text: q.text, thread: q.thread, tokens: q.tokens } : q)), /:1 "thread" without "record": the line does not say which record it belongs to/],
    ];
    for (const [items, message] of cases) {
      write('case.seq.jsonl', items);
      const r = run(['verify', 'case.seq.jsonl']);
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(message);
    }
    // Each line's own thread name is checked: a bad one no longer hides the next line's fault.
    const root = seqs.find((q) => q.thread === 'root#0')!;
    for (const [second, fault] of [
      ['bogus2', /:2 record 0 thread "bogus2": "thread" "bogus2" is not of the form root\.2#0/],
      ['root#5', /:2 record 0 root#5: sequence 5 of root where its sequence 0 is due/],
    ] as const) {
      write('case.seq.jsonl', [{ ...root, record: 0, thread: 'bogus' }, { ...root, record: 0, thread: second }]);
      const r = run(['verify', 'case.seq.jsonl']);
      expect(r.stdout).toMatch(/:1 record 0 thread "bogus": "thread" "bogus" is not of the form root\.2#0/);
      expect(r.stdout).toMatch(fault);
    }
    // After a number out of turn, the next line is in turn if it follows the count (a typo) or that number (a gap): one finding each.
    for (const [names, wrong] of [
      [['root#0', 'root#7', 'root#2'], /:2 record 0 root#7: sequence 7 of root where its sequence 1 is due/],
      [['root#0', 'root#2', 'root#3'], /:2 record 0 root#2: sequence 2 of root where its sequence 1 is due/],
    ] as const) {
      write('case.seq.jsonl', names.map((thread) => ({ ...root, record: 0, thread })));
      const r = run(['verify', 'case.seq.jsonl', '--grades', 'case.grades.jsonl']);
      expect(r.stdout).toMatch(wrong);
      expect(r.stdout.match(/ is due/g)).toHaveLength(1);
      expect(text('case.grades.jsonl').trim().split('\n').map((l) => (JSON.parse(l) as { issues: string[] }).issues.some((i) => i.includes('is due')))).toEqual([false, true, false]);
    }
    const sosp = objects('v-sosp.seq.jsonl');
    write('case.seq.jsonl', sosp.map((q, i) => (i === 0 ? { ...q, text: q.text.replace(/^Token Budget: \d+/, 'Token Budget: 4096') } : q)));
    expect(run(['verify', 'case.seq.jsonl']).stdout).toMatch(/:1 record 0 root#0 line 1: Token Budget: 4096 but the sequence takes \d+ tokens \(bin \d+\)/);
  });

  it('inspect shows what a stored trace claims, and warns when it does not verify', () => {
    const recs = lines('v-sosp.jsonl');
    const k = recs.findIndex((l) => /Exploring Operation: \d+\+/.test(l) && (JSON.parse(l) as { rating: number }).rating > 0);
    const rec = JSON.parse(recs[k]!) as { search_path: string; target: number };
    write('claims.jsonl', [rec, { ...rec, search_path: corrupt(rec.search_path) }, { ...rec, target: rec.target + 1 }]);
    const shown = [0, 1, 2].map((i) => run(['inspect', '--record', `claims.jsonl:${i}`]));
    for (const r of shown) expect(r.code).toBe(0);
    expect(shown[0]!.stdout).not.toContain('warning');
    expect(shown[1]!.stdout).toMatch(/\nwarning +the record does not verify: search_path line \d+: Exploring Operation: .* is wrong arithmetic/);
    // a target the record's own solution misses: shown, not refused (a finding, as verify has it)
    expect(shown[2]!.stdout).toMatch(new RegExp(`\\nwarning +the record does not verify: solution: solution ends with \\[${rec.target}\\], not \\[${rec.target + 1}\\] \\(and \\d+ more issues; verify lists them\\)`));
    // a problem record with a wrong solution, and the page of a record that does not verify
    const problem = JSON.parse(lines('in.jsonl')[0]!) as { solution: string[] };
    write('claims-p.jsonl', [{ ...problem, solution: [...problem.solution.slice(0, -1), '1+1=3'] }]);
    const p0 = run(['inspect', '--record', 'claims-p.jsonl:0']);
    expect(p0.code).toBe(0);
    expect(p0.stdout).toMatch(/\nsolution +\(not an expression of these numbers: .*\)\nwarning +the record does not verify: solution line \d+: .*1\+1=3/);
    const page = run(['inspect', '--record', 'claims.jsonl:2', '--html', 'claims.html']);
    expect(page.code).toBe(0);
    expect(page.stderr).toMatch(/\ncountdown-traces: warning: the record does not verify: solution: solution ends with/);
    // A token field off by one, which verify names, is warned of too (inspect said nothing).
    const counted = { ...rec, token_count: (rec as unknown as { token_count: number }).token_count + 1 };
    write('claims-t.jsonl', [counted]);
    const tokenWarning = /warning:? +the record's token fields disagree with its text: token_count \d+ \(the text: \d+\)\n/;
    expect(run(['inspect', '--record', 'claims-t.jsonl:0']).stdout).toMatch(tokenWarning);
    // The page says it too, on stderr and on the page (it said nothing of the record's own fields).
    const tokenPage = run(['inspect', '--record', 'claims-t.jsonl:0', '--html', 'claims-t.html']);
    expect(tokenPage.stderr).toMatch(tokenWarning);
    expect(text('claims-t.html')).toMatch(/<p class="warning">warning: the record&#39;s token fields disagree with its text: token_count \d+/);
  });

  it('inspect and its page call an APR record solved by the rule stats counts by (the last line of its root), not by a goal line anywhere', () => {
    const rec = lines('v-apr2.jsonl').map((l) => JSON.parse(l) as Record<string, unknown>).find((r) => (r.rating as number) > 0)!;
    const dict = rec.trace_dict as { main_calls: string[] };
    const tampered = { ...rec, trace_dict: { ...dict, main_calls: [...dict.main_calls.slice(0, -1), `${dict.main_calls.at(-1)!}No solution found.\n`] } };
    write('after-goal.jsonl', [rec, tampered]);
    const shown = [0, 1].map((i) => run(['inspect', '--record', `after-goal.jsonl:${i}`]).stdout);
    expect(shown[0]).toMatch(/\noutcome +solved: /);
    // Before, "solved" (a goal line somewhere in the root's last sequence) while stats counted it unsolved.
    expect(shown[1]).toMatch(/\noutcome +no solution found, rating /);
    expect(run(['stats', 'after-goal.jsonl']).stdout).toMatch(/\n +solved +1 \(50\.0%\)\n/);
    expect(run(['inspect', '--record', 'after-goal.jsonl:1', '--html', 'after-goal.html']).code).toBe(0);
    const page = readFileSync(p('after-goal.html'), 'utf8');
    expect(page).toContain('<b id="outcome">no solution found</b>');
    expect(page).toMatch(/data-thread="root" data-solved="false"/);
    // A single-sequence search by the same rule: a goal line followed by more text is no solution.
    const sosp = lines('v-sosp.jsonl').map((l) => JSON.parse(l) as Record<string, unknown>);
    const unsolved = sosp.find((r) => r.rating === 0)!;
    write('after-goal-s.jsonl', [{ ...unsolved, search_path: `${unsolved.search_path as string}junk Goal Reached junk\n` }]);
    expect(run(['stats', 'after-goal-s.jsonl']).stdout).toMatch(/\n +solved +0 \(0\.0%\)\n/);
    expect(run(['inspect', '--record', 'after-goal-s.jsonl:0']).stdout).toMatch(/\noutcome +no solution found, rating 0/);
  });

  it('a text kept beside its problem (a model output with its prompt) is checked against that problem', () => {
    const problems = lines('in.jsonl').map((l) => JSON.parse(l) as { nums: number[]; target: number });
    const texts = lines('v-sosp.seq.jsonl').map((l) => (JSON.parse(l) as { text: string }).text.replace(/^Token Budget: \d+ /, ''));
    const { nums, target } = problems[0]!;
    const swapped = [nums[1]!, nums[0]!, ...nums.slice(2)];
    const aprRoot = (JSON.parse(text('v-apr.json')) as string[])[0]!;
    expect(aprRoot.startsWith('Moving to Node #0\n')).toBe(true);
    write('graded.jsonl', [
      { nums, target, text: texts[0] },
      { nums, target: target + 1, text: texts[0] },
      { nums: swapped, target, text: texts[0] },
      { nums, target, text: 'garbage' },
      { nums: [1, -2], target, text: texts[0] },
      // a search that starts midway, as a child thread would, without saying so
      { text: texts[0]!.replace(/Operations: \[\]/, "Operations: ['1+1=2']") },
      // an APR root thread (it starts with Moving to Node #0): its numbers are the problem's too
      { nums, target, text: aprRoot },
      { nums: swapped, target, text: aprRoot },
      // node #0 with operations done: not the problem it names
      { text: aprRoot.replace(/Operations: \[\]/, "Operations: ['1+1=2']") },
    ]);
    const r = run(['verify', 'graded.jsonl']);
    expect(r.code).toBe(1);
    const out = r.stdout.trim().split('\n');
    expect(out.filter((l) => l.startsWith('graded.jsonl:1 '))).toEqual([]);
    expect(out).toContain(`graded.jsonl:2 sequence line 1: the text searches for ${target}, the line's problem for ${target + 1}`);
    expect(out).toContain(`graded.jsonl:3 sequence line 1: the text starts from [${nums.join(', ')}], the line's problem from [${swapped.join(', ')}]`);
    expect(out).toContain('graded.jsonl:4 sequence line 1: a sequence starts with its Current State (after Moving to Node # for APR threads), not "garbage"');
    // a Current State that breaks the grammar is called one, not "no Current State"
    write('zero.jsonl', [{ nums, target, text: texts[0]!.replace(/^Current State: (\d+):/, 'Current State: 0$1:') }]);
    expect(run(['verify', 'zero.jsonl']).stdout).toMatch(/^zero\.jsonl:1 sequence line 1: line does not parse: "Current State: 0\d+:\[/m);
    expect(out).toContain('graded.jsonl:5 problem: "nums" must be a list of non-negative integers');
    expect(out).toContain('graded.jsonl:6 sequence line 1: a search that does not start with Moving to Node # starts at its problem, with no operations done');
    expect(out.filter((l) => l.startsWith('graded.jsonl:7 '))).toEqual([]);
    expect(out).toContain(`graded.jsonl:8 sequence line 2: the text starts from [${nums.join(', ')}], the line's problem from [${swapped.join(', ')}]`);
    expect(out).toContain('graded.jsonl:9 sequence line 2: node #0 is the problem itself: its Current State has no operations done');
    // the root thread's spawns name level 1, whatever level the text claims
    const spawning = (JSON.parse(text('v-apr.json')) as string[]).find((t) => t.startsWith('Moving to Node #0\n') && t.includes('<Start Sub Search 0 at level 1>'))!;
    write('level.jsonl', [{ text: spawning.replaceAll(' at level 1>', ' at level 3>') }]);
    expect(run(['verify', 'level.jsonl']).stdout).toMatch(/^level\.jsonl:1 sequence line \d+: spawn names level 3 from a level 0 thread; level 1 is due$/m);
    // and a child thread cannot pass as the root, nor sit deeper than its node
    // (five numbers, so that children spawn grandchildren)
    expect(run(['problems', '--count', '20', '--seed', '1', '--min-numbers', '5', '--max-numbers', '5', '--out', 'p5.jsonl']).code).toBe(0);
    expect(run(['search', 'apr', '--problems', 'p5.jsonl', '--out', 'a5.jsonl', '--sequences-out', 'a5.json']).code).toBe(0);
    const childSpawning = (JSON.parse(text('a5.json')) as string[]).find((t) => /^Moving to Node #0,\d+\n/.test(t) && t.includes(' at level 2>'))!;
    write('level2.jsonl', [{ text: childSpawning }, { text: childSpawning.replaceAll(' at level 2>', ' at level 1>') }]);
    const lv = run(['verify', 'level2.jsonl']).stdout;
    expect(lv).not.toMatch(/^level2\.jsonl:1 /m);
    expect(lv).toMatch(/^level2\.jsonl:2 sequence: a thread starting at node #0,\d+ is a child thread of level 1 to 1, but its spawn and join lines \(at level 1\) make it level 0$/m);
    // a child thread alone: the operations of the state it starts from are checked, and replayed from the line's problem
    const child = objects('v-apr.seq.jsonl').find((q) => /^Moving to Node #0,\d+\nCurrent State: \d+:\[[^\]]*\], Operations: \['\d+[-+*/]\d+=\d+'\]/.test(q.text))!;
    const cp = problems[child.record]!;
    const wrongOp = child.text.replace(/Operations: \['(\d+[-+*/]\d+)=(\d+)'\]/, (_, lhs: string, r: string) => `Operations: ['${lhs}=${Number(r) + 1}']`);
    write('child.jsonl', [{ nums: cp.nums, target: cp.target, text: child.text }, { text: wrongOp }, { nums: [...cp.nums].reverse().map((n) => n + 1), target: cp.target, text: child.text }]);
    const c = run(['verify', 'child.jsonl']).stdout.trim().split('\n');
    expect(c.filter((l) => l.startsWith('child.jsonl:1 '))).toEqual([]);
    expect(c).toContainEqual(expect.stringMatching(/^child\.jsonl:2 sequence line 2: Current State lists .* which is wrong arithmetic$/));
    expect(c).toContainEqual(expect.stringMatching(/^child\.jsonl:3 sequence line 2: Current State's operations do not replay from the line's problem/));
    expect(out.at(-1)).toMatch(/verified 0 records and 9 sequence lines in 1 file: 7 with issues/);
    // stats counts such lines as sequences, not as problems
    expect(run(['stats', 'graded.jsonl']).stdout).toMatch(/Sequence lines\n\s+sequences\s+9\n/);
  });

  it("every line of a record's sequences that names a problem names its record's: a later line's was not checked (graded valid and solved for the wrong problem)", () => {
    const seqs = objects('v-apr.seq.jsonl');
    const record = seqs.find((q) => q.record > 0 && seqs.filter((x) => x.record === q.record).length >= 3)!.record;
    const { nums, target } = lines('in.jsonl').map((l) => JSON.parse(l) as { nums: number[]; target: number })[record]!;
    const problem = { nums, target };
    const group = seqs.filter((q) => q.record === record).map((q) => ({ ...q, ...problem }));
    const lie = { ...group[1]!, target: problem.target + 1 };
    write('group.jsonl', [group[0], lie, ...group.slice(2)]);
    const r = run(['verify', 'group.jsonl', '--grades', 'group-grades.jsonl']);
    expect(r.code).toBe(1);
    const show = (t: number) => `[${problem.nums.join(', ')}] and target ${t}`;
    expect(r.stdout).toContain(`group.jsonl:2 record ${record} ${group[1]!.thread}: the line names the problem ${show(problem.target + 1)}, but ${group[0]!.thread} of its record names ${show(problem.target)}\n`);
    expect(lines('group-grades.jsonl').map((l) => (JSON.parse(l) as { valid: boolean }).valid)).toEqual(group.map((_, k) => k !== 1));
    // the same lines, each naming the record's problem (a child's with its numbers in another order), pass
    const child = group.findIndex((q) => !q.thread.startsWith('root#'));
    write('group.jsonl', group.map((q, k) => (k === child ? { ...q, nums: [...nums].reverse() } : q)));
    expect(run(['verify', 'group.jsonl']).code).toBe(0);
    // a root line's text starts from its problem in that order, the last root line's as the first's
    const root = group.map((q) => q.thread.startsWith('root#')).lastIndexOf(true);
    write('group.jsonl', group.map((q, k) => (k === root ? { ...q, nums: [...nums].reverse() } : q)));
    const reversed = run(['verify', 'group.jsonl']);
    expect(reversed.code).toBe(1);
    expect(reversed.stdout).toContain(`group.jsonl:${root + 1} record ${record} ${group[root]!.thread} line 2: the text starts from [${nums.join(', ')}], the line's problem from [${[...nums].reverse().join(', ')}]\n`);
  });

  it('a malformed or absurdly deep trace_dict is a finding for verify and a one-line refusal for inspect, never a stack trace', () => {
    const rec = JSON.parse(lines('v-apr.jsonl').find((l) => (JSON.parse(l) as { thread_count: number }).thread_count > 2)!) as Record<string, unknown> & { trace_dict: { main_calls: string[]; sub_calls: unknown[][] } };
    // Built as text: JSON.stringify itself runs out of stack on a tree this deep.
    let deep = '{"main_calls": ["x"], "sub_calls": [[]]}';
    for (let k = 0; k < 3000; k++) deep = `{"main_calls": ["Moving to Node #0\\n"], "sub_calls": [[${deep}]]}`;
    const cases: Array<[unknown, RegExp]> = [
      [null, /record: trace_dict needs main_calls/],
      [[5], /record: trace_dict needs main_calls/],
      [['a list of strings'], /record: trace_dict needs main_calls/],
    ];
    const broken = [
      ...cases.map(([sub, message]) => [{ ...rec.trace_dict, sub_calls: sub }, message] as const),
      [{ ...rec.trace_dict, main_calls: [5] }, /record: trace_dict needs main_calls/] as const,
      [{ ...rec.trace_dict, sub_calls: [[null, ...rec.trace_dict.sub_calls[0]!.slice(1)], ...rec.trace_dict.sub_calls.slice(1)] }, /sub\[0\]\[0\]: trace_dict needs main_calls/] as const,
      ['deep', /record: trace_dict nests deeper than 256 levels/] as const,
    ];
    for (const [trace_dict, message] of broken) {
      writeFileSync(p('td.jsonl'), JSON.stringify({ ...rec, trace_dict }).replace('"trace_dict":"deep"', `"trace_dict":${deep}`) + '\n');
      const v = run(['verify', 'td.jsonl']);
      expect(v.stderr).toBe('');
      expect(v.code).toBe(1);
      expect(v.stdout).toMatch(message);
      expectRefused(run(['inspect', '--record', 'td.jsonl:0']), /^countdown-traces: td\.jsonl:1: APR record whose "trace_dict" (is not|nests deeper).*; verify names what is wrong$/);
      const s = run(['stats', 'td.jsonl']);
      expect(s.stderr).toMatch(/td\.jsonl:1: APR record whose "trace_dict" (is not \{|nests deeper than 256 levels)/);
      expect(s.stderr).not.toMatch(/at .*\.js:\d+/);
    }
    // A figure field that is not a number is named, not passed over.
    write('fig.jsonl', [{ ...rec, thread_count: String(rec.thread_count) }]);
    const f = run(['verify', 'fig.jsonl']);
    expect(f.code).toBe(1);
    expect(f.stdout).toContain(`record: figure fields disagree with the text: thread_count "${String(rec.thread_count)}" is not a number`);
  });

  it('a line with a "text" that is not a string (null too: a failed generation), or a search_type of another type or form, is a finding, not a problem record graded valid', () => {
    writeFileSync(p('wrong-kinds.jsonl'), ['{"nums": [1, 2, 3], "target": 6, "text": 7}', '{"nums": [1, 2, 3], "target": 6, "text": ["x"]}', '{"nums": [1, 2, 3], "target": 6, "rating": "high", "search_type": 7}', '{"nums": [1, 2, 3], "target": 6, "search_type": "dfsXYZ", "search_path": "x"}', '{"nums": [1, 2, 3], "target": 6, "text": null}'].join('\n') + '\n');
    const r = run(['verify', 'wrong-kinds.jsonl', '--grades', '-']);
    expect(r.code).toBe(1);
    const grades = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; valid: boolean; issues: string[] });
    expect(grades.map((g) => g.valid)).toEqual([false, false, false, false, false]);
    // A model output with no text to read is a sequence line (a grader counts its generations by kind), not a record.
    expect(grades.map((g) => g.kind)).toEqual(['sequence', 'sequence', 'record', 'record', 'sequence']);
    expect(grades[0]!.issues).toEqual(['"text" 7 is not a string']);
    expect(grades[1]!.issues).toEqual(['"text" ["x"] is not a string']);
    expect(grades[2]!.issues[0]).toMatch(/search_type 7 is none of/);
    expect(grades[3]!.issues[0]).toMatch(/search_type "dfsXYZ" is none of/);
    // A grader's failed generation: before, a problem record graded valid.
    expect(grades[4]!.issues).toEqual(['"text" null is not a string']);
    expect(r.stderr).toMatch(/verified 2 records and 3 sequence lines in 1 file: 5 with issues/);
    // One thread of a record with no text: that line says so and its record's other lines that they went
    // unchecked (before, the record's threads were cut in two and found faults they do not have).
    const seqs = lines('v-apr.seq.jsonl').map((l) => JSON.parse(l) as { record: number; thread: string; text: string | null });
    const at = seqs.findIndex((q) => q.record === 1 && q.thread === 'root.0#0');
    const mine = seqs.filter((q) => q.record === 1).length;
    write('null-thread.seq.jsonl', seqs.map((q, i) => (i === at ? { ...q, text: null } : q)));
    const t = run(['verify', 'null-thread.seq.jsonl']);
    expect(t.code).toBe(1);
    const found = t.stdout.trim().split('\n').filter((f) => f.startsWith('null-thread'));
    expect(found).toHaveLength(mine);
    expect(found).toContain(`null-thread.seq.jsonl:${at + 1} record 1 "text" null is not a string`);
    expect(found.filter((f) => f.endsWith(`not checked with its record's other sequences: null-thread.seq.jsonl:${at + 1} record 1 has no text`))).toHaveLength(mine - 1);
    // In a .json array the line is named by its element, as every sequence is.
    writeFileSync(p('null-el.json'), JSON.stringify([{ text: seqs[0]!.text }, { text: null }]));
    expect(run(['verify', 'null-el.json']).stdout).toContain('null-el.json:1 element 1 "text" null is not a string');
  });

  it('verify grades each sequence line by its own faults: a bare null is a failed output, a root call with a wrong prefix is the only one flagged, a record split by another line is not checked as a search without its root', () => {
    const seqs = objects('v-apr.seq.jsonl');
    // A list of outputs with a failed generation: null (it was "record is not a JSON object", kind record).
    writeFileSync(p('nulls.json'), JSON.stringify([seqs[0]!.text, null]));
    writeFileSync(p('nulls.jsonl'), `${JSON.stringify(seqs[0]!.text)}\nnull\n`);
    for (const name of ['nulls.json', 'nulls.jsonl']) {
      const g = run(['verify', name, '--grades', '-']).stdout.trim().split('\n').map((l) => JSON.parse(l) as { kind: string; valid: boolean; issues: string[] });
      expect(g.map((x) => [x.kind, x.valid])).toEqual([['sequence', true], ['sequence', false]]);
      expect(g[1]!.issues).toEqual(['null, not a text (a failed generation)']);
    }
    // A record whose root has two calls: a wrong Sub Call Budget on the first is its fault alone
    // (the second call, which repeats the first's text, was flagged for not repeating its prefix).
    const counts = new Map<number, number>();
    for (const q of seqs) if (q.thread.startsWith('root#')) counts.set(q.record, (counts.get(q.record) ?? 0) + 1);
    const rec = [...counts].find(([r, n]) => n >= 2 && r > 0)![0];
    const first = seqs.findIndex((q) => q.record === rec && q.thread === 'root#0');
    write('budget.seq.jsonl', seqs.map((q, i) => (i === first ? { ...q, text: q.text.replace(/^Sub Call Budget: (\d+)/, (_, n: string) => `Sub Call Budget: ${Number(n) + 1}`) } : q)));
    const b = run(['verify', 'budget.seq.jsonl']);
    expect(b.stdout.trim().split('\n').filter((l) => l.startsWith('budget.seq.jsonl:'))).toEqual([expect.stringMatching(new RegExp(`^budget\\.seq\\.jsonl:${first + 1} record ${rec} root#0 line 1: Sub Call Budget: \\d+ but the root has \\d+ child threads$`))]);
    // Record rec's second line claims another record: the lines after it are record rec's again, not a record without a root.
    write('split.seq.jsonl', seqs.map((q, i) => (i === first + 1 ? { ...q, record: rec - 1 } : q)));
    const s = run(['verify', 'split.seq.jsonl']).stdout;
    expect(s).not.toContain('has no root thread');
    expect(s).toContain(`split.seq.jsonl:${first + 2} record ${rec - 1} "record" ${rec - 1} after record ${rec}`);
    expect(s).toContain(`split.seq.jsonl:${first + 3} record ${rec} not checked with its record's other sequences: record ${rec}'s lines are not together (another line comes between them)`);
    // Split by a later record's line too (the lines after it were checked as a record without a root).
    write('split-up.seq.jsonl', seqs.map((q, i) => (i === first + 1 ? { ...q, record: rec + 1 } : q)));
    const u = run(['verify', 'split-up.seq.jsonl']).stdout;
    expect(u).not.toContain('has no root thread');
    expect(u).toContain(`split-up.seq.jsonl:${first + 3} record ${rec} not checked with its record's other sequences: record ${rec}'s lines are not together (another line comes between them)`);
  });

  it('stats and report count a failed output (no text) as a sequence line that solved nothing, not a line to skip', () => {
    const searched = run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'fo-r.jsonl', '--sequences-out', 'fo-s.jsonl']);
    expect(searched.code).toBe(0);
    const seqs = lines('fo-s.jsonl');
    // One sequence per SoS+ record: as many end solved as records were.
    const solved = Number(/: (\d+) solved/.exec(searched.stderr)![1]);
    expect(solved).toBeGreaterThan(0);
    writeFileSync(p('fo.jsonl'), [...seqs, '{"nums": [1, 2, 3], "target": 6, "text": null}'].join('\n') + '\n');
    const all = seqs.length + 1;
    const share = (n: number, of: number) => `${n} \\(${((100 * n) / of).toFixed(1)}%\\)`;
    const s = run(['stats', 'fo.jsonl']);
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(new RegExp(`sequence lines +${all}\\n`));
    expect(s.stdout).toMatch(/lines skipped +0\n/);
    // The lines first, then the failed outputs as a share of them, then the sequences (3 sequences, then 1 of 4 failed, read wrong)
    expect(s.stdout).toMatch(new RegExp(`\\n  lines +${all}\\n  failed outputs \\(no text\\) +${share(1, all)}\\n  sequences +${seqs.length}\\n`));
    // The solve rate is over every generation (before, the failed one was skipped and the rate rose).
    expect(s.stdout).toMatch(new RegExp(`lines ending in a solution \\(unchecked: verify --grades checks\\) +${share(solved, all)}\\n`));
    const r = run(['report', 'fo.jsonl', '--out', 'fo.html']);
    expect(r.code).toBe(0);
    expect(text('fo.html')).toContain('outcome: failed output'); // its bar in the outcomes chart
    // The token chart's bars are shares of the lines with a text (over every line, they summed to 95%).
    const shares = [...text('fo.html').matchAll(/% of sequences: ([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(shares.reduce((a, b) => a + b, 0)).toBeCloseTo(100, 5);
    // A file of failed outputs alone has no token chart to draw.
    writeFileSync(p('fo-null.jsonl'), 'null\nnull\n');
    expect(run(['report', 'fo-null.jsonl', '--out', 'fo-null.html']).code).toBe(0);
    expect(text('fo-null.html')).not.toContain('% of sequences');
  });

  it('a table of records and sequences together (null cells for the columns a row lacks) reads as its lines would', () => {
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'mix-r.jsonl', '--sequences-out', 'mix-s.jsonl']).code).toBe(0);
    const rows = [...lines('mix-r.jsonl'), ...lines('mix-s.jsonl')].map((l) => JSON.parse(l) as Record<string, unknown>);
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    write('mixed.jsonl', rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))));
    const v = run(['verify', 'mixed.jsonl']);
    expect(v.stdout).toMatch(/verified 20 records and 20 sequence lines in 1 file: 0 with issues/);
    expect(v.code).toBe(0);
    const s = run(['stats', 'mixed.jsonl']);
    expect(s.stderr).toBe('');
    expect(s.stdout).toMatch(/lines skipped +0\n/);
    expect(run(['inspect', '--record', 'mixed.jsonl:0']).code).toBe(0);
    expectRefused(run(['inspect', '--record', 'mixed.jsonl:20']), /^countdown-traces: mixed\.jsonl:21: a sequence line, not a record \(inspect shows problem and search records; verify checks sequences\)$/);
    // A number JSON cannot hold (1e400 reads as Infinity) is named as it is, not as null.
    writeFileSync(p('inf.jsonl'), lines('mix-r.jsonl')[0]!.replace(/"rating": [^,]+/, '"rating": 1e400') + '\n');
    expect(run(['verify', 'inf.jsonl']).stdout).toMatch(/record: rating Infinity but the trace gives/);
  });

  it('a table of reference and default records: null figure and token cells are a group the row lacks; a null beside the group\'s numbers is named', () => {
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'tab-d.jsonl']).code).toBe(0);
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--compat', 'reference', '--out', 'tab-r.jsonl']).code).toBe(0);
    const rows = [...lines('tab-d.jsonl'), ...lines('tab-r.jsonl')].map((l) => JSON.parse(l) as Record<string, unknown>);
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const table = rows.map((r) => Object.fromEntries(columns.map((c) => [c, r[c] ?? null])));
    expect(table.at(-1)!.thread_count).toBeNull(); // a reference row: the figure and token columns null
    write('tab.jsonl', table);
    const v = run(['verify', 'tab.jsonl']);
    expect(v.stdout).toMatch(/verified 40 records in 1 file: 0 with issues/);
    expect(v.code).toBe(0);
    expect(run(['stats', 'tab.jsonl']).stdout).toMatch(/records whose figure fields disagree with their text +0 /);
    // A default row with one cell of a group null: that field is missing beside the others.
    // seq_token_counts is written with the figure fields: a null one beside them is not a list, and
    // figure fields all null beside a list of counts are missing.
    const figuresNull = { thread_count: null, seq_count: null, thread_depth: null, text_token_count: null, sequential_token_count: null };
    write('tab-bad.jsonl', [{ ...table[0], thread_count: null }, { ...table[1], token_count: null }, { ...table[2], seq_token_counts: null }, { ...table[3], ...figuresNull }]);
    const bad = run(['verify', 'tab-bad.jsonl']);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('tab-bad.jsonl:1 record 0 record: figure fields disagree with the text: figure fields thread_count missing beside seq_count, thread_depth, text_token_count, sequential_token_count');
    expect(bad.stdout).toContain('tab-bad.jsonl:2 record 1 record: token fields disagree with the text: token fields token_count missing beside');
    expect(bad.stdout).toContain('tab-bad.jsonl:3 record 2 record: token fields disagree with the text: seq_token_counts is not a list');
    expect(bad.stdout).toContain('tab-bad.jsonl:4 record 3 record: figure fields disagree with the text: figure fields thread_count, seq_count, thread_depth, text_token_count, sequential_token_count missing beside seq_token_counts');
    expect(run(['stats', 'tab-bad.jsonl']).stdout).toMatch(/records whose figure fields disagree with their text +2 /);
  });

  it('stats reads the .json array form too', () => {
    const r = run(['stats', 'v-apr.json']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`sequences +${(JSON.parse(text('v-apr.json')) as unknown[]).length}\\n`));
  });
});

describe('inspect shows every solution', () => {
  it('refuses options that would change nothing: search options with --record, --full with --json, --json or --full with --html', () => {
    expect(run(['search', 'sosp', '--problems', 'in.jsonl', '--out', 'i-sosp.jsonl']).code).toBe(0);
    expectRefused(run(['inspect', '--record', 'i-sosp.jsonl:0', '--solver', 'apr', '--seed', '5']), /--record shows a record as it was searched: --solver, --seed would change nothing/);
    // --window is the one sequences are judged against, as stats and verify take it.
    expect(run(['inspect', '--record', 'i-sosp.jsonl:0', '--window', '100']).stdout).toMatch(/^sequences .*; 1 over the 100-token window$/m);
    expect(run(['inspect', '--record', 'i-sosp.jsonl:0', '--window', '0']).stdout).not.toMatch(/over the/);
    expectRefused(run(['inspect', '--record', 'i-sosp.jsonl:0', '--json', '--full']), /--full is for the text view/);
    expectRefused(run(['inspect', '--record', 'i-sosp.jsonl:0', '--json', '--html', 'i.html']), /--html draws the search as a page: --json is for the terminal/);
    expect(run(['inspect', '--record', 'i-sosp.jsonl:0', '--full']).code).toBe(0);
  });

  it('of each solved BFS record, and of a problem record', () => {
    expect(run(['search', 'bfs', '--problems', golden42(), '--out', 'i-bfs.jsonl']).code).toBe(0);
    const records = text('i-bfs.jsonl').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    const solved = records.filter((r) => (r.search_path as string).includes('Goal Reached'));
    expect(solved.length).toBeGreaterThan(50);
    for (const r of solved) expect(describeRecord(r, { full: false }, countTextTokens).split('\n')[2]).toMatch(new RegExp(`^outcome +solved: .* = ${r.target as number}, rating`));
    const problem = run(['inspect', '--record', 'in.jsonl:0']);
    expect(problem.code).toBe(0);
    expect(problem.stdout).toMatch(/^solution +.* = \d+$/m);
    // Its page drew an empty thread and said "no solution found".
    expectRefused(run(['inspect', '--record', 'in.jsonl:0', '--html', 'problem.html']), /^countdown-traces: in\.jsonl:1: a problem record holds no search to draw: inspect it without --html to see its solution/);
    expect(existsSync(p('problem.html'))).toBe(false);
  });

  it('--json prints the record as it is stored, or as search writes it (its floats too), even one nested too deep to read again', () => {
    const lines = (name: string) => text(name).split('\n').filter(Boolean);
    expect(run(['search', 'apr', '--problems', 'in.jsonl', '--out', 'j-apr.jsonl']).code).toBe(0);
    const stored = lines('j-apr.jsonl');
    expect(stored[0]).toMatch(/"sub_call_count": \d+\.\d/);
    expect(run(['inspect', '--record', 'j-apr.jsonl:0', '--json']).stdout).toBe(`${stored[0]}\n`);
    const problem = JSON.parse(lines('in.jsonl')[0]!) as { nums: number[]; target: number };
    const fresh = run(['inspect', '--nums', problem.nums.join(','), '--target', String(problem.target), '--json']);
    expect(fresh.stdout).toBe(`${stored[0]}\n`);
    // An element of a pretty-printed array is printed on one line, as Python writes it.
    const rec = JSON.parse(stored[0]!) as Record<string, unknown>;
    writeFileSync(p('j-apr.json'), JSON.stringify([rec, rec], null, 2));
    const pretty = run(['inspect', '--record', 'j-apr.json:1', '--json']).stdout;
    expect(pretty.split('\n')).toHaveLength(2);
    expect(JSON.parse(pretty)).toEqual(rec);
    expect(pretty).toMatch(/^\{"nums": \[\d+, \d+/);
    // --window judges sequences: with --json, or for a problem record, it would change nothing.
    expectRefused(run(['inspect', '--record', 'j-apr.jsonl:0', '--json', '--window', '100']), /--record with --json prints the record as stored: --window would change nothing/);
    expectRefused(run(['inspect', '--record', 'in.jsonl:0', '--window', '100']), /a problem record has none: --window would change nothing/);
    // A field nested 20,000 deep: a stack overflow (exit 1) where it was written again.
    const deep = `${stored[0]!.slice(0, -1)}, "deep": ${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    writeFileSync(p('deep.jsonl'), `${deep}\n`);
    const r = run(['inspect', '--record', 'deep.jsonl:0', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${deep}\n`);
  });
});

describe('documented examples', () => {
  const git = spawnSync('git', ['rev-parse', '--is-inside-work-tree'], { cwd: repoRoot, encoding: 'utf8' });

  it.runIf(git.status === 0)('never write over a committed file (README and docs/)', () => {
    const docs = [join(repoRoot, 'README.md'), ...readdirSync(join(repoRoot, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join(repoRoot, 'docs', f))];
    const outputs: string[] = [];
    for (const doc of docs) {
      for (const block of readFileSync(doc, 'utf8').matchAll(/```(?:sh|bash)\n([\s\S]*?)```/g)) {
        for (const m of block[1]!.matchAll(/(?:--out|--sequences-out|--html|--timings)[ =](\S+)/g)) outputs.push(m[1]!.replace(/^["']|["']$/g, ''));
      }
    }
    expect(outputs).toContain('data/val_problems.jsonl');
    const tracked = spawnSync('git', ['ls-files', '--', ...new Set(outputs.filter((o) => !o.includes('$')))], { cwd: repoRoot, encoding: 'utf8' });
    expect(tracked.stdout).toBe('');
  });
});
