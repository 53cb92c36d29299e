/**
 * The corpus figures of `npm run bench`: the `corpus` command itself, run as a child process
 * (as a user runs it) at each size, timed from spawn to exit, with the peak RSS of the
 * process tree (the worker threads live in that one process) from `/usr/bin/time -v` where
 * it exists, else sampled from /proc. Output goes to a temporary folder that is deleted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtInt } from '../io/numbers.js';

export interface CorpusFigure {
  /** Train records (each gives one problem, one record and its sequences per solver). */
  readonly count: number;
  readonly workers: number;
  readonly seconds: number;
  /** Train records per second of wall time. */
  readonly recordsPerSecond: number;
  /** Every record written (train, val, each solver's records and sequences) per second. */
  readonly linesPerSecond: number;
  readonly outputBytes: number;
  readonly mbPerSecond: number;
  readonly peakRssMiB: number | undefined;
  /**
   * Per stage: wall seconds; worker milliseconds making records (makeSearch or problem
   * drawing) and packing them into bytes; main-thread milliseconds hashing, waiting for
   * results (idle: the workers are the bottleneck) and waiting for the disk (backpressure).
   */
  readonly stages: ReadonlyArray<{ stage: string; seconds: number; makeMs: number; packMs: number; hashMs: number; waitMs: number; diskMs: number }>;
}

export interface CorpusBenchOptions {
  /** Sizes to run (default 20,000, 50,000 and 500,000). */
  readonly counts?: readonly number[];
  /** Worker threads (default: the machine's cores, as the command's default). */
  readonly workers?: number;
  /** Extra options for the command (e.g. ['--compress', 'gzip']). */
  readonly args?: readonly string[];
  /** Parent folder of the temporary output (default: the OS temp folder; it needs ~60 KB a record). */
  readonly dir?: string;
  readonly log?: (line: string) => void;
}

const cli = join(dirname(fileURLToPath(import.meta.url)), '..', 'cli', 'main.js');

function timeCommand(): string | undefined {
  return existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
}

/** Peak RSS by polling /proc (when /usr/bin/time is missing): VmHWM of the process. */
function pollRss(pid: number, peak: { kib: number }): NodeJS.Timeout {
  return setInterval(() => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) peak.kib = Math.max(peak.kib, Number(m[1]));
    } catch {
      // The process has exited.
    }
  }, 200);
}

async function runOnce(count: number, workers: number, args: readonly string[], parent: string, log: (l: string) => void): Promise<CorpusFigure> {
  const out = mkdtempSync(join(parent, 'ct-bench-corpus-'));
  const timings = join(out, 'timings.json');
  const corpusArgs = [cli, 'corpus', '--count', String(count), '--seed', '42', '--workers', String(workers), '--out', join(out, 'corpus'), '--quiet', '--timings', timings, ...args];
  const time = timeCommand();
  const [cmd, argv] = time ? [time, ['-v', process.execPath, ...corpusArgs]] : [process.execPath, corpusArgs];
  log(`corpus bench: ${count} records, ${workers} workers ...`);
  const t0 = process.hrtime.bigint();
  const child = spawn(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const peak = { kib: 0 };
  const poll = time ? undefined : pollRss(child.pid!, peak);
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (poll) clearInterval(poll);
  try {
    if (code !== 0) throw new Error(`corpus --count ${count} failed (exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    const m = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
    const rssKib = m ? Number(m[1]) : peak.kib || undefined;
    const manifest = JSON.parse(readFileSync(join(out, 'corpus', 'manifest.json'), 'utf8')) as {
      files: Array<{ bytes: number; records: number }>;
    };
    const outputBytes = manifest.files.reduce((n, f) => n + f.bytes, 0);
    const lines = manifest.files.reduce((n, f) => n + f.records, 0);
    const t = JSON.parse(readFileSync(timings, 'utf8')) as { stages: CorpusFigure['stages'] };
    return {
      count,
      workers,
      seconds,
      recordsPerSecond: count / seconds,
      linesPerSecond: lines / seconds,
      outputBytes,
      mbPerSecond: outputBytes / 1e6 / seconds,
      peakRssMiB: rssKib === undefined ? undefined : rssKib / 1024,
      stages: t.stages,
    };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/** Runs the corpus command at each size (default 20k and 500k) and returns the figures. */
export async function benchCorpus(options: CorpusBenchOptions = {}): Promise<CorpusFigure[]> {
  const counts = options.counts ?? [20_000, 500_000];
  const workers = options.workers ?? availableParallelism();
  const log = options.log ?? ((l: string) => console.log(l));
  const figures: CorpusFigure[] = [];
  for (const count of counts) {
    const f = await runOnce(count, workers, options.args ?? [], options.dir ?? tmpdir(), log);
    log(
      `corpus ${count}: ${f.seconds.toFixed(1)} s, ${f.recordsPerSecond.toFixed(0)} records/s, ${f.mbPerSecond.toFixed(0)} MB/s, ` +
        `${(f.outputBytes / 1e9).toFixed(2)} GB, peak RSS ${f.peakRssMiB?.toFixed(0) ?? '?'} MiB`,
    );
    figures.push(f);
  }
  return figures;
}

/** The figures as Markdown table rows for bench/REPORT.md (header included). */
export function corpusReportLines(figures: readonly CorpusFigure[]): string[] {
  const rows = [
    '| corpus records | workers | wall time | records/s | output | MB/s | peak RSS | where the time goes, per stage (worker time: make records, pack bytes; main thread: hash, wait for the disk) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const f of figures) {
    const stages = f.stages
      .map(
        (s) =>
          `${s.stage} ${s.seconds.toFixed(1)} s (make ${(s.makeMs / 1000).toFixed(1)} s, pack ${(s.packMs / 1000).toFixed(1)} s; ` +
          `hash ${(s.hashMs / 1000).toFixed(1)} s, disk ${(s.diskMs / 1000).toFixed(1)} s)`,
      )
      .join('; ');
    rows.push(
      `| ${fmtInt(f.count)} | ${f.workers} | ${f.seconds.toFixed(1)} s | ${f.recordsPerSecond.toFixed(0)} | ${(f.outputBytes / 1e9).toFixed(2)} GB | ${f.mbPerSecond.toFixed(0)} | ${f.peakRssMiB?.toFixed(0) ?? '?'} MiB | ${stages} |`,
    );
  }
  return rows;
}
