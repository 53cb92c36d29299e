import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CHECKPOINT_FORMAT, type Checkpoint, type StageState } from '../src/pipeline/corpus/checkpoint.js';
import { Checkpointer } from '../src/pipeline/corpus/checkpointer.js';
import type { FaultPoint } from '../src/pipeline/corpus/faults.js';
import type { RunOptionsJson } from '../src/pipeline/corpus/options.js';
import { CHECKPOINT } from '../src/pipeline/corpus/plan.js';

const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const options: RunOptionsJson = {
  count: 1000,
  seed: 0,
  val_count: 0,
  problems: { min_numbers: 4, max_numbers: 4, min_target: 10, max_target: 100, max_number: 99 },
  solvers: ['sosp'],
  search: { sosp: { heuristic: 'mult' } },
  window: 4096,
  compress: 'none',
  max_file_size: 0,
};
const first: Checkpoint = { format: CHECKPOINT_FORMAT, options, shard: { index: 0, count: 1 }, stages: {} };
const state = (records: number, done = false): StageState => ({ records, done, files: {}, tally: {} });
const onDisk = () => JSON.parse(readFileSync(join(dir, CHECKPOINT), 'utf8')) as Checkpoint;

describe('Checkpointer: the checkpoint of a running corpus', () => {
  it('save replaces one stage and keeps the others; the file is what was saved last', async () => {
    const c = new Checkpointer(dir, first, 0, undefined);
    await c.save('train', state(1000, true));
    await c.save('sosp', state(200));
    expect(c.stages).toEqual({ train: state(1000, true), sosp: state(200) });
    expect(onDisk().stages).toEqual(c.stages);
  });

  it('maybeSave: nothing before the interval; after it, one background save at a time, told to the faults when begun and once durable', async () => {
    const points: FaultPoint[] = [];
    const c = new Checkpointer(dir, first, 0, { at: (p) => points.push(p) });
    await c.maybeSave('apr', [], () => state(100));
    // A second call while the first save runs starts none.
    await c.maybeSave('apr', [], () => state(200));
    await c.settle();
    expect(c.stages.apr).toEqual(state(100));
    expect(points).toEqual(['saving:1', 'checkpoint:1']);
    await c.maybeSave('apr', [], () => state(300));
    await c.settle();
    expect(onDisk().stages.apr).toEqual(state(300));
    expect(points).toEqual(['saving:1', 'checkpoint:1', 'saving:2', 'checkpoint:2']);

    const slow = new Checkpointer(dir, first, 3_600_000, undefined);
    await slow.maybeSave('apr', [], () => state(400));
    await slow.settle();
    expect(slow.stages.apr).toBeUndefined();
  });

  it("a background save's failure is thrown by the next call", async () => {
    const c = new Checkpointer(join(dir, 'missing', 'folder'), first, 0, undefined);
    await c.maybeSave('apr', [], () => state(100));
    // The save's own error, naming the folder that is not there (not just any error).
    await expect(c.settle()).rejects.toThrow(/cannot write .*missing/);
    await expect(c.maybeSave('apr', [], () => state(200))).rejects.toThrow(/cannot write .*missing/);
  });
});

