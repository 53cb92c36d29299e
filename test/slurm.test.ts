import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectSameTree, repoRoot, treeFiles } from './helpers.js';

/**
 * The Slurm scripts of docs/corpus.md ("### Slurm array"), run for real: a one-node Slurm
 * from Debian's packages (munged, slurmctld, slurmd on a private configuration in a temporary
 * folder, as root) runs the documented array script for 3 shards and then the documented
 * merge job, and the merged corpus must equal the unsharded run byte for byte. One task is
 * requeued while it runs (`scontrol requeue`, as a preemption does): it must stop cleanly,
 * resume where its checkpoint says, and leave the bytes unchanged.
 *
 * The scripts are read from the doc at test time. Only what a small run on a small machine
 * needs differs: `--count` in the script's text, and `--array`, `--cpus-per-task` and
 * `--mem` given to `sbatch` (command-line options override `#SBATCH` lines).
 * `countdown-traces` is put on PATH as the doc asks, running this checkout's dist/.
 */

vi.setConfig({ testTimeout: 180_000, hookTimeout: 120_000 });

const SBIN = ['/usr/sbin', '/sbin', '/usr/bin', '/bin'];
const cli = join(repoRoot, 'dist', 'cli', 'main.js');

/** A program on PATH or in the system folders (sbin is often missing from PATH). */
function findProgram(name: string): string | undefined {
  for (const d of [...(process.env.PATH ?? '').split(delimiter), ...SBIN]) {
    if (d === '') continue;
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

const PROGRAMS = ['munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol', 'scancel'] as const;
const found = new Map(PROGRAMS.map((p) => [p, findProgram(p)]));
const missing = PROGRAMS.filter((p) => found.get(p) === undefined);
const isRoot = process.getuid?.() === 0;
const why = missing.length > 0 ? `${missing.join(', ')} missing (apt-get install slurm-wlm munge; .ci/run installs them)` : !isRoot ? 'slurmd must run as root' : undefined;
if (why !== undefined && !process.env.CI) console.warn(`Slurm test skipped: ${why}`);

const bin = (p: (typeof PROGRAMS)[number]) => found.get(p)!;

/** The two ```sh blocks under "### Slurm array" in docs/corpus.md: corpus.sbatch and merge.sbatch. */
function documentedScripts(): { corpus: string; merge: string } {
  const lines = readFileSync(join(repoRoot, 'docs', 'corpus.md'), 'utf8').split('\n');
  const blocks: string[] = [];
  let under = false;
  let fence: { lang: string; lines: string[] } | undefined;
  for (const line of lines) {
    if (fence !== undefined) {
      if (line.startsWith('```')) {
        if (under && fence.lang === 'sh') blocks.push(fence.lines.join('\n') + '\n');
        fence = undefined;
      } else fence.lines.push(line);
    } else if (line.startsWith('```')) fence = { lang: line.slice(3).trim(), lines: [] };
    else if (/^#{1,3} /.test(line)) under = line === '### Slurm array';
  }
  expect(blocks, 'docs/corpus.md: two sh blocks under "### Slurm array"').toHaveLength(2);
  const [corpus, merge] = blocks as [string, string];
  expect(corpus).toMatch(/^#!\/bin\/bash\n# corpus\.sbatch/);
  expect(merge).toMatch(/^#!\/bin\/bash\n# merge\.sbatch/);
  return { corpus, merge };
}

/** Replaces the one occurrence of `from` (the doc changed if there is not exactly one). */
function substitute(text: string, from: string, to: string): string {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`docs/corpus.md's corpus.sbatch holds "${from}" ${n} times, not once: update test/slurm.test.ts`);
  return text.replace(from, to);
}

/** A TCP port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The test's shard count, the records (two blocks for the last shard) and the task requeued. */
const SHARDS = 3;
const COUNT = 4000;
const REQUEUED = 2;

describe.skipIf(why !== undefined && !process.env.CI)('Slurm: the documented array and merge jobs on a one-node cluster', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  const daemons: ChildProcess[] = [];
  const submitted: string[] = [];
  let arrayJob: string;
  let mergeJob: string;
  const array = () => join(dir, 'array');

  function slurm(program: (typeof PROGRAMS)[number], args: string[], cwd = dir): string {
    const r = spawnSync(bin(program), args, { cwd, env, encoding: 'utf8', timeout: 30_000 });
    if (r.status !== 0) throw new Error(`${program} ${args.join(' ')}: exit ${r.status ?? r.signal}: ${r.stderr}${diagnosis()}`);
    return r.stdout.trim();
  }

  /** The tails of the daemons' and jobs' logs, for a failure message. */
  function diagnosis(): string {
    const logs = (d: string) => (existsSync(d) ? readdirSync(d).filter((f) => /\.(log|out)$/.test(f)).map((f) => join(d, f)) : []);
    return [join(dir, 'slurmctld.log'), join(dir, 'slurmd.log'), ...logs(join(array(), 'logs')), ...logs(array())]
      .filter((f) => existsSync(f))
      .map((f) => `\n--- ${f}\n${readFileSync(f, 'utf8').split('\n').slice(-12).join('\n')}`)
      .join('');
  }

  /** A job's field from `scontrol show job` (e.g. JobState, Restarts). */
  function jobField(job: string, field: string): string {
    const m = new RegExp(`\\b${field}=(\\S+)`).exec(slurm('scontrol', ['show', 'job', job]));
    if (!m) throw new Error(`scontrol show job ${job}: no ${field}`);
    return m[1]!;
  }

  /** Polls `ready` until it holds; `alive` (checked about once a second) names why waiting is pointless. */
  async function until(what: string, seconds: number, ready: () => boolean, alive: () => string | undefined = () => undefined): Promise<void> {
    const end = Date.now() + seconds * 1000;
    for (let i = 0; !ready(); i++) {
      const dead = i % 20 === 0 ? alive() : undefined;
      if (dead !== undefined || Date.now() > end) throw new Error(`waited ${dead === undefined ? `${seconds} s` : `in vain (${dead})`} for ${what}${diagnosis()}`);
      await sleep(50);
    }
  }

  const alive = (d: ChildProcess) => d.exitCode === null && d.signalCode === null;
  /** Why the cluster cannot work: a daemon that exited. */
  const daemonDied = () => {
    const dead = daemons.find((d) => !alive(d));
    return dead === undefined ? undefined : `${dead.spawnfile} exited with ${dead.exitCode ?? dead.signalCode}`;
  };

  function start(program: 'munged' | 'slurmctld' | 'slurmd', args: string[]): void {
    const child = spawn(bin(program), args, { env, stdio: 'ignore' });
    child.on('error', () => undefined);
    daemons.push(child);
  }

  async function stopAll(): Promise<void> {
    if (submitted.length > 0) spawnSync(bin('scancel'), submitted, { env, timeout: 30_000 });
    if (submitted.length > 0 && daemons.every(alive)) {
      const end = Date.now() + 30_000;
      while (Date.now() < end && spawnSync(bin('squeue'), ['-h', '-j', submitted.join(',')], { env, encoding: 'utf8', timeout: 10_000 }).stdout.trim() !== '') await sleep(200);
    }
    for (const d of daemons.reverse()) {
      if (!alive(d)) continue;
      const exited = new Promise((resolve) => d.once('exit', resolve));
      d.kill('SIGTERM');
      if ((await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) === false) d.kill('SIGKILL');
    }
    daemons.length = 0;
  }

  beforeAll(async () => {
    if (why !== undefined) throw new Error(`CI is set but Slurm cannot run here: ${why}`);
    if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` (npm test does it)');
    dir = mkdtempSync(join(tmpdir(), 'ct-slurm-'));
    chmodSync(dir, 0o755); // munged wants its socket's folder open to all
    try {
      await startCluster();
    } catch (err) {
      await stopAll();
      throw err;
    }
  });

  afterAll(async () => {
    await stopAll();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function startCluster(): Promise<void> {
    // `countdown-traces` on PATH, as the doc asks; the job inherits this environment.
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin', 'countdown-traces'), `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(cli)} "$@"\n`, { mode: 0o755 });
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('SLURM_') && k !== 'JOB_COMPLETION_INDEX'));
    env.PATH = `${join(dir, 'bin')}${delimiter}${process.env.PATH ?? ''}`;
    env.SLURM_CONF = join(dir, 'slurm.conf');

    const munge = join(dir, 'munge');
    mkdirSync(munge, { mode: 0o755 });
    writeFileSync(join(munge, 'munge.key'), randomBytes(1024), { mode: 0o600 });
    const socket = join(munge, 'munge.socket');
    start('munged', ['--foreground', `--key-file=${join(munge, 'munge.key')}`, `--socket=${socket}`, `--pid-file=${join(munge, 'munged.pid')}`, `--log-file=${join(munge, 'munged.log')}`, `--seed-file=${join(munge, 'munged.seed')}`]);
    await until('munged to listen', 20, () => existsSync(socket), daemonDied);

    // One node, named and sized as slurmd finds this machine; no cgroups, no accounting.
    const nodeLine = spawnSync(bin('slurmd'), ['-C'], { encoding: 'utf8' }).stdout.split('\n')[0]!;
    const node = /^NodeName=(\S+)/.exec(nodeLine)?.[1];
    if (!node) throw new Error(`slurmd -C printed no NodeName: ${nodeLine}`);
    for (const sub of ['state', 'spool']) mkdirSync(join(dir, sub));
    const conf = [
      'ClusterName=ctest',
      `SlurmctldHost=${node}(127.0.0.1)`,
      `SlurmctldPort=${await freePort()}`,
      `SlurmdPort=${await freePort()}`,
      'SlurmUser=root',
      'SlurmdUser=root',
      'AuthType=auth/munge',
      `AuthInfo=socket=${socket}`,
      'CredType=cred/munge',
      `StateSaveLocation=${join(dir, 'state')}`,
      `SlurmdSpoolDir=${join(dir, 'spool')}`,
      `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
      `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
      `SlurmctldLogFile=${join(dir, 'slurmctld.log')}`,
      `SlurmdLogFile=${join(dir, 'slurmd.log')}`,
      'ProctrackType=proctrack/linuxproc',
      'TaskPlugin=task/none',
      'JobAcctGatherType=jobacct_gather/none',
      'AccountingStorageType=accounting_storage/none',
      'SelectType=select/cons_tres',
      'SelectTypeParameters=CR_Core',
      'MpiDefault=none',
      'ReturnToService=2',
      `${nodeLine} NodeAddr=127.0.0.1 State=UNKNOWN`,
      'PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP',
    ];
    writeFileSync(env.SLURM_CONF!, conf.join('\n') + '\n');
    start('slurmctld', ['-D', '-i']);
    start('slurmd', ['-D', '-N', node]);
    await until('the node to be idle', 60, () => {
      const r = spawnSync(bin('sinfo'), ['-h', '-N', '-o', '%t'], { env, encoding: 'utf8' });
      return r.status === 0 && r.stdout.trim() === 'idle';
    }, daemonDied);
  }

  it(`the array script makes ${SHARDS} shards; a task requeued mid-run stops cleanly and resumes`, async () => {
    const docs = documentedScripts();
    // The submit commands the script's header gives, which this test follows.
    expect(docs.corpus).toContain('mkdir -p logs && jid=$(sbatch --parsable corpus.sbatch)');
    expect(docs.corpus).toContain('sbatch --dependency=afterok:$jid merge.sbatch');
    mkdirSync(join(array(), 'logs'), { recursive: true });
    writeFileSync(join(array(), 'corpus.sbatch'), substitute(docs.corpus, '--count 10000000', `--count ${COUNT}`));
    writeFileSync(join(array(), 'merge.sbatch'), docs.merge);

    arrayJob = slurm('sbatch', ['--parsable', `--array=0-${SHARDS - 1}`, '--cpus-per-task=1', '--mem=1G', 'corpus.sbatch'], array());
    submitted.push(arrayJob);
    mergeJob = slurm('sbatch', ['--parsable', `--dependency=afterok:${arrayJob}`, 'merge.sbatch'], array());
    submitted.push(mergeJob);
    const task = `${arrayJob}_${REQUEUED}`;
    const shard = join(array(), 'data', 'shards', String(REQUEUED));
    const log = join(array(), 'logs', `corpus-${arrayJob}_${REQUEUED}.log`);
    const checkpoint = () => {
      try {
        return JSON.parse(readFileSync(join(shard, '.corpus-checkpoint.json'), 'utf8')) as { stages: Record<string, { records: number; done: boolean }> };
      } catch {
        return undefined;
      }
    };

    // The last shard holds two blocks of 1,000: once its first stage is done and the next has
    // written a block, its searches have seconds of work left. Requeue it then, as a
    // preemption would: it must stop at the next block and checkpoint what it has.
    const stages = () => Object.values(checkpoint()?.stages ?? {});
    const size = (f: string) => {
      try {
        return statSync(join(shard, f)).size;
      } catch {
        return 0; // renamed meanwhile
      }
    };
    const writing = () => existsSync(shard) && treeFiles(shard).some((f) => f.endsWith('.partial') && size(f) > 0);
    const running = () => {
      const state = slurm('squeue', ['-h', '-j', task, '-o', '%T']);
      return state === 'PENDING' || state === 'RUNNING' ? undefined : `task ${task} is ${state || 'gone'}`;
    };
    await until(`task ${task} to write a search block`, 120, () => stages().some((s) => s.done) && writing(), running);
    slurm('scontrol', ['requeue', task]);
    const logText = () => (existsSync(log) ? readFileSync(log, 'utf8') : '');
    await until(
      `task ${task} to stop and wait in the queue`,
      60,
      () => logText().includes('stopped by SIGTERM') && slurm('squeue', ['-h', '-j', task, '-o', '%T']) === 'PENDING',
      () => (/corpus: wrote \d+ files/.test(logText()) ? 'it went on to the end: the SIGTERM never reached it' : undefined),
    );
    expect(stages().some((s) => s.done)).toBe(true);
    expect(stages().some((s) => !s.done && s.records > 0), 'the checkpoint holds part of a stage').toBe(true);
    expect(existsSync(join(shard, 'manifest.json'))).toBe(false);
    expect(jobField(task, 'Restarts')).toBe('1');

    // Slurm holds a requeued job about two minutes before it may start again; here a few seconds:
    // slurmd refuses a launch whose credential dates from the second its last run's was revoked
    // ("Job credential revoked": the task then fails, and the merge job waits for ever).
    slurm('scontrol', ['update', `JobId=${task}`, 'StartTime=now+3']);
    await until('the array and the merge job to end', 150, () => slurm('squeue', ['-h', '-j', submitted.join(','), '-o', '%i']) === '');
    for (let i = 0; i < SHARDS; i++) {
      expect(jobField(`${arrayJob}_${i}`, 'JobState'), readFileSync(join(array(), 'logs', `corpus-${arrayJob}_${i}.log`), 'utf8')).toBe('COMPLETED');
      expect(existsSync(join(array(), 'data', 'shards', String(i), 'manifest.json'))).toBe(true);
    }
    // One log for both runs of the requeued task: the clean stop, then the resume.
    const text = logText();
    expect(text).toMatch(new RegExp(`shard ${REQUEUED}/${SHARDS} from SLURM_ARRAY_TASK_ID`));
    const stop = text.indexOf('stopped by SIGTERM');
    expect(stop, text).toBeGreaterThan(-1);
    expect(text.indexOf('(resuming)', stop), text).toBeGreaterThan(stop);
    expect(text).toMatch(/corpus: wrote \d+ files/);
  });

  it('the merge job joins the shards into the unsharded corpus, byte for byte', () => {
    const out = join(array(), `slurm-${mergeJob}.out`);
    expect(jobField(mergeJob, 'JobState'), existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('COMPLETED');
    // The unsharded run: the same script run by bash outside Slurm (task 0 of an array of one
    // makes a whole run; a task id without a count is refused), so its options are the
    // documented ones by construction.
    const whole = join(dir, 'whole');
    mkdirSync(whole);
    const r = spawnSync('bash', [join(array(), 'corpus.sbatch')], {
      cwd: whole,
      env: { ...env, SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '1', SLURM_CPUS_PER_TASK: '2' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.status, r.stderr).toBe(0);
    // No shard of more than one: the run makes the whole corpus.
    expect(r.stderr).not.toMatch(/shard \d+\/(?!1 )\d+/);
    expect(r.stderr).toMatch(/this run makes 1\/1 of the corpus/);
    expectSameTree(join(whole, 'data', 'shards', '0'), join(array(), 'data', 'corpus'));
  });
});