describe('the folder lock', () => {
  it('a lock whose process is a zombie (killed, not yet reaped) is taken over; a live one is not', async () => {
    const { spawn } = await import('node:child_process');
    const { hostname } = await import('node:os');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { acquireLock } = await import('../src/pipeline/corpus/checkpoint.js');
    const { LOCK } = await import('../src/pipeline/corpus/plan.js');
    // `sleep 0` ends at once; its parent becomes `sleep 5`, which never reaps it: a zombie for 5 s.
    const sh = spawn('sh', ['-c', 'sleep 0 & echo $!; exec sleep 5'], { stdio: ['ignore', 'pipe', 'ignore'] });
    const zombie = Number(await new Promise<string>((resolve) => sh.stdout!.once('data', (d: Buffer) => resolve(d.toString()))));
    const state = () => {
      const stat = readFileSync(`/proc/${zombie}/stat`, 'utf8');
      return stat[stat.lastIndexOf(')') + 2];
    };
    for (let i = 0; i < 100 && state() !== 'Z'; i++) await new Promise((r) => setTimeout(r, 20));
    expect(state()).toBe('Z');
    const folder = join(dir, 'locked');
    mkdirSync(folder);
    writeFileSync(join(folder, LOCK), JSON.stringify({ pid: zombie, host: hostname() }));
    acquireLock(folder)();
    writeFileSync(join(folder, LOCK), JSON.stringify({ pid: sh.pid, host: hostname() }));
    expect(() => acquireLock(folder)).toThrow(/is being written by another run/);
    sh.kill();
  });

  it('a run removes the lock only while it is its own; a lock path that is a folder is one line', async () => {
    const { writeFileSync, mkdirSync, existsSync } = await import('node:fs');
    const { acquireLock } = await import('../src/pipeline/corpus/checkpoint.js');
    const { LOCK } = await import('../src/pipeline/corpus/plan.js');
    const folder = join(dir, 'own');
    mkdirSync(folder);
    const release = acquireLock(folder);
    // Taken over meanwhile (this run was judged gone): the new holder's lock stays.
    const theirs = JSON.stringify({ pid: process.pid + 1, host: 'elsewhere', start: '1' }) + '\n';
    writeFileSync(join(folder, LOCK), theirs);
    release();
    expect(readFileSync(join(folder, LOCK), 'utf8')).toBe(theirs);
    const odd = join(dir, 'odd');
    mkdirSync(join(odd, LOCK), { recursive: true });
    expect(() => acquireLock(odd)).toThrow(/odd\/\.corpus\.lock is not a lock file/);
    expect(existsSync(join(odd, LOCK))).toBe(true);
  });

  it("what runs killed while taking the lock left beside it (a lock being written, whole, torn or empty; a stale marker renamed away) is removed once a minute old, told by its content: a user's file of such a name is left", async () => {
    const { writeFileSync, mkdirSync, utimesSync, readdirSync } = await import('node:fs');
    const { acquireLock } = await import('../src/pipeline/corpus/checkpoint.js');
    const { LOCK } = await import('../src/pipeline/corpus/plan.js');
    const folder = join(dir, 'leftovers');
    mkdirSync(folder);
    const old = new Date(Date.now() - 5 * 60_000);
    const leftovers: ReadonlyArray<readonly [string, string]> = [
      [`${LOCK}.new-host-1-0a0b0c0d`, JSON.stringify({ pid: 1, host: 'host', start: '1' }) + '\n'],
      [`${LOCK}.new-host-4-0a0b0c10`, '{"pi'],
      [`${LOCK}.new-host-5-0a0b0c11`, ''],
      [`${LOCK}.takeover.stale-host-2-0a0b0c0e`, `${join('elsewhere', LOCK)}.takeover.by-host-2-0a0b0c0d`],
    ];
    // Files of the user's: one named as no leftover is, and two named as leftovers are, holding what no run writes there.
    const users = ['notes.new-host-1-0a0b0c0d', `${LOCK}.new-notes`, `${LOCK}.takeover.stale-copy`];
    for (const [name, text] of [...leftovers, ...users.map((u) => [u, 'mine\n'] as const)]) {
      writeFileSync(join(folder, name), text);
      utimesSync(join(folder, name), old, old);
    }
    // One being written this moment by a run taking the lock.
    writeFileSync(join(folder, `${LOCK}.new-host-3-0a0b0c0f`), '{"pid":3}\n');
    acquireLock(folder)();
    expect(readdirSync(folder).sort()).toEqual([`${LOCK}.new-host-3-0a0b0c0f`, ...users].sort());
    for (const name of users) expect(readFileSync(join(folder, name), 'utf8')).toBe('mine\n');
  });

  it("a file of the user's at the takeover marker's name is refused, never removed, when a run takes over a stale lock", async () => {
    const { writeFileSync, mkdirSync, utimesSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const { spawnSync } = await import('node:child_process');
    const { acquireLock } = await import('../src/pipeline/corpus/checkpoint.js');
    const { LOCK } = await import('../src/pipeline/corpus/plan.js');
    const folder = join(dir, 'marker');
    mkdirSync(folder);
    const dead = spawnSync('true').pid;
    writeFileSync(join(folder, LOCK), JSON.stringify({ pid: dead, host: hostname(), start: '1' }) + '\n');
    const marker = join(folder, `${LOCK}.takeover`);
    writeFileSync(marker, 'mine\n');
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(marker, old, old);
    expect(() => acquireLock(folder)).toThrow(/marker\/\.corpus\.lock\.takeover is not a countdown-traces takeover marker; move it away/);
    expect(readFileSync(marker, 'utf8')).toBe('mine\n');
    // A marker of a run that died taking over is the tool's: removed, and the stale lock taken over.
    writeFileSync(marker, `${join(folder, LOCK)}.takeover.by-host-1-0a0b0c0d`);
    utimesSync(marker, old, old);
    acquireLock(folder)();
    expect(readdirSync(folder)).toEqual([]);
  });

  it("a lock of this host's name taken in another pid namespace (a container sharing the hostname) is judged by its age, not by this namespace's pids; a link at the lock's name is one line", async () => {
    const { writeFileSync, mkdirSync, symlinkSync, utimesSync, existsSync } = await import('node:fs');
    const { hostname } = await import('node:os');
    const { acquireLock } = await import('../src/pipeline/corpus/checkpoint.js');
    const { pidSpace } = await import('../src/pipeline/processes.js');
    const { LOCK } = await import('../src/pipeline/corpus/plan.js');
    const folder = join(dir, 'other-space');
    mkdirSync(folder);
    // Its pid is this process's own here: in its own namespace it is another, running process.
    const theirs = JSON.stringify({ pid: process.pid, host: hostname(), start: '1', pids: 'pid:[1]' }) + '\n';
    writeFileSync(join(folder, LOCK), theirs);
    if (pidSpace() !== undefined) {
      expect(() => acquireLock(folder)).toThrow(/being written by another run \(pid \d+ on .* in another pid namespace, seen 0 s ago\)/);
      expect(readFileSync(join(folder, LOCK), 'utf8')).toBe(theirs);
    }
    // Untouched for minutes: its run is gone, wherever it ran.
    const old = new Date(Date.now() - 5 * 60_000);
    utimesSync(join(folder, LOCK), old, old);
    acquireLock(folder)();
    expect(existsSync(join(folder, LOCK))).toBe(false);
    const linked = join(dir, 'linked-lock');
    mkdirSync(linked);
    symlinkSync('/nonexistent', join(linked, LOCK));
    expect(() => acquireLock(linked)).toThrow(/linked-lock\/\.corpus\.lock is not a lock file \(a link, folder or other\)/);
  });

  it('three runs starting together on a stale lock, one of them slow to remove it: exactly one takes it', async () => {
    const { spawn, spawnSync } = await import('node:child_process');
    const { hostname } = await import('node:os');
    const { writeFileSync, mkdirSync } = await import('node:fs');
    const { LOCK } = await import('../src/pipeline/corpus/plan.js');
    const { repoRoot } = await import('./helpers.js');
    const cli = join(repoRoot, 'dist', 'cli', 'main.js');
    const folder = join(dir, 'race');
    mkdirSync(folder);
    const dead = spawnSync('true').pid;
    writeFileSync(join(folder, LOCK), JSON.stringify({ pid: dead, host: hostname(), start: '1' }) + '\n');
    const args = [cli, 'corpus', '--count', '300', '--val-count', '0', '--workers', '1', '--resume', '--out', folder];
    const start = (pre: string[]) =>
      new Promise<string>((resolve) => {
        const child = spawn(process.execPath, [...pre, ...args], { env: { ...process.env, SLOW_MS: '900' }, stdio: ['ignore', 'ignore', 'pipe'] });
        let err = '';
        child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
        child.on('close', () => resolve(err));
      });
    // The slow one judges the lock stale first and removes it late: the others judge it too meanwhile.
    const slow = start(['-r', join(repoRoot, 'test', 'slow-lock.cjs')]);
    await new Promise((r) => setTimeout(r, 300));
    const second = start([]);
    await new Promise((r) => setTimeout(r, 300));
    const outs = await Promise.all([slow, second, start([])]);
    const took = outs.filter((e) => / -> /.test(e));
    expect(took, outs.join('\n---\n')).toHaveLength(1);
    expect(outs.filter((e) => /is being written by another run/.test(e)), outs.join('\n---\n')).toHaveLength(2);
    expect(readdirSync(folder).filter((n) => n.startsWith(`${LOCK}.`))).toEqual([]);
  });
});
